"""How big a model is, without building it: parameter counts and the memory they take.

The closed form for a GPT follows from its layers (see ``gpt_parameter_count``); lessons
check it against a model built on the meta device, where the shapes exist but no memory does.
"""

from __future__ import annotations

import math
import numbers

import torch

from lib.core.validate import positive_int

# Bytes one parameter takes when stored in each format.
BYTES_PER_PARAMETER = {"fp32": 4, "bf16": 2, "fp16": 2, "int8": 1, "int4": 0.5}

# Training with Adam in mixed precision keeps, per parameter: bf16 weights (2) and gradients (2),
# an fp32 master copy (4) and Adam's two fp32 moments (4 + 4) = 16 bytes (Rajbhandari et al., ZeRO, 2020).
TRAINING_BYTES_PER_PARAMETER_ADAM_MIXED = 16


def gpt_parameter_count(
    n_layer: int, d_model: int, vocab_size: int = 50257, context_length: int = 1024, bias: bool = True
) -> int:
    """Parameters of :class:`lib.models.gpt.GPT`, by formula.

    Per block: attention 4·d² weights (+4d biases), MLP 8·d² (+5d), two LayerNorms 4d (2d without
    bias): 12·d² + 13·d with biases. Plus token and position embeddings (V + T)·d, the final
    LayerNorm 2d, and no output matrix, since it is tied to the token embedding.
    """
    layers = positive_int("n_layer", n_layer)
    d = positive_int("d_model", d_model)
    vocab = positive_int("vocab_size", vocab_size)
    context = positive_int("context_length", context_length)
    per_block = 12 * d * d + (13 * d if bias else 2 * d)
    final_norm = 2 * d if bias else d
    return (vocab + context) * d + layers * per_block + final_norm


def parameter_count(model: torch.nn.Module) -> int:
    """Distinct parameters of any module (shared tensors counted once); works on the meta device."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters())


def weight_memory_bytes(n_parameters: int, dtype: str = "bf16") -> float:
    """Bytes to hold ``n_parameters`` weights in ``dtype`` (one of BYTES_PER_PARAMETER)."""
    positive_int("n_parameters", n_parameters)
    if dtype not in BYTES_PER_PARAMETER:
        raise ValueError(f"dtype must be one of {sorted(BYTES_PER_PARAMETER)}, got {dtype!r}")
    return n_parameters * BYTES_PER_PARAMETER[dtype]


def human_bytes(n_bytes: float) -> str:
    """Format a byte count in decimal units, as GPU memory is quoted: 1.5e9 -> '1.5 GB'."""
    if isinstance(n_bytes, bool) or not isinstance(n_bytes, numbers.Real) or not 0 <= n_bytes < math.inf:
        raise ValueError(f"n_bytes must be non-negative and finite, got {n_bytes!r}")
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n_bytes < 1000 or unit == "TB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000
    raise AssertionError("unreachable")


def human_count(n: float) -> str:
    """Format a count the way model sizes are quoted: 124439808 -> '124.4M'."""
    if isinstance(n, bool) or not isinstance(n, numbers.Real) or not math.isfinite(n):
        raise ValueError(f"n must be a finite number, got {n!r}")
    for value, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= value:
            return f"{n / value:.1f}{suffix}"
    return f"{n:.0f}"


def gpt_parameter_breakdown(
    n_layer: int, d_model: int, vocab_size: int = 50257, context_length: int = 1024
) -> dict[str, int]:
    """Where a GPT's parameters sit: embeddings, attention, MLP and LayerNorms (biases included)."""
    total = gpt_parameter_count(n_layer, d_model, vocab_size, context_length)
    d = d_model
    parts = {
        "embeddings": (vocab_size + context_length) * d,
        "attention": n_layer * (4 * d * d + 4 * d),
        "mlp": n_layer * (8 * d * d + 5 * d),
        "layer norms": n_layer * 4 * d + 2 * d,
    }
    assert sum(parts.values()) == total
    return parts


def size_report(n_layer: int, d_model: int, vocab_size: int = 50257, context_length: int = 2048) -> str:
    """A few lines on a GPT's size: parameters, weight memory per format, training memory with Adam."""
    n = gpt_parameter_count(n_layer, d_model, vocab_size, context_length)
    lines = [f"{n_layer} layers x d_model {d_model}: {n:,} parameters ({human_count(n)})"]
    for dtype in ("fp32", "bf16", "int8"):
        lines.append(f"  weights in {dtype:<5}: {human_bytes(weight_memory_bytes(n, dtype)):>10}")
    training = n * TRAINING_BYTES_PER_PARAMETER_ADAM_MIXED
    lines.append(
        f"  training (Adam, mixed precision, 16 B/param): {human_bytes(training)}"
        f" = at least {math.ceil(training / 80e9)} GPU(s) of 80 GB, before activations"
    )
    return "\n".join(lines)
