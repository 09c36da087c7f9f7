"""The position-wise feed-forward layer of a Transformer block: GELU (GPT-2) or SwiGLU (Llama).

GELU: down(GELU(up(x))) with a hidden width of 4·d. SwiGLU (Shazeer 2020): down(SiLU(gate(x)) ⊙ up(x)),
three matrices instead of two, so Llama shrinks the hidden width to about (2/3)·4·d to keep the
parameter count, then rounds it up to a multiple of 256.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.validate import fraction, positive_int


def swiglu_hidden_size(d_model: int, multiple_of: int = 256) -> int:
    """Llama's hidden width for SwiGLU: 2/3 of 4·d, rounded up to a multiple of ``multiple_of``."""
    d = positive_int("d_model", d_model)
    m = positive_int("multiple_of", multiple_of)
    hidden = int(2 * 4 * d / 3)
    return m * ((hidden + m - 1) // m)


class GeluMLP(nn.Module):
    """Widen to ``hidden``, GELU, project back: GPT-2's feed-forward layer."""

    def __init__(self, d_model: int, hidden: int, bias: bool = True, dropout: float = 0.0) -> None:
        super().__init__()
        self.up = nn.Linear(positive_int("d_model", d_model), positive_int("hidden", hidden), bias=bias)
        self.down = nn.Linear(hidden, d_model, bias=bias)
        self.dropout = nn.Dropout(fraction("dropout", dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Applied to every position independently."""
        return self.dropout(self.down(F.gelu(self.up(x))))


class SwiGLU(nn.Module):
    """down(SiLU(gate(x)) ⊙ up(x)): a gated feed-forward layer, Llama's choice."""

    def __init__(self, d_model: int, hidden: int, bias: bool = False, dropout: float = 0.0) -> None:
        super().__init__()
        self.gate = nn.Linear(positive_int("d_model", d_model), positive_int("hidden", hidden), bias=bias)
        self.up = nn.Linear(d_model, hidden, bias=bias)
        self.down = nn.Linear(hidden, d_model, bias=bias)
        self.dropout = nn.Dropout(fraction("dropout", dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Applied to every position independently."""
        return self.dropout(self.down(F.silu(self.gate(x)) * self.up(x)))
