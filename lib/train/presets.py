"""Pre-training presets: a GPT's shape with the batch, context, steps, learning rate and tokenizer to train it.

``cpu-tiny`` is what lesson 3.4 and its benchmark train on a laptop CPU; ``gpt2-small`` is GPT-2
small's shape (Radford et al. 2019) for a GPU. ``test-tiny`` exists for the unit tests (seconds).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from lib.core.validate import fraction, non_negative_number, one_of, positive_int, positive_number
from lib.models.gpt import GPTConfig

TOKENIZERS = ("char", "bpe")


@dataclass(frozen=True)
class PretrainPreset:
    """Everything one pre-training run needs besides the data: model shape, optimisation and tokenizer.

    ``tokenizer`` is "char" (one id per character) or "bpe" (byte-level BPE trained on the train split
    to ``vocab_size`` ids). ``batch_size`` counts blocks of ``context_length`` tokens per optimizer
    step (per process under torchrun). ``threads``: CPU threads (None: all cores).
    """

    name: str
    tokenizer: str = "char"
    vocab_size: int = 0  # BPE only; a character vocabulary is the corpus's own
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 128
    context_length: int = 128
    batch_size: int = 16
    steps: int = 1000
    lr: float = 3e-3
    warmup_steps: int = 100
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.1
    beta2: float = 0.99
    grad_clip: float = 1.0
    dropout: float = 0.0
    position: str = "rotary"
    norm: str = "layer"
    mlp: str = "gelu"
    eval_every: int = 250
    threads: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"PretrainPreset.name must be a non-empty str, got {self.name!r}")
        one_of("PretrainPreset.tokenizer", self.tokenizer, TOKENIZERS)
        if self.tokenizer == "bpe" and (not isinstance(self.vocab_size, int) or self.vocab_size <= 256):
            raise ValueError(f"PretrainPreset.vocab_size must be an int above 256 for BPE, got {self.vocab_size!r}")
        for name in ("batch_size", "steps", "eval_every"):
            positive_int(f"PretrainPreset.{name}", getattr(self, name))
        positive_int("PretrainPreset.warmup_steps", self.warmup_steps, minimum=0)
        if self.warmup_steps > self.steps:
            raise ValueError(
                f"PretrainPreset.warmup_steps must be at most steps ({self.steps}), got {self.warmup_steps}"
            )
        positive_number("PretrainPreset.lr", self.lr)
        positive_number("PretrainPreset.grad_clip", self.grad_clip)
        non_negative_number("PretrainPreset.weight_decay", self.weight_decay)
        fraction("PretrainPreset.min_lr_ratio", self.min_lr_ratio, high_inclusive=True)
        fraction("PretrainPreset.beta2", self.beta2, low_inclusive=False)
        if self.threads is not None:
            positive_int("PretrainPreset.threads", self.threads)
        self.gpt_config(vocab_size=max(self.vocab_size, 1))  # the shape must make a valid GPTConfig

    def gpt_config(self, vocab_size: int) -> GPTConfig:
        """The GPT's configuration, for a tokenizer of ``vocab_size`` ids."""
        return GPTConfig(
            vocab_size=vocab_size,
            context_length=self.context_length,
            n_layer=self.n_layer,
            n_head=self.n_head,
            d_model=self.d_model,
            dropout=self.dropout,
            bias=False,
            position=self.position,
            norm=self.norm,
            mlp=self.mlp,
        )

    def tokens_per_step(self) -> int:
        """Tokens one process trains on per optimizer step: batch_size × context_length."""
        return self.batch_size * self.context_length

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for a weights-only checkpoint."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PretrainPreset:
        """The preset :meth:`to_dict` wrote (unknown keys are an error)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown preset fields {sorted(unknown)}")
        return cls(**data)


PRESETS: dict[str, PretrainPreset] = {
    preset.name: preset
    for preset in (
        # seconds, for unit tests: proves the code path, learns little
        PretrainPreset(
            "test-tiny", n_layer=1, n_head=2, d_model=16, context_length=16, batch_size=4, steps=6,
            warmup_steps=2, eval_every=3, threads=1,
        ),
        # the lesson's and the benchmark's CPU default (one to two minutes on two cores): BPE text per step
        # beats characters, rotary positions, a high peak learning rate with a short warm-up; one thread,
        # since two threads crawl when the cores are shared (a notebook beside another, a busy laptop)
        PretrainPreset(
            "cpu-tiny", tokenizer="bpe", vocab_size=1024, context_length=96, batch_size=16, steps=300, lr=3e-3,
            warmup_steps=30, eval_every=60, threads=1,
        ),
        # nanoGPT's published CPU recipe (README, "I only have a macbook"), for the benchmark to compare with:
        # characters, learned positions, 4 layers of width 128, context 64, batch 12, lr 1e-3, 2,000 iterations
        PretrainPreset(
            "nanogpt-cpu", n_layer=4, n_head=4, d_model=128, context_length=64, batch_size=12, steps=2000, lr=1e-3,
            warmup_steps=100, position="learned", eval_every=250, threads=1,
        ),
        # a GPU in minutes: BPE, a deeper and wider model, longer context
        PretrainPreset(
            "gpu-medium", tokenizer="bpe", vocab_size=2048, n_layer=6, n_head=6, d_model=384, context_length=256,
            batch_size=64, steps=3000, lr=1e-3, warmup_steps=200, dropout=0.1, eval_every=500,
        ),
        # GPT-2 small's shape (12 layers, 12 heads, d=768, 1,024 positions) with a BPE of the corpus
        PretrainPreset(
            "gpt2-small", tokenizer="bpe", vocab_size=8192, n_layer=12, n_head=12, d_model=768,
            context_length=1024, batch_size=16, steps=2000, lr=6e-4, warmup_steps=200, beta2=0.95,
            dropout=0.1, position="learned", eval_every=250,
        ),
    )
}  # fmt: skip


def get_preset(name: str | PretrainPreset) -> PretrainPreset:
    """The preset called ``name`` (a PretrainPreset is returned as it is)."""
    if isinstance(name, PretrainPreset):
        return name
    one_of("preset", name, tuple(PRESETS))
    return PRESETS[name]
