"""Ways to tell a Transformer where each token is: learned tables, fixed sinusoids, and rotary embeddings.

Attention alone is blind to order (permute the tokens and each output permutes with them), so a
model must be given positions. GPT-2 learns a vector per position and adds it; the original
Transformer adds fixed sinusoids (Vaswani et al. 2017, section 3.5); Llama rotates each query and
key by an angle proportional to its position (RoPE, Su et al. 2021), so that their dot product
depends only on the *distance* between the two tokens.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from lib.core.validate import positive_int, positive_number


def sinusoidal_table(n_positions: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """(n_positions, d_model) table: PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d))."""
    n = positive_int("n_positions", n_positions)
    d = positive_int("d_model", d_model)
    if d % 2:
        raise ValueError(f"d_model must be even for sinusoidal positions, got {d}")
    base = positive_number("base", base)
    position = torch.arange(n, dtype=torch.float64).unsqueeze(1)
    frequency = torch.exp(-math.log(base) * torch.arange(0, d, 2, dtype=torch.float64) / d)
    table = torch.empty(n, d, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table.float()


def rotary_angles(n_positions: int, head_size: int, base: float = 10000.0) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of the rotation angles p·θ_i, θ_i = base^(-2i/head_size), each (n_positions, head_size / 2)."""
    n = positive_int("n_positions", n_positions)
    h = positive_int("head_size", head_size)
    if h % 2:
        raise ValueError(f"head_size must be even for rotary embeddings, got {h}")
    base = positive_number("base", base)
    theta = base ** (-torch.arange(0, h, 2, dtype=torch.float64) / h)
    angles = torch.arange(n, dtype=torch.float64).unsqueeze(1) * theta
    return angles.cos().float(), angles.sin().float()


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate each consecutive pair (x[2i], x[2i+1]) of the last dimension of ``x`` (..., time, head_size).

    ``cos`` and ``sin`` are (time, head_size / 2) for the positions of ``x``'s time axis. The
    rotation keeps each pair's length, and q·k after rotating both depends only on their distance.
    """
    if x.shape[-1] != 2 * cos.shape[-1] or x.shape[-2] != cos.shape[0] or cos.shape != sin.shape:
        raise ValueError(
            f"x (..., time, head_size) {tuple(x.shape)} does not match cos/sin (time, head_size/2) {tuple(cos.shape)}"
        )
    # half precision is rotated in float32; float64 stays float64 (gradient checks need every digit)
    pairs = (x if x.dtype == torch.float64 else x.float()).unflatten(-1, (-1, 2))
    even, odd = pairs[..., 0], pairs[..., 1]
    rotated = torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1)
    return rotated.flatten(-2).to(x.dtype)


class RotaryEmbedding(nn.Module):
    """Holds cos/sin for ``max_positions`` positions (a buffer, not parameters) and rotates queries and keys."""

    def __init__(self, head_size: int, max_positions: int, base: float = 10000.0) -> None:
        super().__init__()
        cos, sin = rotary_angles(max_positions, head_size, base)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def forward(self, x: torch.Tensor, start: int = 0) -> torch.Tensor:
        """Rotate ``x`` (batch, heads, time, head_size) as positions ``start .. start + time - 1``."""
        time = x.shape[-2]
        if start + time > self.cos.shape[0]:
            raise ValueError(f"positions up to {start + time} exceed the {self.cos.shape[0]} this embedding holds")
        return apply_rotary(x, self.cos[start : start + time], self.sin[start : start + time])
