"""Benchmark: tokens per second and MFU of lib's GPT training step, against its own slower variants and a plain GPT.

``python -m lib.train.bench_gpt`` times one training step (forward with the loss, backward, AdamW
step, zero the gradients) at fixed configurations. In the same process, with repeats interleaved
(variant A, B, C, A, B, C, ...) so that a busy machine slows them all alike, it times lib's GPT as
it is, the same weights with naive attention (explicit mask and softmax instead of
``scaled_dot_product_attention``), with an unfused AdamW (``foreach=False, fused=False``), and
:class:`PlainGPT`, the plainest correct PyTorch GPT (nanoGPT-like, written below). Each number is
the median over repeats of the mean step time of a block of steps; warm-up steps are not timed.
On a CPU with one thread the clock is the process's CPU time, not the wall clock: on a shared
machine the wall clock also counts the time other programs held the core, the CPU time does not.
On CUDA it adds bf16 autocast, ``torch.compile`` and a GPT-2-small configuration.

MFU (model FLOPs utilization) = ``GPT.flops_per_token`` × tokens/s / the chip's peak. A CPU has no
published peak: unless ``$COURSE_PEAK_FLOPS`` gives one, the benchmark measures the rate of a large
fp32 matrix product on the same threads and uses it as the peak (say so when you quote CPU MFU).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from lib.core import hardware
from lib.core.device import pick_device
from lib.core.threads import cpu_threads
from lib.core.validate import one_of, positive_int, positive_number
from lib.models.gpt import GPT, GPTConfig
from lib.train.optimizers import make_adamw

# lib's GPT may be at most this much slower than PlainGPT before the check fails (timing noise on a shared machine).
TOLERANCE = 0.10


class BenchConfig(NamedTuple):
    """One benchmarked shape: the model's configuration, the batch size and the devices it runs on."""

    name: str
    model: GPTConfig
    batch: int
    cuda_only: bool = False


_GPT2 = {"bias": True, "dropout": 0.0}
CONFIGS = {
    "tiny": BenchConfig("tiny", GPTConfig(vocab_size=128, context_length=64, n_layer=4, n_head=4, d_model=128), 12),
    "small": BenchConfig("small", GPTConfig(vocab_size=512, context_length=128, n_layer=4, n_head=4, d_model=256), 8),
    # GPT-2 small (124M), its vocabulary padded to a multiple of 64 as nanoGPT does (faster matrix products).
    "gpt2-small": BenchConfig("gpt2-small", GPTConfig(vocab_size=50304, context_length=1024), 16, cuda_only=True),
}


class PlainBlock(nn.Module):
    """nanoGPT's block: x + attn(ln(x)), x + mlp(ln(x)), attention through PyTorch's fused kernel."""

    def __init__(self, d: int, n_head: int) -> None:
        super().__init__()
        self.n_head = n_head
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """One pre-norm block on x (batch, time, d)."""
        b, t, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.n_head, d // self.n_head).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.c_proj(y.transpose(1, 2).contiguous().view(b, t, d))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class PlainGPT(nn.Module):
    """The plainest correct GPT-2 (learned positions, LayerNorm, GELU MLP, tied output): the yardstick."""

    def __init__(self, vocab_size: int, context_length: int, n_layer: int, n_head: int, d_model: int) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab_size, d_model)
        self.wpe = nn.Embedding(context_length, d_model)
        self.h = nn.ModuleList(PlainBlock(d_model, n_head) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, idx: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits and mean cross-entropy, as lib's GPT returns them."""
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return logits, F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten())

    @classmethod
    def from_gpt(cls, gpt: GPT) -> PlainGPT:
        """A PlainGPT holding ``gpt``'s weights (GPT-2 architecture only: learned positions, LayerNorm, GELU)."""
        c = gpt.config
        if (c.position, c.norm, c.mlp, c.bias, c.tie_embeddings, c.kv_heads) != (
            "learned", "layer", "gelu", True, True, c.n_head
        ) or c.ffn_hidden != 4 * c.d_model or c.norm_eps != 1e-5:  # fmt: skip
            raise ValueError("gpt must have GPT-2's architecture to be copied into a PlainGPT")
        plain = cls(c.vocab_size, c.context_length, c.n_layer, c.n_head, c.d_model).to(gpt.lm_head.weight.device)
        names = {"token_embedding": "wte", "position_embedding": "wpe", "blocks": "h", "ln1": "ln_1", "ln2": "ln_2"}
        names |= {"attn.qkv": "c_attn", "attn.proj": "c_proj", "mlp.up": "c_fc", "mlp.down": "mlp_proj"}
        state = {}
        for key, value in gpt.state_dict().items():
            for old, new in names.items():
                key = key.replace(old, new)
            state[key] = value
        plain.load_state_dict(state)
        return plain


class Result(NamedTuple):
    """One variant's timing: median seconds per step over the repeats, tokens per second and MFU."""

    config: str
    variant: str
    seconds_per_step: float
    tokens_per_s: float
    mfu: float


def measured_peak_flops(size: int = 1024, repeats: int = 5, clock: str = "wall") -> float:
    """FLOP/s of the best of ``repeats`` fp32 (size × size) matrix products on the CPU's current threads."""
    timer = time.process_time if one_of("clock", clock, ("wall", "cpu")) == "cpu" else time.perf_counter
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = math.inf
    for _ in range(repeats):
        start = timer()
        a @ b
        best = min(best, timer() - start)
    return 2 * size**3 / best


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _variants(config: BenchConfig, device: torch.device) -> dict[str, Callable[[], tuple[nn.Module, object, str]]]:
    """name -> builder of (model, optimizer, precision); every model starts from the same seeded weights."""

    def lib_gpt(**changes: object) -> GPT:
        torch.manual_seed(0)
        return GPT(dataclasses.replace(config.model, **changes)).to(device)

    def adamw(model: nn.Module, **kwargs: object) -> torch.optim.Optimizer:
        return torch.optim.AdamW(model.parameters(), lr=3e-4, **kwargs)

    def plain() -> nn.Module:
        return PlainGPT.from_gpt(lib_gpt())

    variants = {
        "lib": lambda: (m := lib_gpt(), make_adamw(m, device=device), "fp32", False),
        "lib naive attention": lambda: (m := lib_gpt(attention="naive"), make_adamw(m, device=device), "fp32", False),
        "lib unfused AdamW": lambda: (m := lib_gpt(), adamw(m, foreach=False, fused=False), "fp32", False),
        "plain GPT": lambda: (m := plain(), adamw(m), "fp32", False),
    }
    if device.type == "cpu":  # lib's make_adamw uses the for-loop AdamW on CPU; show what fused would give
        variants["lib fused AdamW"] = lambda: (m := lib_gpt(), adamw(m, fused=True), "fp32", False)
    if device.type == "cuda":
        variants["lib bf16"] = lambda: (m := lib_gpt(), make_adamw(m, device=device), "bf16", False)
        variants["lib bf16 compiled"] = lambda: (m := lib_gpt(), make_adamw(m, device=device), "bf16", True)
        variants["plain GPT bf16"] = lambda: (m := plain(), adamw(m, fused=True), "bf16", False)
        if config.cuda_only:  # the big model: skip the slow fp32 and naive variants
            for name in ("lib", "lib naive attention", "lib unfused AdamW", "plain GPT"):
                variants.pop(name)
    return variants


def benchmark(
    config: str | BenchConfig = "tiny",
    device: torch.device | str | None = None,
    steps: int = 5,
    repeats: int = 5,
    warmup: int = 2,
    peak_flops: float | None = None,
    only: Sequence[str] | None = None,
    clock: str = "wall",
) -> list[Result]:
    """Time every variant of ``config``: ``repeats`` interleaved blocks of ``steps`` steps each, after ``warmup``.

    ``peak_flops`` defaults to the device's published peak, or on a CPU to :func:`measured_peak_flops`.
    ``only`` keeps the variants with those names. ``clock`` is ``"wall"`` or ``"cpu"`` (process CPU time,
    right for one CPU thread on a shared machine; wrong for several threads or a GPU).
    """
    one_of("clock", clock, ("wall", "cpu"))
    timer = time.process_time if clock == "cpu" else time.perf_counter
    if isinstance(config, str):
        if config not in CONFIGS:
            raise ValueError(f"config must be one of {sorted(CONFIGS)}, got {config!r}")
        config = CONFIGS[config]
    if not isinstance(config, BenchConfig):
        raise TypeError(f"config must be a name or a BenchConfig, got {type(config).__name__}")
    steps, repeats = positive_int("steps", steps), positive_int("repeats", repeats)
    warmup = positive_int("warmup", warmup, minimum=0)
    device = pick_device() if device is None else torch.device(device)
    if config.cuda_only and device.type != "cuda":
        raise ValueError(f"config {config.name!r} runs only on CUDA, got device {device}")
    if peak_flops is None:
        peak_flops = hardware.peak_flops(device) or measured_peak_flops()
    peak_flops = positive_number("peak_flops", peak_flops)
    variants = _variants(config, device)
    if only is not None:
        unknown = set(only) - set(variants)
        if unknown:
            raise ValueError(f"only must name variants of {sorted(variants)}, got {sorted(unknown)}")
        variants = {name: build for name, build in variants.items() if name in only}
    batch, context = config.batch, config.model.context_length
    data = torch.Generator().manual_seed(1)
    idx = torch.randint(config.model.vocab_size, (batch, context + 1), generator=data).to(device)
    x, y = idx[:, :-1], idx[:, 1:]
    flops_per_token = _flops_per_token(config.model)
    runs = {}
    for name, build in variants.items():
        model, optimizer, precision, compiled = build()
        forward = torch.compile(model) if compiled else model
        runs[name] = (forward, optimizer, precision)
        for _ in range(warmup):
            _step(forward, optimizer, precision, device, x, y)
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, (forward, optimizer, precision) in runs.items():
            _sync(device)
            start = timer()
            for _ in range(steps):
                _step(forward, optimizer, precision, device, x, y)
            _sync(device)
            timings[name].append((timer() - start) / steps)
    results = []
    for name, times in timings.items():
        seconds = statistics.median(times)
        rate = batch * context / seconds
        results.append(Result(config.name, name, seconds, rate, flops_per_token * rate / peak_flops))
    return results


def _flops_per_token(model_config: GPTConfig) -> float:
    with torch.device("meta"):
        return GPT(model_config).flops_per_token()


def _step(model: nn.Module, optimizer: torch.optim.Optimizer, precision: str, device, x, y) -> None:
    context = torch.autocast(device.type, dtype=torch.bfloat16) if precision == "bf16" else contextlib.nullcontext()
    with context:
        _, loss = model(x, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


RATIOS = (  # (label, faster variant, slower variant): the speed-up the first buys over the second
    ("SDPA over naive attention", "lib", "lib naive attention"),
    ("lib's AdamW over unfused AdamW", "lib", "lib unfused AdamW"),
    ("fused AdamW over lib's (CPU)", "lib fused AdamW", "lib"),
    ("lib over plain GPT", "lib", "plain GPT"),
    ("bf16 over fp32", "lib bf16", "lib"),
    ("torch.compile over eager (bf16)", "lib bf16 compiled", "lib bf16"),
    ("lib over plain GPT (bf16)", "lib bf16", "plain GPT bf16"),
)


def ratios(results: Sequence[Result]) -> list[tuple[str, float]]:
    """Each speed-up of :data:`RATIOS` that ``results`` (one config) can give: tokens/s of one over the other."""
    rate = {r.variant: r.tokens_per_s for r in results}
    return [(label, rate[a] / rate[b]) for label, a, b in RATIOS if a in rate and b in rate]


def report(results: Sequence[Result]) -> tuple[list[str], bool]:
    """Lines to print for one config's results, and whether lib's GPT kept up with the plain one."""
    lines = [f"  {'variant':<22}{'ms/step':>10}{'tokens/s':>12}{'MFU':>8}"]
    for r in results:
        lines.append(f"  {r.variant:<22}{r.seconds_per_step * 1e3:>10.2f}{r.tokens_per_s:>12,.0f}{r.mfu:>8.1%}")
    ok = True
    for label, value in ratios(results):
        lines.append(f"  ratio {label}: {value:.2f}x")
        if label.startswith("lib over plain GPT"):
            passed = value >= 1 - TOLERANCE
            ok = ok and passed
            verdict = "PASS" if passed else "FAIL"
            lines.append(f"  check lib not slower than plain GPT (>= {1 - TOLERANCE:.2f}x): {verdict}")
    return lines, ok


def main(argv: Sequence[str] | None = None) -> int:
    """Benchmark each config, print a table and the ratios; exit 1 when lib's GPT is slower than the plain one."""
    parser = argparse.ArgumentParser(prog="python -m lib.train.bench_gpt", description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=None, choices=sorted(CONFIGS), help="default: all that fit")
    parser.add_argument("--device", default=None)
    parser.add_argument("--steps", type=int, default=3, help="steps per timed block")
    parser.add_argument("--repeats", type=int, default=9, help="timed blocks per variant, interleaved")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per variant first")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (default 1: small models on a shared CPU)")
    parser.add_argument("--tiny-test", action="store_true", help="a 2-layer toy config, for the unit test")
    args = parser.parse_args(argv)
    device = pick_device() if args.device is None else torch.device(args.device)
    if args.tiny_test:
        toy = GPTConfig(vocab_size=32, context_length=16, n_layer=2, n_head=2, d_model=32)
        configs = [BenchConfig("toy", toy, 2)]
    else:
        names = args.configs or [n for n, c in CONFIGS.items() if device.type == "cuda" or not c.cuda_only]
        configs = [CONFIGS[n] for n in names]
    threads = args.threads
    clock = "cpu" if device.type == "cpu" and threads == 1 else "wall"
    all_ok = True
    with cpu_threads(threads):
        peak = hardware.peak_flops(device)
        source = "published" if peak else "measured fp32 1024x1024 matmul"
        peak = peak or measured_peak_flops(clock=clock)
        print(f"device {device}, {threads} CPU threads; peak {peak / 1e9:,.1f} GFLOP/s ({source})")
        print(f"median of {args.repeats} interleaved blocks of {args.steps} steps, {args.warmup} warm-up steps")
        print(
            "clock: process CPU time (one thread: other programs' load does not count)"
            if clock == "cpu"
            else "clock: wall"
        )
        for config in configs:
            c = config.model
            print(
                f"config {config.name}: n_layer={c.n_layer} n_head={c.n_head} d_model={c.d_model} "
                f"context={c.context_length} batch={config.batch} vocab={c.vocab_size}"
            )
            try:
                results = benchmark(config, device, args.steps, args.repeats, args.warmup, peak, clock=clock)
            except ValueError as err:
                parser.error(str(err))
            lines, ok = report(results)
            print("\n".join(lines))
            all_ok = all_ok and ok
    print("lib's GPT is not slower than the plain GPT" if all_ok else "FAIL: lib's GPT is slower than the plain GPT")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
