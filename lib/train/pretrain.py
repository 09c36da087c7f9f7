"""Pre-train a GPT on the Python documentation, from a notebook or the command line, alone or under torchrun.

``pretrained_gpt(preset)`` is what lessons call: it loads the model from the course's cache, or
trains it (deterministically) and saves it there. ``python -m lib.train.pretrain --preset cpu-tiny``
runs the same training as a command, resumable from its checkpoints, logging loss, tokens per
second and model FLOPs utilization; ``torchrun --nproc_per_node N -m lib.train.pretrain ...`` runs it
on N processes (each draws its own batches; rank 0 logs and saves).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import torch
import torch.nn.functional as F

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.device import pick_device
from lib.core.files import file_lock
from lib.core.seeding import seeded
from lib.core.threads import cpu_threads
from lib.core.validate import non_negative_number, positive_number
from lib.data.blocks import RandomBlocks
from lib.data.bpe import BPETokenizer
from lib.data.char_tokenizer import CharTokenizer
from lib.data.pydoc_corpus import load_python_docs
from lib.data.tokenizer import Tokenizer
from lib.models.gpt import GPT
from lib.train import distributed
from lib.train.bits import bits_per_character, predicted_characters
from lib.train.history import History
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.presets import PRESETS, PretrainPreset, get_preset
from lib.train.schedules import warmup_cosine

FORMAT = "lib.train.pretrain/1"


class Corpus(NamedTuple):
    """The tokenizer and the encoded train and validation splits, with the characters the validation ids predict."""

    tokenizer: Tokenizer
    train: torch.Tensor
    validation: torch.Tensor
    validation_characters: int


class Pretrained(NamedTuple):
    """A finished run: the model, its tokenizer, its history (losses, val_bpc) and its preset."""

    model: GPT
    tokenizer: Tokenizer
    history: History
    preset: PretrainPreset


def make_tokenizer(preset: PretrainPreset, text: str) -> Tokenizer:
    """The preset's tokenizer, built from ``text`` (the train split): characters, or BPE to vocab_size."""
    if preset.tokenizer == "char":
        return CharTokenizer.from_text(text)
    return BPETokenizer.train(text, preset.vocab_size)


def load_corpus(preset: PretrainPreset, tokenizer: Tokenizer | None = None) -> Corpus:
    """Encode the Python documentation's train and validation splits with ``tokenizer`` (made from train if None)."""
    train_text, val_text = load_python_docs("train"), load_python_docs("validation")
    tokenizer = make_tokenizer(preset, train_text) if tokenizer is None else tokenizer
    validation = torch.tensor(tokenizer.encode(val_text), dtype=torch.long)
    chars = predicted_characters(tokenizer, val_text, validation)
    return Corpus(tokenizer, torch.tensor(tokenizer.encode(train_text), dtype=torch.long), validation, chars)


def build_model(preset: PretrainPreset, vocab_size: int) -> GPT:
    """The preset's GPT, initialised from the preset's seed (the caller's random stream untouched)."""
    with seeded(preset.seed):
        return GPT(preset.gpt_config(vocab_size))


def _lm_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def run_pretraining(
    preset: str | PretrainPreset = "cpu-tiny",
    device: torch.device | str | None = None,
    *,
    corpus: Corpus | None = None,
    steps: int | None = None,
    time_limit: float | None = None,
    checkpoint_path: str | Path | None = None,
    checkpoint_every: int | None = None,
    resume: bool = False,
    on_step: Callable[[int, GPT], None] | None = None,
    progress: bool | None = None,
    log_every: int | None = None,
) -> Pretrained:
    """Train the preset's GPT through ``lib.train.loop.train``: AdamW, warm-up + cosine, clipping, val bits/char.

    ``steps`` overrides the preset's (the schedule stretches to it); ``time_limit`` stops early after
    that many seconds of training. ``on_step(step, model)`` runs after every step. Under torchrun
    each rank draws batches with seed preset.seed + rank.
    """
    preset = get_preset(preset)
    device = pick_device() if device is None else torch.device(device)
    corpus = load_corpus(preset) if corpus is None else corpus
    total = preset.steps if steps is None else steps
    model = build_model(preset, corpus.tokenizer.vocab_size).to(device)
    betas = (0.9, preset.beta2)
    optimizer = make_adamw(model, lr=preset.lr, weight_decay=preset.weight_decay, betas=betas, device=device)
    scheduler = warmup_cosine(optimizer, min(preset.warmup_steps, total), total, preset.min_lr_ratio)
    batches = RandomBlocks(
        corpus.train, preset.context_length, preset.batch_size, total, seed=preset.seed + distributed.rank()
    )

    def evaluate(m: torch.nn.Module) -> dict[str, float]:
        bpc = bits_per_character(m, corpus.validation, corpus.validation_characters, preset.context_length, device)
        return {"bpc": bpc}

    threads = preset.threads if preset.threads is not None else (os.cpu_count() or 1)
    with cpu_threads(threads, device):
        history = train(
            model,
            batches,
            optimizer=optimizer,
            loss_fn=_lm_loss,
            steps=total,
            scheduler=scheduler,
            grad_clip=preset.grad_clip,
            device=device,
            log_every=log_every,
            evaluate=evaluate,
            eval_every=preset.eval_every,
            checkpoint_path=checkpoint_path,
            checkpoint_every=checkpoint_every,
            resume=resume,
            tokens_per_batch=preset.tokens_per_step(),
            flops_per_token=float(model.flops_per_token()),
            on_step=None if on_step is None else (lambda step: on_step(step, model)),
            progress=progress,
            desc=f"pre-training {preset.name}",
            time_limit=time_limit,
        )
    return Pretrained(model.eval(), corpus.tokenizer, history, preset)


def save_pretrained(path: str | Path, run: Pretrained) -> Path:
    """Write the model, tokenizer, history and preset to ``path`` atomically (a weights-only checkpoint)."""
    state = {
        "format": FORMAT,
        "preset": run.preset.to_dict(),
        "model": run.model.state_dict(),
        "tokenizer": run.tokenizer.to_dict(),
        "history": run.history.state_dict(),
    }
    return save_checkpoint(path, state)


def load_pretrained(path: str | Path, device: torch.device | str = "cpu") -> Pretrained:
    """Read what :func:`save_pretrained` wrote; the model comes back in eval mode on ``device``."""
    state = load_checkpoint(path)
    if state.get("format") != FORMAT:
        raise ValueError(f"{str(path)!r} is not a pre-trained GPT saved by lib.train.pretrain")
    preset = PretrainPreset.from_dict(state["preset"])
    kinds = {cls.kind: cls for cls in (CharTokenizer, BPETokenizer)}
    kind = state["tokenizer"].get("kind") if isinstance(state.get("tokenizer"), dict) else None
    if kind not in kinds:
        raise ValueError(f"{str(path)!r} holds a tokenizer of unknown kind {kind!r}")
    tokenizer = kinds[kind].from_dict(state["tokenizer"])
    model = build_model(preset, tokenizer.vocab_size)
    model.load_state_dict(state["model"])
    history = History()
    history.load_state_dict(state["history"])
    return Pretrained(model.to(device).eval(), tokenizer, history, preset)


def cached_path(preset: str | PretrainPreset) -> Path:
    """Where the course's cache keeps the preset's pre-trained model."""
    return cache_dir() / f"gpt-{get_preset(preset).name}.pt"


def pretrained_run(
    preset: str | PretrainPreset = "cpu-tiny", device: torch.device | str | None = None, retrain: bool = False
) -> Pretrained:
    """The preset's model, tokenizer, history: from the cache, or trained now and saved there (rank 0)."""
    preset = get_preset(preset)
    device = pick_device() if device is None else torch.device(device)
    path = cached_path(preset)

    def cached() -> Pretrained | None:
        if path.is_file() and not retrain:
            try:
                run = load_pretrained(path, device)
            except (ValueError, KeyError, RuntimeError) as err:  # truncated, corrupted, from another version
                warnings.warn(
                    f"the cached model {str(path)!r} could not be read ({err}); training it again", stacklevel=3
                )
                return None
            if run.preset == preset:
                return run
        return None

    run = cached()
    if run is not None:
        return run
    if distributed.is_distributed():  # every rank trains; rank 0 saves (a lock would stall the others)
        run = run_pretraining(preset, device)
        if distributed.is_main():
            save_pretrained(path, run)
        return run
    with file_lock(path.with_name(path.name + ".lock")):  # another process may be training it right now
        run = cached()
        if run is None:
            run = run_pretraining(preset, device)
            save_pretrained(path, run)
    return run


def pretrained_gpt(
    preset: str | PretrainPreset = "cpu-tiny", device: torch.device | str | None = None, retrain: bool = False
) -> tuple[GPT, Tokenizer]:
    """A GPT pre-trained on the Python documentation and its tokenizer: loaded from the cache, else trained.

    The first call (or ``retrain=True``) trains the preset deterministically and saves the result
    atomically in ``lib.core.checkpoint.cache_dir()``; later calls, in any lesson, load it.
    """
    run = pretrained_run(preset, device, retrain)
    return run.model, run.tokenizer


# ---- the command ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command's arguments; errors (an unknown preset, a negative number) exit with argparse's message."""

    def positive(kind: type) -> Callable[[str], float]:
        def convert(text: str) -> float:
            try:
                value = kind(text)
            except ValueError:
                raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}") from None
            if value <= 0:
                raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
            return value

        return convert

    parser = argparse.ArgumentParser(prog="python -m lib.train.pretrain", description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="cpu-tiny", choices=sorted(PRESETS), help="what to train")
    parser.add_argument("--out", type=Path, default=None, help="folder for checkpoint.pt and model.pt (default: cache)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt if it exists")
    parser.add_argument("--steps", type=positive(int), default=None, help="optimizer steps (default: the preset's)")
    parser.add_argument("--time-limit", type=positive(float), default=None, help="stop after this many seconds")
    parser.add_argument("--checkpoint-every", type=positive(int), default=None, help="default: the preset's eval_every")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:1, mps (default: the best available)")
    parser.add_argument("--log-every", type=positive(int), default=None, help="steps between log lines")
    return parser.parse_args(argv)


def _init_distributed(device: torch.device | None) -> torch.device:
    """Under torchrun: join the process group (NCCL on GPUs, gloo on CPUs) and pick this rank's device."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return pick_device() if device is None else device
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if device is None:
        device = torch.device("cuda", local) if torch.cuda.is_available() else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return device


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command: train, log every few steps, checkpoint, and write OUT/model.pt (or the cache's file)."""
    args = parse_args(argv)
    preset = get_preset(args.preset)
    device = _init_distributed(torch.device(args.device) if args.device else None)
    out = args.out
    final = cached_path(preset) if out is None else out / "model.pt"
    checkpoint = (cache_dir() / f"gpt-{preset.name}-run" if out is None else out) / "checkpoint.pt"
    steps = args.steps or preset.steps
    log_every = args.log_every or max(1, steps // 20)
    if distributed.is_main():
        print(f"pre-training {preset.name} on {device} x{distributed.world_size()}: {steps} steps", flush=True)
    run = run_pretraining(
        preset,
        device,
        steps=steps,
        time_limit=args.time_limit,
        checkpoint_path=checkpoint,
        checkpoint_every=args.checkpoint_every or preset.eval_every,
        resume=args.resume,
        log_every=log_every,
    )
    if distributed.is_main():
        for line in history_lines(run.history):
            print(line)
        save_pretrained(final, run)
        print(f"saved {final}")
    if torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
    return 0


def history_lines(history: History) -> list[str]:
    """One line per logged step: train loss, tokens per second, MFU and validation bits per character where known."""
    lines = []
    for i, step in enumerate(history.steps_of("train_loss")):
        parts = [f"step {step:>6}", f"loss {history['train_loss'][i]:.4f}"]
        for name, fmt in (("tokens_per_s", "tokens/s {:,.0f}"), ("mfu", "MFU {:.2%}")):
            if name in history and step in history.steps_of(name):
                parts.append(fmt.format(history[name][history.steps_of(name).index(step)]))
        if "val_bpc" in history and step in history.steps_of("val_bpc"):
            parts.append(f"val bits/char {history['val_bpc'][history.steps_of('val_bpc').index(step)]:.4f}")
        lines.append(" · ".join(parts))
    return lines


def nats_to_bits(nats_per_token: float, characters_per_token: float = 1.0) -> float:
    """A loss in nats per token as bits per character: / ln 2 / characters per token."""
    nats_per_token = non_negative_number("nats_per_token", nats_per_token)
    characters_per_token = positive_number("characters_per_token", characters_per_token)
    return nats_per_token / math.log(2) / characters_per_token


if __name__ == "__main__":
    sys.exit(main())
