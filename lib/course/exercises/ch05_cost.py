"""The exercises of lesson 5.2 (cost and market): expected values from lib.scale and published figures."""

from __future__ import annotations

from lib.course.exercises.base import Exercise
from lib.scale.compute import kv_cache_bytes, llama_parameter_count, training_flops
from lib.scale.costs import accelerator_hours, implied_mfu, serving_cost
from lib.scale.serving import DATASHEETS

_H100 = DATASHEETS["H100 SXM"]  # dense bf16 peak 989.5 TFLOP/s (1,979 with sparsity), 3.35 TB/s
# Llama 3.1 405B: 3.8e25 FLOPs (Llama Team 2024, arXiv:2407.21783, section 1); 30.84M H100 GPU-hours for the
# 405B model alone, 39.3M for the 8B, 70B and 405B models together (Llama 3.1 model card).
_LLAMA_405B_FLOPS, _LLAMA_405B_HOURS, _LLAMA_31_FAMILY_HOURS = 3.8e25, 30.84e6, 39.3e6


def _llama3_70b_parameters() -> int:
    return llama_parameter_count(80, 8192, 28672, 128256, 64, 8)


def _decode_cost_ratio(batch: int) -> float:
    n = llama_parameter_count(32, 4096, 14336, 128256, 32, 8)  # Llama 3 8B
    one = serving_cost(n, 0.0, _H100, 1.0, batch_size=1).decode_cost_per_million
    return one / serving_cost(n, 0.0, _H100, 1.0, batch_size=batch).decode_cost_per_million


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.2.gpu-hours-70b",
        "H100 GPU-hours to train 70B parameters on 15T tokens at 40% MFU",
        "close",
        rel=1e-3,
        expected=lambda: accelerator_hours(training_flops(70e9, 15e12), _H100.peak_flops, 0.4),
        reference=lambda: 6 * 70e9 * 15e12 / (1979e12 / 2 * 0.4) / 3600,
        wrong=lambda: 2 * 70e9 * 15e12 / (1979e12 / 2 * 0.4) / 3600,
        hint="training costs a forward and a backward pass per token; divide the FLOPs by what one GPU "
        "really does per second, then turn seconds into hours",
    ),
    Exercise(
        "5.2.implied-mfu",
        "average MFU of Llama 3.1 405B's training, from its FLOPs and its GPU-hours",
        "close",
        rel=1e-3,
        expected=lambda: implied_mfu(_LLAMA_405B_FLOPS, _LLAMA_405B_HOURS, _H100.peak_flops),
        reference=lambda: 3.8e25 / (30.84e6 * 3600 * 989.5e12),
        wrong=lambda: 3.8e25 / (39.3e6 * 3600 * 989.5e12),
        hint="use the GPU-hours of the 405B model alone, and the dense bf16 peak (the datasheet's starred "
        "figure assumes sparsity); MFU is what was done over what could have been done",
    ),
    Exercise(
        "5.2.batch-1024-predict",
        "how many times cheaper per generated token Llama 3 8B is at batch 1024 than at batch 1 (H100, bf16)",
        "close",
        rel=0.05,
        expected=lambda: _decode_cost_ratio(1024),
        reference=lambda: 1979e12 / 2 * 2 / (2 * 3.35e12),
        wrong=lambda: 1024.0,
        hint="batching is free only while the step waits for memory; find the batch at which the "
        "arithmetic of the step takes as long as reading the weights",
    ),
    Exercise(
        "5.2.memory-70b-int4",
        "bytes to serve Llama 3 70B with int4 weights and a bf16 KV cache for 8 sequences of 8,192 tokens",
        "close",
        rel=1e-6,
        expected=lambda: (
            _llama3_70b_parameters() * 0.5
            + kv_cache_bytes(80, 8192, n_tokens=8192, batch_size=8, n_head=64, n_kv_head=8)
        ),
        reference=lambda: _llama3_70b_parameters() / 2 + 2 * 80 * (8 * 128) * 2 * 8192 * 8,
        wrong=lambda: _llama3_70b_parameters() / 2 + 2 * 80 * 8192 * 2 * 8192 * 8,
        hint="the weights shrink with int4, the cache does not; and with grouped-query attention only the "
        "key/value heads are cached, each 128 wide",
    ),
)
