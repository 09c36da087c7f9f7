"""Masked-pixel pre-training (预训练) of a digits encoder, then fine-tuning (微调) it with few labels.

The image analogue of BERT's masked-token prediction: hide a random part of each 8x8 digit and
train an encoder to predict the hidden pixels. The data supplies its own targets (self-supervised),
so no label is used. Fine-tuning then trains the encoder plus a linear head on k labels per class,
fully, with the encoder frozen (linear probing), or through LoRA adapters.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.device import autocast
from lib.core.progress import is_quiet
from lib.core.progress import progress as progress_bar
from lib.core.seeding import seeded
from lib.core.validate import fraction, positive_int
from lib.data.digits import Digits, load_digits_split
from lib.models.digit_encoder import (
    N_CLASSES,
    N_PIXELS,
    DigitClassifier,
    DigitEncoder,
    MaskedPixelModel,
    flatten_digits,
)
from lib.models.lora import apply_lora
from lib.train.loop import train
from lib.train.steps import LossStep

CHECKPOINT_NAME = "digits_masked_encoder.pt"
MODES = ("scratch", "full", "probe", "lora")


@dataclass(frozen=True)
class PretrainConfig:
    """Everything that decides the pre-trained weights; the cache is reused only when it matches."""

    hidden: int = 256
    mask_ratio: float = 0.75
    epochs: int = 100
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.01
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("hidden", "epochs", "batch_size"):
            positive_int(name, getattr(self, name))
        fraction("mask_ratio", self.mask_ratio, low_inclusive=False)
        if not self.lr > 0 or self.weight_decay < 0:
            raise ValueError(
                f"lr must be positive and weight_decay non-negative, got {self.lr!r}, {self.weight_decay!r}"
            )
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative int, got {self.seed!r}")


def random_pixel_mask(n: int, ratio: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """A (n, 64) bool mask with each pixel hidden independently with probability ``ratio``."""
    positive_int("n", n)
    fraction("ratio", ratio, low_inclusive=False)
    return torch.rand(n, N_PIXELS, generator=generator) < ratio


def masked_pixel_loss(predicted: torch.Tensor, pixels: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean squared error over the hidden pixels only, as BERT scores only its masked tokens."""
    if predicted.shape != pixels.shape or mask.shape != pixels.shape:
        raise ValueError(
            f"predicted, pixels and mask must have one shape, got {tuple(predicted.shape)}, "
            f"{tuple(pixels.shape)}, {tuple(mask.shape)}"
        )
    if mask.dtype != torch.bool or not mask.any():
        raise ValueError("mask must be a bool tensor that hides at least one pixel")
    return (predicted - pixels)[mask].pow(2).mean()


@dataclass
class Pretrained:
    """The result of pre-training: the encoder, the decoder that predicted pixels, and the loss per epoch."""

    encoder: DigitEncoder
    decoder: nn.Linear
    losses: list[float]
    config: PretrainConfig


class MaskedPixelBatches:
    """Batches of (pixels, mask): a new shuffle each epoch and new masks each batch, all from ``generator``.

    One generator draws the order and the masks, so a seed fixes both; the engine records its state
    at the start of each epoch to resume mid-epoch.
    """

    def __init__(self, pixels: torch.Tensor, batch_size: int, mask_ratio: float, generator: torch.Generator) -> None:
        self.pixels, self.batch_size = flatten_digits(pixels, "pixels"), positive_int("batch_size", batch_size)
        self.mask_ratio, self.generator = fraction("mask_ratio", mask_ratio, low_inclusive=False), generator

    def __len__(self) -> int:
        return math.ceil(len(self.pixels) / self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        device = self.pixels.device
        order = torch.randperm(len(self.pixels), generator=self.generator)
        for start in range(0, len(self.pixels), self.batch_size):
            batch = self.pixels[order[start : start + self.batch_size].to(device)]
            yield batch, random_pixel_mask(len(batch), self.mask_ratio, self.generator).to(device)


def _masked_loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    pixels, mask = batch
    return masked_pixel_loss(model(pixels, mask).float(), pixels, mask)


def pretrain_masked_pixels(
    images: torch.Tensor,
    config: PretrainConfig = PretrainConfig(),
    device: torch.device | str = "cpu",
    progress: bool | None = None,
) -> Pretrained:
    """Pre-train a :class:`DigitEncoder` to predict hidden pixels of unlabelled ``images``, on the engine.

    Deterministic for a given ``config.seed``: the weights are built inside ``seeded(seed)``, the
    batch order and the masks come from one CPU generator seeded the same way; the caller's global
    generator is left alone.
    """
    if not isinstance(config, PretrainConfig):
        raise TypeError(f"config must be a PretrainConfig, got {type(config).__name__}")
    pixels = flatten_digits(images).float().to(device)
    with seeded(config.seed):
        model = MaskedPixelModel(DigitEncoder(config.hidden), nn.Linear(config.hidden, N_PIXELS)).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    generator = torch.Generator().manual_seed(config.seed)
    batches = MaskedPixelBatches(pixels, config.batch_size, config.mask_ratio, generator)
    history = train(
        model, batches, LossStep(_masked_loss), optimizer=optimizer, epochs=config.epochs, device=device,
        progress=progress, desc="pre-training",
    )  # fmt: skip
    return Pretrained(model.encoder.eval(), model.decoder.eval(), history["train_loss"], config)


def encoder_checkpoint(pretrained: Pretrained) -> dict:
    """The plain-data dict to save: encoder and decoder weights (on the CPU), config and losses."""
    if not isinstance(pretrained, Pretrained):
        raise TypeError(f"pretrained must be a Pretrained, got {type(pretrained).__name__}")
    return {
        "encoder": {k: v.detach().cpu() for k, v in pretrained.encoder.state_dict().items()},
        "decoder": {k: v.detach().cpu() for k, v in pretrained.decoder.state_dict().items()},
        "config": asdict(pretrained.config),
        "losses": list(pretrained.losses),
    }


def pretrained_from_checkpoint(state: dict, device: torch.device | str = "cpu") -> Pretrained:
    """Rebuild a :class:`Pretrained` from what :func:`encoder_checkpoint` saved."""
    if not isinstance(state, dict) or not {"encoder", "decoder", "config", "losses"} <= set(state):
        raise ValueError("state must be a dict with encoder, decoder, config and losses (from encoder_checkpoint)")
    config = PretrainConfig(**state["config"])
    encoder, decoder = DigitEncoder(config.hidden), nn.Linear(config.hidden, N_PIXELS)
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    return Pretrained(encoder.to(device).eval(), decoder.to(device).eval(), list(state["losses"]), config)


def load_or_pretrain_digits_encoder(
    config: PretrainConfig = PretrainConfig(),
    device: torch.device | str = "cpu",
    path: str | Path | None = None,
    progress: bool | None = None,
) -> tuple[Pretrained, str]:
    """The masked-pixel encoder of lesson 1.5: from the cache when it matches ``config``, else retrained.

    Retraining uses the training split of :func:`lib.data.digits.load_digits_split` (labels unused)
    and is deterministic, so both ways give the same encoder. Returns it and "cache" or "trained".
    """
    if not isinstance(config, PretrainConfig):
        raise TypeError(f"config must be a PretrainConfig, got {type(config).__name__}")
    path = Path(path) if path is not None else cache_dir() / CHECKPOINT_NAME
    if path.is_file():
        try:
            pretrained = pretrained_from_checkpoint(load_checkpoint(path), device)
        except (ValueError, KeyError, TypeError, RuntimeError):
            pretrained = None  # an old or damaged file: retrain and overwrite it
        if pretrained is not None and pretrained.config == config:
            return pretrained, "cache"
    train, _ = load_digits_split()
    pretrained = pretrain_masked_pixels(train.images, config, device, progress)
    save_checkpoint(path, encoder_checkpoint(pretrained))
    return pretrained, "trained"


def sample_per_class(labels: torch.Tensor, k: int, seed: int = 0) -> torch.Tensor:
    """Indices of ``k`` examples of every class, drawn at random (seeded): the few labels we pay for."""
    positive_int("k", k)
    if not isinstance(labels, torch.Tensor) or labels.ndim != 1 or labels.dtype != torch.long:
        raise ValueError("labels must be a 1-D tensor of class indices (dtype long)")
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for c in labels.unique().tolist():
        idx = torch.nonzero(labels == c).squeeze(1)
        if len(idx) < k:
            raise ValueError(f"k must be at most the size of the smallest class ({len(idx)} of class {c}), got {k}")
        chosen.append(idx[torch.randperm(len(idx), generator=generator)[:k]])
    return torch.cat(chosen)


def make_classifier(
    encoder: DigitEncoder | None, mode: str, seed: int = 0, hidden: int = 256, rank: int = 4, alpha: float = 8.0
) -> DigitClassifier:
    """Encoder + new head, set up for one way of fine-tuning.

    ``scratch``: a new random encoder (``hidden`` wide), all trained; ``full``: a copy of the
    pre-trained encoder, all trained; ``probe``: the copy frozen, only the head trains (linear
    probing, 线性探测); ``lora``: the copy frozen with rank-``rank`` LoRA adapters on its linear layers.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode != "scratch" and not isinstance(encoder, DigitEncoder):
        raise TypeError(f"mode {mode!r} needs a pre-trained DigitEncoder, got {type(encoder).__name__}")
    with seeded(seed):  # head, scratch encoder and LoRA's A from ``seed``; the caller's generator is untouched
        base = DigitEncoder(hidden) if mode == "scratch" else copy.deepcopy(encoder).cpu()
        model = DigitClassifier(base)
        if mode == "probe":
            model.encoder.requires_grad_(False)
        elif mode == "lora":
            apply_lora(model, rank=rank, alpha=alpha, exclude=("head",))
    return model.train()


def finetune(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    steps: int = 100,
    lr: float = 1e-3,
    weight_decay: float = 0.01,
    device: torch.device | str = "cpu",
) -> list[float]:
    """Train the trainable parameters of ``model`` on a few labelled images (full batch, AdamW); return the losses.

    The losses of every step stay on the device and are read once, at the end.
    """
    positive_int("steps", steps)
    pixels = flatten_digits(images).float().to(device)
    if not isinstance(labels, torch.Tensor) or labels.shape != (len(pixels),):
        raise ValueError(f"labels must be a tensor of shape ({len(pixels)},), got {getattr(labels, 'shape', labels)}")
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable:
        raise ValueError("model has no trainable parameter")
    optimizer = torch.optim.AdamW(trainable, lr=lr, weight_decay=weight_decay)
    history = train(
        model, [(pixels, labels.to(device))], optimizer=optimizer, loss_fn=nn.functional.cross_entropy,
        steps=steps, device=device, log_every=steps, keep_every_step=True, progress=False,
    )  # fmt: skip
    return history["train_loss"]


@torch.no_grad()
def accuracy_on(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, device: torch.device | str = "cpu"
) -> float:
    """Fraction of ``images`` whose highest score is the right digit."""
    pixels = flatten_digits(images).float().to(device)
    model.to(device).eval()
    with autocast(device):
        logits = model(pixels)
    return (logits.float().argmax(dim=1) == labels.to(device)).float().mean().item()


@dataclass
class LabelEfficiency:
    """Test accuracy for each mode: ``accuracy[mode]`` is (len(labels_per_class), len(seeds))."""

    labels_per_class: tuple[int, ...]
    seeds: tuple[int, ...]
    accuracy: dict[str, torch.Tensor] = field(default_factory=dict)

    def mean(self, mode: str) -> torch.Tensor:
        """Mean over seeds, one value per label count."""
        if mode not in self.accuracy:
            raise KeyError(f"no mode {mode!r}; have {sorted(self.accuracy)}")
        return self.accuracy[mode].mean(dim=1)


def label_efficiency(
    encoder: DigitEncoder,
    train: Digits,
    test: Digits,
    labels_per_class: tuple[int, ...] = (1, 2, 5, 10, 30),
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4, 5),
    modes: tuple[str, ...] = ("scratch", "full", "probe"),
    steps: int = 100,
    lr: float = 1e-3,
    rank: int = 4,
    alpha: float = 8.0,
    device: torch.device | str = "cpu",
    progress: bool | None = None,
) -> LabelEfficiency:
    """Fine-tune with k labels per class for every k, seed and mode; measure accuracy on ``test``.

    Every mode gets the same labelled images and the same head initialisation for a given seed,
    and the same recipe (``steps`` full-batch AdamW steps at ``lr``), so differences come from the start.
    """
    if not labels_per_class or any(not isinstance(k, int) or k < 1 for k in labels_per_class):
        raise ValueError(f"labels_per_class must list positive ints, got {labels_per_class!r}")
    if not seeds:
        raise ValueError("seeds must list at least one seed")
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise ValueError(f"modes must be a non-empty tuple from {MODES}, got {modes!r}")
    result = LabelEfficiency(tuple(labels_per_class), tuple(seeds))
    acc = {m: torch.zeros(len(labels_per_class), len(seeds)) for m in modes}
    runs = [(i, j, m) for i in range(len(labels_per_class)) for j in range(len(seeds)) for m in modes]
    show = (not is_quiet()) if progress is None else progress
    for i, j, mode in progress_bar(runs, desc="fine-tuning") if show else runs:
        idx = sample_per_class(train.labels, labels_per_class[i], seed=seeds[j])
        model = make_classifier(encoder, mode, seed=seeds[j], hidden=encoder.hidden, rank=rank, alpha=alpha)
        finetune(model, train.images[idx], train.labels[idx], steps=steps, lr=lr, device=device)
        acc[mode][i, j] = accuracy_on(model, test.images, test.labels, device)
    result.accuracy = acc
    return result


def text_bar(fraction: float, width: int = 30) -> str:
    """A bar of ``fraction`` (0 to 1) of ``width`` characters, in eighths of a character: a plot in plain text."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
    eighths = round(fraction * width * 8)
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def summary_at(result: LabelEfficiency, labels_per_class: int) -> str:
    """A small table at one label count: each mode's mean, lowest and highest test accuracy, and a bar of the mean."""
    if not isinstance(result, LabelEfficiency):
        raise TypeError(f"result must be a LabelEfficiency, got {type(result).__name__}")
    if labels_per_class not in result.labels_per_class:
        raise ValueError(f"labels_per_class must be one of {result.labels_per_class}, got {labels_per_class!r}")
    i = result.labels_per_class.index(labels_per_class)
    n = labels_per_class * N_CLASSES
    per_class = "label per class" if labels_per_class == 1 else "labels per class"
    lines = [f"{labels_per_class} {per_class} ({n} labelled images), {len(result.seeds)} seeds:"]
    lines.append(f"{'mode':<9}{'mean':>7}{'lowest':>8}{'highest':>9}  mean accuracy, 0 to 100%")
    for mode, acc in result.accuracy.items():
        row = acc[i]
        bar = text_bar(row.mean().item())
        lines.append(f"{mode:<9}{row.mean():>7.1%}{row.min():>8.1%}{row.max():>9.1%}  {bar}")
    return "\n".join(lines)


def paired_gap(result: LabelEfficiency, better: str, worse: str, labels_per_class: int) -> torch.Tensor:
    """Per-seed accuracy of ``better`` minus ``worse`` at one label count (same images, same head init)."""
    if labels_per_class not in result.labels_per_class:
        raise ValueError(f"labels_per_class must be one of {result.labels_per_class}, got {labels_per_class!r}")
    for mode in (better, worse):
        if mode not in result.accuracy:
            raise KeyError(f"no mode {mode!r}; have {sorted(result.accuracy)}")
    i = result.labels_per_class.index(labels_per_class)
    return result.accuracy[better][i] - result.accuracy[worse][i]
