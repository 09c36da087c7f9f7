"""What a model costs in time and money: training time and price, and serving cost per million tokens.

Training: C ≈ 6·N·D FLOPs, run at a fraction (the model FLOPs utilization, MFU) of the accelerators'
peak, paid by the accelerator-hour. Serving (Pope et al. 2022): reading a prompt (prefill) is
compute-bound, 2·N FLOPs per token for all tokens at once; generating (decode) reads every weight
once per step, so at small batches it is bound by memory bandwidth and a batch shares that read.
Hardware figures and prices are arguments, never assumptions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lib.core.validate import fraction, non_negative_number, positive_int, positive_number
from lib.scale.compute import training_flops
from lib.scale.parameters import BYTES_PER_PARAMETER, human_bytes, human_count
from lib.scale.serving import Accelerator, decode_tokens_per_second_bound, inference_flops_per_token

SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0
# The precisions a model is commonly served in, widest first.
SERVING_PRECISIONS = ("fp32", "bf16", "int8", "int4")


def _mfu(value: object) -> float:
    return fraction("mfu", value, low_inclusive=False, high_inclusive=True)


def accelerator_hours(compute_flops: float, peak_flops: float, mfu: float) -> float:
    """Accelerator-hours to do ``compute_flops`` on chips of ``peak_flops`` FLOP/s used at ``mfu`` of peak."""
    c = positive_number("compute_flops", compute_flops)
    peak = positive_number("peak_flops", peak_flops)
    return c / (peak * _mfu(mfu)) / SECONDS_PER_HOUR


def implied_mfu(compute_flops: float, hours: float, peak_flops: float) -> float:
    """The utilization a run must have averaged to do ``compute_flops`` in ``hours`` accelerator-hours."""
    c = positive_number("compute_flops", compute_flops)
    h = positive_number("hours", hours)
    peak = positive_number("peak_flops", peak_flops)
    return c / (h * SECONDS_PER_HOUR * peak)


@dataclass(frozen=True)
class TrainingEstimate:
    """A training run in numbers: compute, accelerator-hours, wall-clock days and price."""

    compute_flops: float
    accelerator_hours: float
    days: float
    cost: float

    def report(self) -> str:
        """Four lines a learner can read."""
        return "\n".join(
            [
                f"compute C = 6ND = {self.compute_flops:.2e} FLOPs",
                f"accelerator-hours: {self.accelerator_hours / 1e6:,.2f} million",
                f"wall-clock time: {self.days:,.1f} days",
                f"price: ${self.cost / 1e6:,.1f} million",
            ]
        )


def training_estimate(
    n_parameters: float,
    n_tokens: float,
    peak_flops: float,
    mfu: float,
    n_accelerators: int,
    price_per_accelerator_hour: float,
) -> TrainingEstimate:
    """Time and price of training N parameters on D tokens: C = 6ND at ``mfu`` of ``n_accelerators`` chips."""
    c = training_flops(n_parameters, n_tokens)
    hours = accelerator_hours(c, peak_flops, mfu)
    chips = positive_int("n_accelerators", n_accelerators)
    price = non_negative_number("price_per_accelerator_hour", price_per_accelerator_hour)
    return TrainingEstimate(c, hours, hours / chips / 24, hours * price)


def prefill_tokens_per_second(n_parameters: float, peak_flops: float, mfu: float) -> float:
    """Prompt tokens one accelerator reads per second: compute-bound, 2·N FLOPs per token at ``mfu`` of peak."""
    peak = positive_number("peak_flops", peak_flops)
    return peak * _mfu(mfu) / inference_flops_per_token(n_parameters)


def cost_per_million_tokens(
    tokens_per_second: float, price_per_accelerator_hour: float, n_accelerators: int = 1
) -> float:
    """Dollars per million tokens when ``n_accelerators`` rented together produce ``tokens_per_second``."""
    rate = positive_number("tokens_per_second", tokens_per_second)
    price = non_negative_number("price_per_accelerator_hour", price_per_accelerator_hour)
    chips = positive_int("n_accelerators", n_accelerators)
    return chips * price / SECONDS_PER_HOUR / rate * 1e6


def critical_batch_size(peak_flops: float, bandwidth_bytes_per_s: float, dtype: str = "bf16") -> float:
    """Batch at which a decode step stops being memory-bound (KV cache ignored): peak · bytes / (2 · bandwidth).

    A step reads N·bytes of weights and does 2·N·B FLOPs; the two take equal time when
    B = peak · bytes_per_parameter / (2 · bandwidth), the same for every N (Pope et al. 2022).
    """
    peak = positive_number("peak_flops", peak_flops)
    bandwidth = positive_number("bandwidth_bytes_per_s", bandwidth_bytes_per_s)
    if dtype not in BYTES_PER_PARAMETER:
        raise ValueError(f"dtype must be one of {sorted(BYTES_PER_PARAMETER)}, got {dtype!r}")
    return peak * BYTES_PER_PARAMETER[dtype] / (2 * bandwidth)


def memory_by_precision(
    n_parameters: float, kv_cache_bytes: float = 0.0, precisions: tuple[str, ...] = SERVING_PRECISIONS
) -> dict[str, float]:
    """Bytes to serve at each weight precision: the weights, plus a KV cache whose size does not change."""
    n = positive_number("n_parameters", n_parameters)
    kv = non_negative_number("kv_cache_bytes", kv_cache_bytes)
    unknown = [p for p in precisions if p not in BYTES_PER_PARAMETER]
    if unknown or not precisions:
        raise ValueError(f"precisions must be a non-empty tuple from {sorted(BYTES_PER_PARAMETER)}, got {precisions!r}")
    return {p: n * BYTES_PER_PARAMETER[p] + kv for p in precisions}


@dataclass(frozen=True)
class ServingCost:
    """Serving one model on ``n_accelerators`` chips: memory, throughput bounds and dollars per million tokens."""

    memory_bytes: float
    n_accelerators: int
    prefill_tokens_per_second: float
    decode_tokens_per_second: float
    prefill_cost_per_million: float
    decode_cost_per_million: float


def serving_cost(
    n_parameters: float,
    kv_bytes_per_token: float,
    accelerator: Accelerator,
    price_per_accelerator_hour: float,
    dtype: str = "bf16",
    batch_size: int = 1,
    context_tokens: int = 4096,
    mfu: float = 0.5,
) -> ServingCost:
    """Cost of serving at the bounds: prefill at ``mfu`` of peak, decode at the roofline of bandwidth and peak.

    The accelerators needed are those that hold the weights plus every sequence's KV cache; their
    bandwidth and peak are added up, as if the work split perfectly. Real servers reach less, so
    these are lower bounds on cost.
    """
    if not isinstance(accelerator, Accelerator):
        raise TypeError(f"accelerator must be a lib.scale.serving.Accelerator, got {type(accelerator).__name__}")
    n = positive_number("n_parameters", n_parameters)
    per_token = non_negative_number("kv_bytes_per_token", kv_bytes_per_token)
    batch = positive_int("batch_size", batch_size)
    context = positive_int("context_tokens", context_tokens)
    if dtype not in BYTES_PER_PARAMETER:
        raise ValueError(f"dtype must be one of {sorted(BYTES_PER_PARAMETER)}, got {dtype!r}")
    kv_per_sequence = per_token * context
    memory = n * BYTES_PER_PARAMETER[dtype] + batch * kv_per_sequence
    chips = max(1, math.ceil(memory / accelerator.memory_bytes - 1e-9))
    prefill = chips * prefill_tokens_per_second(n, accelerator.peak_flops, mfu)
    decode = decode_tokens_per_second_bound(
        n, chips * accelerator.bandwidth_bytes_per_s, chips * accelerator.peak_flops, dtype, batch, kv_per_sequence
    )
    return ServingCost(
        memory,
        chips,
        prefill,
        decode,
        cost_per_million_tokens(prefill, price_per_accelerator_hour, chips),
        cost_per_million_tokens(decode, price_per_accelerator_hour, chips),
    )


def cost_report(
    n_parameters: float,
    n_tokens: float,
    kv_bytes_per_token: float,
    accelerator: Accelerator,
    price_per_accelerator_hour: float,
    mfu: float = 0.4,
    n_accelerators: int = 1024,
    dtype: str = "bf16",
    batch_size: int = 1,
    context_tokens: int = 4096,
) -> str:
    """The widget's text: training time and price, memory at each precision, serving cost per million tokens."""
    train = training_estimate(
        n_parameters, n_tokens, accelerator.peak_flops, mfu, n_accelerators, price_per_accelerator_hour
    )
    serve = serving_cost(
        n_parameters,
        kv_bytes_per_token,
        accelerator,
        price_per_accelerator_hour,
        dtype,
        batch_size,
        context_tokens,
        mfu,
    )
    kv = batch_size * context_tokens * kv_bytes_per_token
    memory = ", ".join(f"{p} {human_bytes(b)}" for p, b in memory_by_precision(n_parameters, kv).items())
    return "\n".join(
        [
            f"Training {human_count(n_parameters)} parameters on {human_count(n_tokens)} tokens"
            f" with {n_accelerators:,} x {accelerator.name} at MFU {mfu:.0%}:",
            *("  " + line for line in train.report().splitlines()),
            f"Serving (batch {batch_size} x {context_tokens:,} tokens of KV cache in bf16):",
            f"  memory by weight precision: {memory}",
            f"  in {dtype}: {serve.n_accelerators} accelerator(s); prefill at most"
            f" {serve.prefill_tokens_per_second:,.0f} tokens/s, decode at most {serve.decode_tokens_per_second:,.0f}",
            f"  at least ${serve.prefill_cost_per_million:,.3f} per million prompt tokens,"
            f" ${serve.decode_cost_per_million:,.2f} per million generated tokens",
        ]
    )
