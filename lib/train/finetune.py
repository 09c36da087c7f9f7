"""Fine-tune a pre-trained GPT as a text classifier, and keep the result in the course's cache.

Lesson 3.5 builds this recipe (a :class:`lib.models.gpt_classifier.GPTClassifier` trained end to
end with :func:`lib.train.loop.train`); lesson 4.2 loads the fine-tuned docstring classifier with
:func:`finetuned_docstring_classifier`, which trains it deterministically when the cache is empty.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.seeding import seeded
from lib.core.validate import positive_int, positive_number
from lib.data.char_tokenizer import CharTokenizer
from lib.data.docstrings import LabelledTexts, load_docstrings
from lib.data.tokenizer import Tokenizer
from lib.models.gpt import GPT
from lib.models.gpt_classifier import GPTClassifier, pad_id_sequences
from lib.train.batches import make_batches
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.schedules import warmup_cosine

CLASSIFIER_FORMAT = "lib.train.finetune/1"


def encode_known(tokenizer: Tokenizer, text: str) -> list[int]:
    """``tokenizer.encode(text)``; a character-level tokenizer skips characters outside its vocabulary."""
    if isinstance(tokenizer, CharTokenizer):
        known = set(tokenizer.chars)
        text = "".join(c for c in text if c in known)
    return tokenizer.encode(text)


def encode_texts(tokenizer: Tokenizer, texts: LabelledTexts, max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Texts as right-padded ids (pad -1, first ``max_len`` tokens) and their labels."""
    ids = pad_id_sequences([encode_known(tokenizer, t) or [0] for t in texts.texts], max_len)
    return ids, torch.tensor(texts.labels)


@dataclass(frozen=True)
class FinetuneRecipe:
    """How long and how fast a classifier trains: the same for every label budget and starting point."""

    steps: int = 60
    batch_size: int = 16
    lr: float = 1e-3
    pool: str = "mean"

    def __post_init__(self) -> None:
        positive_int("steps", self.steps)
        positive_int("batch_size", self.batch_size)
        positive_number("lr", self.lr)


def finetune_classifier(
    gpt: GPT,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    n_classes: int,
    recipe: FinetuneRecipe,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> GPTClassifier:
    """Fine-tune every weight of ``gpt`` (a copy is not made: pass one) and a new head on (inputs, labels)."""
    with seeded(seed):
        model = GPTClassifier(gpt, n_classes, pool=recipe.pool).to(device)
    batches = make_batches(inputs, labels, min(recipe.batch_size, len(labels)), seed=seed)
    optimizer = make_adamw(model, lr=recipe.lr, weight_decay=0.01, device=device)
    train(
        model,
        batches,
        optimizer=optimizer,
        loss_fn=F.cross_entropy,
        steps=recipe.steps,
        grad_clip=1.0,
        scheduler=warmup_cosine(optimizer, recipe.steps // 10, recipe.steps),
        device=device,
        progress=False,
    )
    return model.eval()


@torch.no_grad()
def classifier_accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, batch_size: int = 256) -> float:
    """Fraction of ``inputs`` whose arg-max class equals its label."""
    return (classifier_predictions(model, inputs, batch_size) == labels).float().mean().item()


@torch.no_grad()
def classifier_predictions(model: nn.Module, inputs: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """The arg-max class of every row of ``inputs`` (right-padded ids), on the CPU."""
    positive_int("batch_size", batch_size)
    device = next(model.parameters()).device
    parts = [
        model(inputs[i : i + batch_size].to(device)).argmax(dim=1).cpu() for i in range(0, len(inputs), batch_size)
    ]
    return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.long)


def model_fingerprint(model: nn.Module) -> str:
    """A short SHA-256 of a model's weights: a cached fine-tune is reused only on the base it started from."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def _copy_of(gpt: GPT) -> GPT:
    copy = GPT(gpt.config).to(next(gpt.parameters()).device)
    copy.load_state_dict(gpt.state_dict())
    return copy


def finetuned_docstring_classifier(
    gpt: GPT,
    tokenizer: Tokenizer,
    recipe: FinetuneRecipe = FinetuneRecipe(steps=100, batch_size=16, lr=1e-3),
    max_len: int = 96,
    seed: int = 0,
    device: torch.device | str = "cpu",
    name: str = "gpt-cpu-tiny",
    retrain: bool = False,
) -> tuple[GPTClassifier, tuple[str, ...]]:
    """``gpt`` fine-tuned on lesson 3.1's docstring task (a copy; ``gpt`` is untouched), and the class names.

    The result is cached in ``lib.core.checkpoint.cache_dir()`` under a name that encodes ``name``,
    the recipe, ``max_len`` and ``seed``; the checkpoint also records the base model's fingerprint, so
    a different base (or ``retrain=True``) trains again, deterministically, and overwrites it atomically.
    """
    if not isinstance(gpt, GPT):
        raise TypeError(f"gpt must be a lib.models.gpt.GPT, got {type(gpt).__name__}")
    positive_int("max_len", max_len)
    if max_len > gpt.config.context_length:
        raise ValueError(f"max_len must be at most the context length {gpt.config.context_length}, got {max_len}")
    train_set = load_docstrings("train")
    key = f"{name}-docstrings-s{recipe.steps}-b{recipe.batch_size}-lr{recipe.lr:g}-{recipe.pool}-t{max_len}-seed{seed}"
    path = cache_dir() / f"{key}.pt"
    base = model_fingerprint(gpt)
    if path.is_file() and not retrain:
        state = load_checkpoint(path)
        same = state.get("base") == base and state.get("recipe") == asdict(recipe)
        if state.get("format") == CLASSIFIER_FORMAT and same:
            model = GPTClassifier(_copy_of(gpt), len(train_set.classes), pool=recipe.pool)
            model.load_state_dict(state["model"])
            return model.to(device).eval(), tuple(state["classes"])
    x_train, y_train = encode_texts(tokenizer, train_set, max_len)
    model = finetune_classifier(_copy_of(gpt), x_train, y_train, len(train_set.classes), recipe, seed, device)
    state = {
        "format": CLASSIFIER_FORMAT,
        "base": base,
        "recipe": asdict(recipe),
        "classes": list(train_set.classes),
        "model": {k: v.cpu() for k, v in model.state_dict().items()},
    }
    save_checkpoint(path, state)
    return model, train_set.classes
