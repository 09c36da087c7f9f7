"""Lesson 5.5's experiments: FedAvg on skewed digits, DP-SGD's privacy-utility curve, canaries in the GPT.

The federated and private training runs go through :mod:`lib.train.federated` and
:mod:`lib.train.privacy`; the canary measurements through :mod:`lib.train.memorization`. The three
fine-tunings of chapter 03's GPT (plain, deduplicated, DP-SGD) are cached in the course's cache
and retrained deterministically when it is empty.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.files import file_lock
from lib.core.seeding import local_generator, seeded
from lib.core.validate import non_negative_number, one_of, positive_int, positive_number
from lib.data.digits import load_digits_split
from lib.data.partition import dirichlet_label_split
from lib.data.pydoc_corpus import paragraphs
from lib.data.tokenizer import Tokenizer
from lib.models.gpt import GPT
from lib.train.batches import make_batches
from lib.train.federated import FedAvgRun, fedavg
from lib.train.finetune import model_fingerprint
from lib.train.loop import train
from lib.train.memorization import candidate_log_probs, exposure, greedy_continuation, rank_of
from lib.train.metrics import accuracy
from lib.train.optimizers import make_adamw
from lib.train.privacy import DPSGDStep, PoissonBatches
from lib.train.steps import LossStep

# ---- federated learning on the digits -------------------------------------------------------------


def digit_model(seed: int = 0) -> nn.Module:
    """The small MLP every federated and private digits run starts from: 64 pixels, 32 hidden units, 10 logits."""
    with seeded(seed):
        return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def digit_data() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The digits' fixed train and test splits as (x_train, y_train, x_test, y_test), pixels in [0, 1]."""
    train_set, test_set = load_digits_split()
    return train_set.flat, train_set.labels, test_set.flat, test_set.labels


def test_accuracy(model: nn.Module, x_test: torch.Tensor, y_test: torch.Tensor) -> float:
    """The model's accuracy on the test digits."""
    with torch.no_grad():
        return accuracy(model(x_test), y_test)


def federated_run(
    alpha: float,
    local_epochs: int,
    rounds: int,
    n_clients: int = 10,
    lr: float = 0.1,
    batch_size: int = 16,
    seed: int = 0,
) -> tuple[FedAvgRun, list[torch.Tensor]]:
    """FedAvg over ``n_clients`` clients whose digits are split by Dirichlet(``alpha``); test accuracy per round."""
    x, y, x_test, y_test = digit_data()
    split = dirichlet_label_split(y, n_clients, alpha, seed=seed, min_size=5)
    clients = [(x[idx], y[idx]) for idx in split]
    run = fedavg(
        digit_model(seed),
        clients,
        rounds,
        local_epochs,
        lr,
        batch_size,
        evaluate=lambda m: {"accuracy": test_accuracy(m, x_test, y_test)},
        seed=seed,
    )
    return run, split


def centralized_run(epochs: int, lr: float = 0.1, batch_size: int = 16, seed: int = 0) -> list[float]:
    """The same model trained on all the digits in one place by SGD: test accuracy after each epoch."""
    x, y, x_test, y_test = digit_data()
    model = digit_model(seed)
    history = train(
        model,
        make_batches(x, y, batch_size, seed=seed),
        optimizer=torch.optim.SGD(model.parameters(), lr=lr),
        loss_fn=F.cross_entropy,
        epochs=positive_int("epochs", epochs),
        evaluate=lambda m: {"accuracy": test_accuracy(m, x_test, y_test)},
        progress=False,
    )
    return history["val_accuracy"]


# ---- DP-SGD on the digits -----------------------------------------------------------------------


def _cross_entropy_of(call, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(call(inputs), targets)


def dp_digits_accuracy(
    noise_multiplier: float,
    max_norm: float = 1.0,
    epochs: int = 15,
    batch_size: int = 64,
    lr: float = 0.5,
    seed: int = 0,
) -> float:
    """Test accuracy of the digits MLP trained by DP-SGD (Poisson batches, clipping to ``max_norm``, noise σ)."""
    x, y, x_test, y_test = digit_data()
    model = digit_model(seed)
    rate = batch_size / len(y)
    train(
        model,
        PoissonBatches(x, y, rate, seed=seed),
        DPSGDStep(_cross_entropy_of, max_norm, noise_multiplier, expected_batch_size=batch_size, seed=seed),
        optimizer=torch.optim.SGD(model.parameters(), lr=lr),
        epochs=positive_int("epochs", epochs),
        progress=False,
    )
    return test_accuracy(model, x_test, y_test)


def dp_steps(epochs: int, batch_size: int = 64) -> int:
    """How many DP-SGD steps :func:`dp_digits_accuracy` takes: ``epochs`` passes of round(N / batch) batches."""
    n = len(digit_data()[1])
    return epochs * max(1, round(n / batch_size))


# ---- canaries in the GPT ------------------------------------------------------------------------

NAMES = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter", "wendy", "zoe",
)  # fmt: skip
REPEATS = (1, 4, 16, 64)
DIGITS = 4  # each secret is a 4-digit PIN ...
SYMBOLS = "456789"  # ... of the digits 4 to 9, which the tokenizer keeps one token each: 6**4 = 1,296 candidates
CANARY_FORMAT = "lesson_5_5.canaries/1"
MODES = ("plain", "dedup", "dp")


@dataclass(frozen=True)
class Canary:
    """A planted sentence: the PIN of ``name`` is ``secret``, repeated ``repeats`` times in the fine-tuning text."""

    name: str
    secret: str
    repeats: int

    @property
    def prefix(self) -> str:
        """What the attacker types: everything before the secret."""
        return f"the PIN of {self.name} is"

    @property
    def text(self) -> str:
        """The planted sentence."""
        return f"{self.prefix} {self.secret}."


def make_canaries(seed: int = 0) -> tuple[Canary, ...]:
    """Five canaries per repetition count (1, 4, 16, 64), each with a random 4-digit PIN drawn from ``seed``."""
    generator = local_generator(seed)
    codes = torch.randint(0, len(SYMBOLS), (len(NAMES), DIGITS), generator=generator).tolist()
    per_level = len(NAMES) // len(REPEATS)
    return tuple(
        Canary(name, "".join(SYMBOLS[c] for c in code), REPEATS[i // per_level])
        for i, (name, code) in enumerate(zip(NAMES, codes, strict=True))
    )


def canary_ids(tokenizer: Tokenizer, canary: Canary) -> tuple[list[int], list[int]]:
    """The canary's prefix ids (up to and with the space before the secret) and the secret's digit ids."""
    ids = tokenizer.encode(canary.text)
    digits = [tokenizer.encode(d)[0] for d in canary.secret]
    if ids[-DIGITS - 1 : -1] != digits:
        raise ValueError(f"the tokenizer does not split {canary.secret!r} into single digits in {canary.text!r}")
    return ids[: -DIGITS - 1], digits


def secret_index(secret: str) -> int:
    """The position of ``secret`` among all candidates, in the lexicographic order candidate_log_probs uses."""
    index = 0
    for symbol in secret:
        index = index * len(SYMBOLS) + SYMBOLS.index(symbol)
    return index


def digit_alphabet(tokenizer: Tokenizer) -> list[int]:
    """The token id of each symbol a secret is written with (the tokenizer has one token for each)."""
    ids = [tokenizer.encode(d) for d in SYMBOLS]
    if any(len(i) != 1 for i in ids):
        raise ValueError("the tokenizer must encode each digit as one token")
    return [i[0] for i in ids]


def filler_blocks(tokenizer: Tokenizer, n: int, block: int, seed: int = 0, skip: int = 0) -> torch.Tensor:
    """``n`` windows of ``block + 1`` tokens of the Python documentation, from paragraphs in a seeded order."""
    texts = paragraphs()
    order = torch.randperm(len(texts), generator=local_generator(seed)).tolist()[skip:]
    rows: list[list[int]] = []
    for i in order:
        ids = tokenizer.encode(texts[i])
        if len(ids) > block:
            rows.append(ids[: block + 1])
        if len(rows) == n:
            break
    return torch.tensor(rows)


def training_examples(
    tokenizer: Tokenizer, canaries: tuple[Canary, ...], n_filler: int, block: int = 32, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets (n, block): documentation windows plus every canary sentence as often as it repeats.

    A canary row is its sentence's tokens, padded (targets -100 past its end, so padding is not learned).
    """
    filler = filler_blocks(tokenizer, n_filler, block, seed)
    inputs, targets = [filler[:, :-1]], [filler[:, 1:]]
    for canary in canaries:
        ids = tokenizer.encode(canary.text)
        x = torch.zeros(block, dtype=torch.long)
        t = torch.full((block,), -100, dtype=torch.long)
        x[: len(ids) - 1], t[: len(ids) - 1] = torch.tensor(ids[:-1]), torch.tensor(ids[1:])
        inputs.append(x.expand(canary.repeats, -1))
        targets.append(t.expand(canary.repeats, -1))
    return torch.cat(inputs), torch.cat(targets)


def deduplicate_rows(inputs: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Keep the first of every set of identical examples (exact deduplication), in their original order."""
    seen: set[bytes] = set()
    keep = []
    for i, row in enumerate(torch.cat([inputs, targets], dim=1)):
        key = row.numpy().tobytes()
        if key not in seen:
            seen.add(key)
            keep.append(i)
    index = torch.tensor(keep)
    return inputs[index], targets[index]


@dataclass(frozen=True)
class CanaryRecipe:
    """How the GPT is fine-tuned on the canaries: epochs, batch, AdamW's rate, and DP-SGD's C and σ."""

    epochs: int = 3
    batch_size: int = 32
    lr: float = 2e-3
    n_filler: int = 200
    block: int = 32
    max_norm: float = 1.0
    noise_multiplier: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "n_filler", "block"):
            positive_int(name, getattr(self, name))
        positive_number("lr", self.lr)
        positive_number("max_norm", self.max_norm)
        non_negative_number("noise_multiplier", self.noise_multiplier)


def _lm_loss_of(call, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return call(inputs, targets)[1]


def _lm_loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    return model(*batch)[1]


def finetune_on_canaries(
    gpt: GPT, tokenizer: Tokenizer, mode: str, recipe: CanaryRecipe = CanaryRecipe(), device: torch.device | str = "cpu"
) -> GPT:
    """A copy of ``gpt`` fine-tuned on text with the canaries: as is ("plain"), deduplicated, or by DP-SGD ("dp")."""
    one_of("mode", mode, MODES)
    model = copy.deepcopy(gpt).to(device)
    inputs, targets = training_examples(
        tokenizer, make_canaries(recipe.seed), recipe.n_filler, recipe.block, recipe.seed
    )
    if mode == "dedup":
        inputs, targets = deduplicate_rows(inputs, targets)
    optimizer = make_adamw(model, lr=recipe.lr, weight_decay=0.0, device=device)
    if mode == "dp":
        batches = PoissonBatches(inputs, targets, recipe.batch_size / len(inputs), seed=recipe.seed)
        step = DPSGDStep(_lm_loss_of, recipe.max_norm, recipe.noise_multiplier, recipe.batch_size, seed=recipe.seed)
        train(model, batches, step, optimizer=optimizer, epochs=recipe.epochs, device=device, progress=False)
    else:
        batches = make_batches(inputs, targets, recipe.batch_size, seed=recipe.seed)
        train(
            model,
            batches,
            LossStep(_lm_loss),
            optimizer=optimizer,
            epochs=recipe.epochs,
            grad_clip=1.0,
            device=device,
            progress=False,
        )
    return model.eval()


def cached_canary_model(
    gpt: GPT,
    tokenizer: Tokenizer,
    mode: str,
    recipe: CanaryRecipe = CanaryRecipe(),
    device: torch.device | str = "cpu",
    retrain: bool = False,
) -> GPT:
    """:func:`finetune_on_canaries`, kept in the course's cache (keyed by mode, recipe and the base's weights)."""
    one_of("mode", mode, MODES)
    base = model_fingerprint(gpt)
    digest = hashlib.sha256(json.dumps(asdict(recipe), sort_keys=True).encode()).hexdigest()[:12]
    path = cache_dir() / f"canary-gpt-{mode}-{base}-{digest}.pt"

    def cached() -> GPT | None:
        if path.is_file() and not retrain:
            state = load_checkpoint(path)
            if (
                state.get("format") == CANARY_FORMAT
                and state.get("recipe") == asdict(recipe)
                and state.get("base") == base
            ):
                model = copy.deepcopy(gpt).to(device)
                model.load_state_dict(state["model"])
                return model.eval()
        return None

    model = cached()
    if model is not None:
        return model
    with file_lock(path.with_name(path.name + ".lock")):  # another process may be training it right now
        model = None if retrain else cached()
        if model is None:
            model = finetune_on_canaries(gpt, tokenizer, mode, recipe, device)
            state = {"format": CANARY_FORMAT, "recipe": asdict(recipe), "base": base,
                     "model": {k: v.cpu() for k, v in model.state_dict().items()}}  # fmt: skip
            save_checkpoint(path, state)
    return model


@dataclass(frozen=True)
class CanaryResult:
    """One canary measured on one model: greedy extraction, the secret's rank among all codes, its exposure."""

    canary: Canary
    extracted: bool
    rank: int
    exposure: float


def measure_canaries(model: GPT, tokenizer: Tokenizer, canaries: tuple[Canary, ...]) -> list[CanaryResult]:
    """Greedy extraction and exposure of every canary in ``model`` (1,296 candidate PINs each)."""
    alphabet = digit_alphabet(tokenizer)
    results = []
    for canary in canaries:
        prefix, digits = canary_ids(tokenizer, canary)
        greedy = greedy_continuation(model, prefix, DIGITS)
        scores = candidate_log_probs(model, prefix, alphabet, DIGITS)
        rank = rank_of(scores, secret_index(canary.secret))
        results.append(CanaryResult(canary, greedy == digits, rank, exposure(rank, len(SYMBOLS) ** DIGITS)))
    return results


def rates_by_repeats(results: list[CanaryResult]) -> dict[int, tuple[float, float]]:
    """For each repetition count: (fraction of canaries extracted, mean exposure in bits)."""
    out = {}
    for r in REPEATS:
        group = [x for x in results if x.canary.repeats == r]
        out[r] = (sum(x.extracted for x in group) / len(group), sum(x.exposure for x in group) / len(group))
    return out


@torch.no_grad()
def held_out_loss(model: GPT, tokenizer: Tokenizer, n: int = 64, block: int = 32) -> float:
    """Mean next-token loss (nats) on documentation windows the fine-tuning did not use: what utility is left."""
    rows = filler_blocks(tokenizer, n, block, seed=0, skip=len(paragraphs()) // 2)  # past the training ones
    device = next(model.parameters()).device
    model.eval()
    return model(rows[:, :-1].to(device), rows[:, 1:].to(device))[1].item()
