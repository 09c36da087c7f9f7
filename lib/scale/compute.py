"""Scale in numbers: training compute (C ≈ 6·N·D), the compute-optimal split, and inference memory.

Every function computes from a model's shape or published totals, so a lesson can check it
against a measurement (FLOPs counted by PyTorch, bytes of real tensors) instead of quoting it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from lib.core.validate import positive_int, positive_number
from lib.scale.parameters import BYTES_PER_PARAMETER, TRAINING_BYTES_PER_PARAMETER_ADAM_MIXED, human_bytes, human_count

# Forward: one multiply and one add per parameter per token (2 FLOPs); backward: twice that (4).
TRAINING_FLOPS_PER_PARAMETER_PER_TOKEN = 6
# Hoffmann et al. 2022 (Chinchilla): compute-optimal training uses about 20 tokens per parameter.
CHINCHILLA_TOKENS_PER_PARAMETER = 20
# One petaflop/s-day: 10^15 FLOP/s sustained for 86,400 s, the unit Brown et al. (2020) report compute in.
PETAFLOP_S_DAY = 1e15 * 86400


def training_flops(n_parameters: float, n_tokens: float) -> float:
    """Training compute C ≈ 6·N·D FLOPs for N parameters seen by D tokens (Kaplan et al. 2020)."""
    n = positive_number("n_parameters", n_parameters)
    d = positive_number("n_tokens", n_tokens)
    return TRAINING_FLOPS_PER_PARAMETER_PER_TOKEN * n * d


def gpt_matmul_flops(
    n_layer: int, d_model: int, vocab_size: int, seq_len: int, n_tokens: int, backward: bool = True
) -> int:
    """FLOPs of the matrix products of :class:`lib.models.gpt.GPT` on ``n_tokens`` tokens in sequences of ``seq_len``.

    What ``torch.utils.flop_counter.FlopCounterMode`` counts: per token forward, 2 FLOPs per weight of
    the 12·L·d² block matrices and of the V·d output layer, plus attention's two T×T products,
    4·L·T·d (scores QKᵀ and the weighted sum of V, counted in full although half is masked).
    The backward pass costs twice the forward. Embedding lookups, biases, LayerNorm, GELU and
    softmax are not matrix products and are not counted.
    """
    layers = positive_int("n_layer", n_layer)
    d = positive_int("d_model", d_model)
    vocab = positive_int("vocab_size", vocab_size)
    t = positive_int("seq_len", seq_len)
    tokens = positive_int("n_tokens", n_tokens)
    if tokens % t:
        raise ValueError(f"n_tokens must be a whole number of sequences of seq_len={t}, got {tokens}")
    forward_per_token = 2 * (12 * layers * d * d + vocab * d) + 4 * layers * t * d
    return tokens * forward_per_token * (3 if backward else 1)


def compute_optimal(
    compute_flops: float, tokens_per_parameter: float = CHINCHILLA_TOKENS_PER_PARAMETER
) -> tuple[float, float]:
    """The (N, D) that spend ``compute_flops`` with D = k·N and C = 6·N·D: N = √(C / 6k), D = k·N."""
    c = positive_number("compute_flops", compute_flops)
    k = positive_number("tokens_per_parameter", tokens_per_parameter)
    n = math.sqrt(c / (TRAINING_FLOPS_PER_PARAMETER_PER_TOKEN * k))
    return n, k * n


def kv_cache_bytes(
    n_layer: int,
    d_model: int,
    n_tokens: int = 1,
    batch_size: int = 1,
    dtype: str = "bf16",
    n_head: int | None = None,
    n_kv_head: int | None = None,
) -> float:
    """Bytes of the key/value cache: 2 (K and V) · n_layer · kv_width · bytes · tokens · batch.

    kv_width is d_model for ordinary multi-head attention; with grouped-query attention
    (``n_kv_head`` < ``n_head``) only n_kv_head heads of size d_model / n_head are cached.
    """
    layers = positive_int("n_layer", n_layer)
    d = positive_int("d_model", d_model)
    tokens = positive_int("n_tokens", n_tokens)
    batch = positive_int("batch_size", batch_size)
    if dtype not in BYTES_PER_PARAMETER:
        raise ValueError(f"dtype must be one of {sorted(BYTES_PER_PARAMETER)}, got {dtype!r}")
    if (n_head is None) != (n_kv_head is None):
        raise ValueError("give both n_head and n_kv_head (grouped-query attention) or neither")
    width = d
    if n_head is not None:
        heads = positive_int("n_head", n_head)
        kv_heads = positive_int("n_kv_head", n_kv_head)
        if d % heads or heads % kv_heads:
            raise ValueError(
                f"n_head ({heads}) must divide d_model ({d}) and n_kv_head ({kv_heads}) must divide n_head"
            )
        width = kv_heads * (d // heads)
    return 2 * layers * width * BYTES_PER_PARAMETER[dtype] * tokens * batch


def llama_parameter_count(
    n_layer: int,
    d_model: int,
    ffn_dim: int,
    vocab_size: int,
    n_head: int,
    n_kv_head: int,
    tied_embeddings: bool = False,
) -> int:
    """Parameters of a Llama-style decoder (no biases, RMSNorm, SwiGLU MLP, grouped-query attention).

    Per layer: query and output d², key and value 2·d·kv_width, the gated MLP 3·d·ffn_dim, two
    RMSNorm scales 2d. Plus the embedding V·d, a separate output matrix V·d unless tied, a final norm d.
    """
    layers = positive_int("n_layer", n_layer)
    d = positive_int("d_model", d_model)
    ffn = positive_int("ffn_dim", ffn_dim)
    vocab = positive_int("vocab_size", vocab_size)
    heads = positive_int("n_head", n_head)
    kv_heads = positive_int("n_kv_head", n_kv_head)
    if d % heads or heads % kv_heads:
        raise ValueError(f"n_head ({heads}) must divide d_model ({d}) and n_kv_head ({kv_heads}) must divide n_head")
    kv_width = kv_heads * (d // heads)
    per_layer = 2 * d * d + 2 * d * kv_width + 3 * d * ffn + 2 * d
    embeddings = vocab * d * (1 if tied_embeddings else 2)
    return layers * per_layer + embeddings + d


def power_law_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares fit of y = a · x^(-alpha) on log axes; returns (a, alpha)."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError(f"xs and ys must have equal lengths of at least 2, got {len(xs)} and {len(ys)}")
    if any(not x > 0 for x in xs) or any(not y > 0 for y in ys):
        raise ValueError("xs and ys must all be positive to fit on log axes")
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((x - mx) ** 2 for x in lx)
    if sxx == 0:
        raise ValueError("xs must not all be equal")
    slope = sum((x - mx) * (y - my) for x, y in zip(lx, ly, strict=True)) / sxx
    return math.exp(my - slope * mx), -slope


def log_log_r_squared(xs: Sequence[float], ys: Sequence[float]) -> float:
    """R² of the straight-line fit of log y on log x: 1 when the points lie exactly on a power law.

    The share of the variance of log y that the line of :func:`power_law_fit` explains; a lesson
    asserts it to back a sentence such as "on log-log axes the points lie close to a line".
    """
    a, alpha = power_law_fit(xs, ys)  # validates the inputs
    ly = [math.log(y) for y in ys]
    mean = sum(ly) / len(ly)
    total = sum((y - mean) ** 2 for y in ly)
    if total == 0:
        raise ValueError("ys must not all be equal: R² is undefined for a flat line")
    residual = sum((y - (math.log(a) - alpha * math.log(x))) ** 2 for x, y in zip(xs, ly, strict=True))
    return 1 - residual / total


def training_budget_report(n_parameters: float, n_tokens: float) -> str:
    """A few lines on a training run: compute 6·N·D, tokens per parameter, the Chinchilla split, memory."""
    n = positive_number("n_parameters", n_parameters)
    d = positive_number("n_tokens", n_tokens)
    c = training_flops(n, d)
    n_opt, d_opt = compute_optimal(c)
    ratio = d / n
    verdict = "under-trained" if ratio < CHINCHILLA_TOKENS_PER_PARAMETER else "over-trained"
    if math.isclose(ratio, CHINCHILLA_TOKENS_PER_PARAMETER, rel_tol=0.1):
        verdict = "about compute-optimal"
    return "\n".join(
        [
            f"{human_count(n)} parameters x {human_count(d)} tokens: C = 6ND = {c:.2e} FLOPs",
            f"  {ratio:.1f} tokens per parameter ({verdict} by the 20:1 rule)",
            f"  compute-optimal for the same C: {human_count(n_opt)} parameters on {human_count(d_opt)} tokens",
            f"  weights in bf16: {human_bytes(n * BYTES_PER_PARAMETER['bf16'])}; "
            f"training state with Adam: {human_bytes(n * TRAINING_BYTES_PER_PARAMETER_ADAM_MIXED)}",
            f"  = {c / PETAFLOP_S_DAY:,.1f} petaflop/s-days (10^15 FLOP/s for a day, the unit of the GPT-3 paper)",
        ]
    )
