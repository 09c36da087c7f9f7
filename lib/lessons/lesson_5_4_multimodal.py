"""Lesson 5.4's experiments: a tiny CLIP trained on digit images and generated captions, then measured.

Training goes through the course's engine (:func:`lib.train.loop.train` with a
:class:`lib.train.steps.LossStep` whose loss is :func:`lib.scratch.contrastive.clip_loss`). The
measurements: zero-shot accuracy (零样本分类) with the training templates, one at a time or ensembled,
and with prompts the model never saw; text-to-image retrieval (跨模态检索) by Recall@K and precision@K.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import torch

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.files import file_lock
from lib.core.seeding import seeded
from lib.core.validate import positive_int, positive_number, seed_value
from lib.data.digit_captions import TRAINING_TEMPLATES, class_prompts, random_captions
from lib.data.digits import Digits
from lib.data.word_tokenizer import WordTokenizer
from lib.models.clip import TinyCLIP, class_embeddings, embed_images, embed_texts, zero_shot_predict
from lib.scratch.contrastive import clip_loss, duplicate_floor
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.retrieval import first_relevant_ranks, precision_at_k, recall_at_k
from lib.train.steps import LossStep

MAX_LEN = 12  # tokens per caption; the longest template has 8 words
FORMAT = "lesson-5.4-tiny-clip-v1"


@dataclass(frozen=True)
class CLIPRecipe:
    """How lesson 5.4 trains its tiny CLIP: model size, batch, epochs, learning rate, seed."""

    embed_dim: int = 32
    channels: tuple[int, int] = (16, 32)
    d_embed: int = 64
    batch_size: int = 128
    epochs: int = 25
    lr: float = 3e-3
    seed: int = 0

    def __post_init__(self) -> None:
        positive_int("embed_dim", self.embed_dim, minimum=2)
        positive_int("d_embed", self.d_embed)
        positive_int("batch_size", self.batch_size, minimum=2)
        positive_int("epochs", self.epochs)
        positive_number("lr", self.lr)
        seed_value("seed", self.seed)


def caption_tokenizer(templates: tuple[str, ...] = TRAINING_TEMPLATES) -> WordTokenizer:
    """A word tokenizer over every word the training templates can produce, and nothing else."""
    texts = [text for template in templates for text in class_prompts(template)]
    return WordTokenizer.train(texts, max_words=1000, min_count=1)


class CaptionedBatches:
    """Shuffled batches of (images, caption ids, labels); every epoch draws a fresh random caption per image.

    Redrawing the captions keeps the model from memorizing which template went with which training
    image (a template says nothing about the image). ``generator`` drives both the shuffle and the
    draws, so the engine can save and restore where the source stands. ``floors`` records
    :func:`lib.scratch.contrastive.duplicate_floor` of every batch handed out.
    """

    def __init__(self, digits: Digits, tokenizer: WordTokenizer, batch_size: int, seed: int = 0) -> None:
        if not isinstance(digits, Digits):
            raise TypeError(f"digits must be a lib.data.digits.Digits split, got {type(digits).__name__}")
        self.digits = digits
        self.batch_size = positive_int("batch_size", batch_size, minimum=2)
        self.generator = torch.Generator().manual_seed(seed_value("seed", seed))
        # table[c, t] = the ids of template t filled for class c
        self.table = torch.stack([tokenizer.encode_batch(class_prompts(t), MAX_LEN) for t in TRAINING_TEMPLATES], 1)
        self.floors: list[float] = []

    def __len__(self) -> int:
        return -(-len(self.digits) // self.batch_size)

    def __iter__(self):
        n = len(self.digits)
        order = torch.randperm(n, generator=self.generator)
        choice = torch.randint(self.table.shape[1], (n,), generator=self.generator)
        ids = self.table[self.digits.labels, choice]
        for start in range(0, n, self.batch_size):
            part = order[start : start + self.batch_size]
            labels = self.digits.labels[part]
            self.floors.append(duplicate_floor(labels))
            yield self.digits.images[part], ids[part], labels


def loss_of_batch(model: TinyCLIP, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """The symmetric InfoNCE of one batch of (images, token ids[, labels]), at the model's learned temperature."""
    images, ids = batch[0], batch[1]
    return clip_loss(model.image_encoder(images), model.text_encoder(ids), 1.0 / model.scale())


@dataclass
class CLIPRun:
    """A trained tiny CLIP, the tokenizer of its captions, and what its training recorded (per epoch)."""

    model: TinyCLIP
    tokenizer: WordTokenizer
    recipe: CLIPRecipe
    losses: list[float] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)
    temperatures: list[float] = field(default_factory=list)


def run_tiny_clip(digits: Digits, recipe: CLIPRecipe = CLIPRecipe(), device: torch.device | str = "cpu") -> CLIPRun:
    """Train a TinyCLIP on ``digits`` with fresh random captions every epoch, through the course's engine."""
    device = torch.device(device)
    tokenizer = caption_tokenizer()
    batches = CaptionedBatches(digits, tokenizer, recipe.batch_size, seed=recipe.seed)
    with seeded(recipe.seed):
        model = TinyCLIP(tokenizer.vocab_size, recipe.embed_dim, recipe.channels, recipe.d_embed, recipe.d_embed)
    optimizer = make_adamw(model, lr=recipe.lr, weight_decay=0.01, device=device)
    run = CLIPRun(model, tokenizer, recipe)
    per_epoch = len(batches)

    def after_step(step: int) -> None:
        if step % per_epoch == 0:
            run.temperatures.append(model.temperature)

    history = train(
        model,
        batches,
        LossStep(loss_of_batch),
        optimizer=optimizer,
        epochs=recipe.epochs,
        device=device,
        precision="fp32",
        on_step=after_step,
        progress=False,
    )
    run.losses = list(history["train_loss"])
    run.floors = [sum(batches.floors[i : i + per_epoch]) / per_epoch for i in range(0, len(batches.floors), per_epoch)]
    model.eval()
    return run


def _cache_path(digits: Digits, recipe: CLIPRecipe) -> Path:
    fingerprint = hashlib.sha256()
    fingerprint.update(f"{FORMAT}|{recipe!r}|{TRAINING_TEMPLATES!r}".encode())
    fingerprint.update(digits.images.numpy().tobytes())
    fingerprint.update(digits.labels.numpy().tobytes())
    return cache_dir() / f"tiny_clip_{fingerprint.hexdigest()[:16]}.pt"


def _load(path: Path, recipe: CLIPRecipe, device: torch.device) -> CLIPRun:
    state = load_checkpoint(path)
    if state.get("format") != FORMAT:
        raise ValueError(f"{path} is not a tiny CLIP checkpoint of format {FORMAT}")
    tokenizer = WordTokenizer(state["vocabulary"])
    model = TinyCLIP(tokenizer.vocab_size, recipe.embed_dim, recipe.channels, recipe.d_embed, recipe.d_embed)
    model.load_state_dict(state["model"])
    return CLIPRun(model.to(device).eval(), tokenizer, recipe, state["losses"], state["floors"], state["temperatures"])


def train_tiny_clip(
    digits: Digits, recipe: CLIPRecipe = CLIPRecipe(), device: torch.device | str = "cpu", retrain: bool = False
) -> CLIPRun:
    """The run of ``recipe`` on ``digits``: from the course's cache, else trained now (deterministically) and saved."""
    if not isinstance(recipe, CLIPRecipe):
        raise TypeError(f"recipe must be a CLIPRecipe, got {type(recipe).__name__}")
    if not isinstance(digits, Digits):
        raise TypeError(f"digits must be a lib.data.digits.Digits split, got {type(digits).__name__}")
    device = torch.device(device)
    path = _cache_path(digits, recipe)
    if path.is_file() and not retrain:
        return _load(path, recipe, device)
    with file_lock(path.with_name(path.name + ".lock")):  # another process may be training the same run
        if path.is_file() and not retrain:
            return _load(path, recipe, device)
        run = run_tiny_clip(digits, recipe, device)
        state = {
            "format": FORMAT,
            "vocabulary": run.tokenizer.itos[2:],
            "model": {k: v.detach().cpu() for k, v in run.model.state_dict().items()},
            "losses": run.losses,
            "floors": run.floors,
            "temperatures": run.temperatures,
        }
        save_checkpoint(path, state)
    return run


def zero_shot_predictions(run: CLIPRun, images: torch.Tensor, templates: tuple[str, ...]) -> torch.Tensor:
    """For each image, the class whose prompts (``templates`` filled for it, ensembled) are nearest."""
    if isinstance(templates, str) or not templates:
        raise ValueError(f"templates must be a non-empty tuple of templates, got {templates!r}")
    per_class = list(zip(*(class_prompts(t) for t in templates), strict=True))
    vectors = class_embeddings(run.model, run.tokenizer, per_class, MAX_LEN)
    return zero_shot_predict(embed_images(run.model, images), vectors)


def zero_shot_accuracy(run: CLIPRun, test: Digits, templates: tuple[str, ...]) -> float:
    """Accuracy on ``test`` of :func:`zero_shot_predictions`: no classifier was trained."""
    return (zero_shot_predictions(run, test.images, templates) == test.labels).double().mean().item()


@torch.no_grad()
def held_out_loss(run: CLIPRun, digits: Digits, seed: int = 1) -> tuple[float, float]:
    """(mean loss, mean floor) over batches of ``digits`` paired with fresh random captions, in eval mode."""
    captions = random_captions(digits.labels, seed=seed)
    ids = run.tokenizer.encode_batch(captions, MAX_LEN)
    device = next(run.model.parameters()).device
    size = run.recipe.batch_size
    losses, floors = [], []
    for start in range(0, len(ids) - size + 1, size):  # full batches only: the floor depends on the batch size
        part = slice(start, start + size)
        batch = (digits.images[part].to(device), ids[part].to(device))
        losses.append(loss_of_batch(run.model.eval(), batch).item())
        floors.append(duplicate_floor(digits.labels[part]))
    if not losses:
        raise ValueError(f"digits must hold at least one batch of {size}, got {len(digits)}")
    return sum(losses) / len(losses), sum(floors) / len(floors)


@dataclass(frozen=True)
class Retrieval:
    """Text-to-image retrieval over a test set: Recall@K (a right image in the top K) and precision@K."""

    recall: dict[int, float]
    precision: dict[int, float]


def text_to_image(
    run: CLIPRun,
    test: Digits,
    seed: int = 1,
    ks: tuple[int, ...] = (1, 5, 10),
    templates: tuple[str, ...] = TRAINING_TEMPLATES,
) -> Retrieval:
    """One random caption per test image (from ``templates``) as a query; any image of its digit is a right answer."""
    queries = random_captions(test.labels, seed=seed, templates=templates)
    scores = embed_texts(run.model, run.tokenizer, queries, MAX_LEN) @ embed_images(run.model, test.images).T
    relevant = test.labels.unsqueeze(1) == test.labels.unsqueeze(0)
    ranks = first_relevant_ranks(scores, relevant)
    return Retrieval({k: recall_at_k(ranks, k) for k in ks}, {k: precision_at_k(scores, relevant, k) for k in ks})
