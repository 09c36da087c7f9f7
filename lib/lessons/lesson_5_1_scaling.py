"""Lesson 5.1's experiment: a family of small GPTs of growing size, trained on the same tokens, for scaling laws.

Every model reads the same ``steps`` batches of the Python documentation (one character per token)
through the course's engine, and its validation loss is measured at a few log-spaced steps, so the
lesson can fit ℒ(N) on the final losses and ℒ(C) on the compute-efficient frontier of all the curves.
The results (numbers only, no weights) are cached in the course's cache and replayed when warm;
a cold cache retrains the family deterministically (one CPU thread, seeded models and batches).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.device import pick_device
from lib.core.files import file_lock
from lib.core.progress import is_quiet
from lib.core.threads import cpu_threads
from lib.core.validate import positive_int, positive_number
from lib.data.blocks import RandomBlocks
from lib.models.gpt import GPT
from lib.train.bits import total_nats
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.presets import PretrainPreset
from lib.train.pretrain import Corpus, build_model, load_corpus
from lib.train.schedules import warmup_cosine

FORMAT = "lib.lessons.lesson_5_1_scaling/1"


@dataclass(frozen=True)
class FamilyConfig:
    """The family: model shapes (d_model, n_layer, n_head) and the one training recipe they all share.

    ``steps`` × ``batch_size`` × ``context_length`` is the token budget D every model reads;
    ``n_evals`` log-spaced evaluations (the last at the end) on the first ``val_tokens`` + 1 tokens
    of the validation split give each model's loss curve.
    """

    shapes: tuple[tuple[int, int, int], ...] = ((16, 1, 2), (32, 1, 2), (48, 2, 4), (64, 3, 4), (96, 3, 4), (128, 4, 4))
    context_length: int = 64
    batch_size: int = 16
    steps: int = 200
    lr: float = 3e-3
    warmup_steps: int = 20
    n_evals: int = 6
    val_tokens: int = 8192
    threads: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.shapes:
            raise ValueError("shapes must hold at least one (d_model, n_layer, n_head)")
        for shape in self.shapes:
            if len(shape) != 3 or shape[0] % shape[2]:
                raise ValueError(
                    f"each shape must be (d_model, n_layer, n_head) with n_head dividing d_model, got {shape}"
                )
        for name in ("context_length", "batch_size", "steps", "n_evals", "val_tokens", "threads"):
            positive_int(name, getattr(self, name))
        positive_number("lr", self.lr)
        if not 0 <= self.warmup_steps <= self.steps:
            raise ValueError(f"warmup_steps must be between 0 and steps ({self.steps}), got {self.warmup_steps}")

    def preset(self, shape: tuple[int, int, int]) -> PretrainPreset:
        """The pre-training preset of one member of the family (character tokenizer, rotary positions)."""
        d, layers, heads = shape
        return PretrainPreset(
            f"scaling-d{d}-l{layers}", n_layer=layers, n_head=heads, d_model=d, context_length=self.context_length,
            batch_size=self.batch_size, steps=self.steps, lr=self.lr, warmup_steps=self.warmup_steps,
            eval_every=self.steps, threads=self.threads, seed=self.seed,
        )  # fmt: skip

    def eval_steps(self) -> list[int]:
        """Log-spaced steps at which the validation loss is measured, ending at ``steps``."""
        first = max(1, self.steps // 20)
        if self.n_evals == 1:
            return [self.steps]
        ratio = (self.steps / first) ** (1 / (self.n_evals - 1))
        return sorted({min(self.steps, round(first * ratio**i)) for i in range(self.n_evals)})

    def tokens_per_step(self) -> int:
        """Tokens each optimizer step reads: batch_size × context_length."""
        return self.batch_size * self.context_length

    def key(self) -> str:
        """A short hash of the configuration: the cache file's name changes when the recipe does."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


CPU_FAMILY = FamilyConfig()
# a GPU affords five times the tokens for the same family (and two larger members)
GPU_FAMILY = FamilyConfig(shapes=CPU_FAMILY.shapes + ((192, 4, 4), (256, 6, 8)), steps=1000, warmup_steps=50)


def non_embedding_parameters(model: GPT) -> int:
    """Kaplan et al.'s N: every parameter except the token and position embeddings and the output layer."""
    if not isinstance(model, GPT):
        raise TypeError(f"model must be a lib.models.gpt.GPT, got {type(model).__name__}")
    skip = {id(model.token_embedding.weight), id(model.lm_head.weight)}
    if model.position_embedding is not None:
        skip.add(id(model.position_embedding.weight))
    return sum(p.numel() for p in model.parameters() if id(p) not in skip)


@dataclass
class ScalingRun:
    """One member of the family: its shape, sizes, FLOPs per token and loss curve (nats per character)."""

    shape: tuple[int, int, int]
    n_parameters: int  # non-embedding (Kaplan's N)
    total_parameters: int
    flops_per_token: int  # 6·(parameters that multiply) + attention, from GPT.flops_per_token
    steps: list[int] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        """Validation loss at the end of training."""
        return self.losses[-1]

    def compute(self) -> list[float]:
        """Training FLOPs spent at each evaluation: flops_per_token × tokens read so far."""
        return [float(self.flops_per_token) * t for t in self.tokens]

    def to_dict(self) -> dict:
        """Plain data for a weights-only checkpoint."""
        data = asdict(self)
        data["shape"] = list(self.shape)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ScalingRun:
        """The run :meth:`to_dict` wrote."""
        return cls(**{**data, "shape": tuple(data["shape"])})


def char_corpus() -> Corpus:
    """The Python documentation, one id per character, split into train and validation."""
    return load_corpus(PretrainPreset("scaling-corpus"))


def validation_loss(model: torch.nn.Module, tokens: torch.Tensor, context_length: int, device: torch.device) -> float:
    """Mean cross-entropy in nats per token over ``tokens`` (every token after the first predicted once)."""
    return total_nats(model, tokens, context_length, device) / (len(tokens) - 1)


def _lm_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def train_member(
    shape: tuple[int, int, int], config: FamilyConfig, corpus: Corpus, device: torch.device | str = "cpu"
) -> ScalingRun:
    """Train one model of the family through ``lib.train.loop.train`` and record its validation loss curve."""
    if not isinstance(config, FamilyConfig):
        raise TypeError(f"config must be a FamilyConfig, got {type(config).__name__}")
    device = torch.device(device)
    preset = config.preset(tuple(shape))
    model = build_model(preset, corpus.tokenizer.vocab_size).to(device)
    val = corpus.validation[: config.val_tokens + 1]
    run = ScalingRun(tuple(shape), non_embedding_parameters(model), model.num_parameters(), model.flops_per_token())
    wanted = set(config.eval_steps())

    def on_step(step: int) -> None:
        if step in wanted:
            run.steps.append(step)
            run.tokens.append(step * config.tokens_per_step())
            run.losses.append(validation_loss(model, val, config.context_length, device))

    betas = (0.9, preset.beta2)
    optimizer = make_adamw(model, lr=preset.lr, weight_decay=preset.weight_decay, betas=betas, device=device)
    with cpu_threads(config.threads, device):
        train(
            model,
            RandomBlocks(corpus.train, config.context_length, config.batch_size, config.steps, seed=config.seed),
            optimizer=optimizer,
            loss_fn=_lm_loss,
            steps=config.steps,
            scheduler=warmup_cosine(optimizer, preset.warmup_steps, config.steps, preset.min_lr_ratio),
            grad_clip=preset.grad_clip,
            device=device,
            on_step=on_step,
            progress=False if is_quiet() else None,
            desc=f"training {preset.name}",
        )
    return run


def family_path(config: FamilyConfig, device: torch.device | str) -> Path:
    """Where the cache keeps this family's results (the device type is part of the name)."""
    return cache_dir() / f"scaling-family-{torch.device(device).type}-{config.key()}.pt"


def scaling_family(
    config: FamilyConfig | None = None, device: torch.device | str | None = None, retrain: bool = False
) -> tuple[list[ScalingRun], str]:
    """The family's runs from the cache, or trained now and saved there; returns (runs, "cache" or "trained").

    ``config`` defaults to :data:`CPU_FAMILY` on a CPU and :data:`GPU_FAMILY` on CUDA. A file lock
    makes a second process wait for the first one's result instead of training the family twice.
    """
    device = pick_device() if device is None else torch.device(device)
    config = (GPU_FAMILY if device.type == "cuda" else CPU_FAMILY) if config is None else config
    if not isinstance(config, FamilyConfig):
        raise TypeError(f"config must be a FamilyConfig, got {type(config).__name__}")
    path = family_path(config, device)

    def cached() -> list[ScalingRun] | None:
        if retrain or not path.is_file():
            return None
        try:
            state = load_checkpoint(path)
            if state.get("format") == FORMAT and state.get("config") == asdict(config):
                return [ScalingRun.from_dict(r) for r in state["runs"]]
        except (ValueError, KeyError, TypeError, RuntimeError):
            pass  # an old or damaged file: retrain and overwrite it
        return None

    runs = cached()
    if runs is not None:
        return runs, "cache"
    with file_lock(path.with_name(path.name + ".lock")):
        runs = cached()
        if runs is not None:
            return runs, "cache"
        corpus = char_corpus()
        runs = [train_member(shape, config, corpus, device) for shape in config.shapes]
        save_checkpoint(path, {"format": FORMAT, "config": asdict(config), "runs": [r.to_dict() for r in runs]})
    return runs, "trained"


def frontier_points(runs: list[ScalingRun]) -> list[tuple[float, float]]:
    """Every (compute, validation loss) point of every run's curve, for the compute-efficient frontier."""
    if not runs:
        raise ValueError("runs must hold at least one ScalingRun")
    return [(c, v) for run in runs for c, v in zip(run.compute(), run.losses, strict=True)]


def uniform_loss(vocab_size: int) -> float:
    """ln V: the loss of a model that guesses every token of a V-token vocabulary equally often."""
    return math.log(positive_int("vocab_size", vocab_size))
