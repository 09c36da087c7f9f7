"""The exercises of lesson 4.6 (deployment): expected values computed from lib and PyTorch, not the learner's code."""

from __future__ import annotations

from lib.course.exercises.base import Exercise


# 4.6 Compressing and serving a model
def _csr_smaller_at_half() -> bool:
    """Prune a seeded 512 x 512 layer to 50% and compare PyTorch's CSR bytes with the dense bytes."""
    from torch import nn

    from lib.compress.measure import sparse_csr_bytes
    from lib.compress.pruning import magnitude_prune
    from lib.core.seeding import seeded

    with seeded(0):
        layer = nn.Linear(512, 512)
    weight = magnitude_prune(layer, 0.5).weight.detach()
    return sparse_csr_bytes(weight) < weight.numel() * weight.element_size()


def _int8_layer_bytes(n_in: int = 256, n_out: int = 128) -> int:
    """Bytes of the buffers of lib's Int8Linear built from an nn.Linear(n_in, n_out)."""
    from torch import nn

    from lib.compress.quantization import Int8Linear
    from lib.core.seeding import seeded

    with seeded(0):
        layer = Int8Linear.from_linear(nn.Linear(n_in, n_out))
    return sum(b.numel() * b.element_size() for b in layer.buffers())


def _kv_inputs() -> dict[str, list[int]]:
    return {"lengths": [12, 40, 96, 7, 65, 30]}


def _kv_waste(lengths: list[int], scheme: str = "contiguous") -> float:
    from lib.scale.batching import kv_reservation

    return kv_reservation(lengths, 96, 1.0, block_size=16).waste(scheme)


def _continuous_steps() -> int:
    from lib.scale.batching import continuous_batching

    return continuous_batching([10] + [1] * 9, 4).steps


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "4.6.csr-smaller",
        "is a 50%-pruned 512 x 512 fp32 matrix smaller in CSR than dense?",
        "equal",
        expected=_csr_smaller_at_half,
        reference=lambda: False,
        wrong=lambda: True,
        hint="count what CSR stores for each non-zero weight besides its value, and how many bytes that index takes",
    ),
    Exercise(
        "4.6.int8-layer-bytes",
        "bytes of a weight-only int8 Linear(256 -> 128) with per-row scales and a bias",
        "equal",
        expected=_int8_layer_bytes,
        reference=lambda: 128 * 256 + 128 * 4 + 128 * 4,
        wrong=lambda: 128 * 256 * 4 + 128 * 4,
        hint="one byte per weight; the scales and the bias stay fp32, one of each per output row",
    ),
    Exercise(
        "4.6.kv-waste",
        "fraction of KV-cache memory wasted by reserving the full context per sequence",
        "close",
        rel=1e-9,
        expected=_kv_waste,
        reference=lambda lengths: 1 - sum(lengths) / (len(lengths) * 96),
        wrong=lambda lengths: _kv_waste(lengths, "paged"),
        hint="compare the tokens the sequences really hold with the tokens reserved for them; bytes per token cancel",
        inputs=("lengths",),
        example_inputs=_kv_inputs,
    ),
    Exercise(
        "4.6.continuous-steps",
        "decoding steps of continuous batching, 4 slots, answers [10, 1 x 9]",
        "equal",
        expected=_continuous_steps,
        reference=lambda: 10,
        wrong=lambda: 12,
        hint="while the long answer runs in one slot, how many short ones can the other three slots finish?",
    ),
)
