"""Pre-training presets, bits per character, the cached pre-trained GPT, the command and the benchmark."""

from __future__ import annotations

import dataclasses
import math
import time

import pytest
import torch
import torch.nn.functional as F

from lib.core.checkpoint import CACHE_ENV
from lib.data.bpe import BPETokenizer
from lib.data.char_tokenizer import CharTokenizer
from lib.models.gpt import GPT, GPTConfig
from lib.train import bench_pretrain, pretrain
from lib.train.bits import bits_per_character, predicted_characters, total_nats
from lib.train.loop import train
from lib.train.presets import PRESETS, PretrainPreset, get_preset

TINY = PRESETS["test-tiny"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_presets_are_valid_and_build_models():
    assert {"test-tiny", "cpu-tiny", "gpt2-small"} <= set(PRESETS)
    for preset in PRESETS.values():
        config = preset.gpt_config(vocab_size=300)
        assert config.context_length == preset.context_length and config.n_layer == preset.n_layer
        assert PretrainPreset.from_dict(preset.to_dict()) == preset
    big = PRESETS["gpt2-small"]
    assert (big.n_layer, big.n_head, big.d_model, big.context_length) == (12, 12, 768, 1024)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tokenizer": "word"}, "tokenizer"),
        ({"tokenizer": "bpe", "vocab_size": 100}, "vocab_size"),
        ({"steps": 0}, "steps"),
        ({"warmup_steps": 99999}, "warmup_steps"),
        ({"lr": -1.0}, "lr"),
        ({"d_model": 30, "n_head": 4}, "divisible"),
    ],
)
def test_bad_presets_name_the_field(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(TINY, **changes)
    with pytest.raises(ValueError, match="preset"):
        get_preset("no-such-preset")
    with pytest.raises(ValueError, match="unknown preset fields"):
        PretrainPreset.from_dict({**TINY.to_dict(), "colour": 1})


def _model_and_tokens(context_length=8, n=37):
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, context_length=context_length, n_layer=1, n_head=2, d_model=8))
    tokens = torch.randint(11, (n,))
    return model, tokens


def test_total_nats_scores_every_token_once_against_a_direct_sum():
    model, tokens = _model_and_tokens()
    expected = 0.0
    with torch.no_grad():
        for start in range(0, len(tokens) - 1, 8):  # blocks of 8, the last one shorter
            x = tokens[start : min(start + 8, len(tokens) - 1)]
            y = tokens[start + 1 : start + 1 + len(x)]
            expected += F.cross_entropy(model(x[None])[0][0], y, reduction="sum").item()
    assert total_nats(model, tokens, 8, batch_blocks=2) == pytest.approx(expected, rel=1e-6)
    assert model.training  # restored


def test_bits_per_character_of_a_character_model_is_loss_over_ln2():
    model, tokens = _model_and_tokens(context_length=36)
    with torch.no_grad():
        _, loss = model(tokens[:-1][None], tokens[1:][None])
    assert bits_per_character(model, tokens, len(tokens) - 1, 36) == pytest.approx(loss.item() / math.log(2), rel=1e-6)


def test_predicted_characters_leave_out_the_first_token():
    text = "the theme of the thesis " * 20
    bpe = BPETokenizer.train(text, 300)
    ids = torch.tensor(bpe.encode(text))
    assert predicted_characters(bpe, text, ids) == len(text) - len(bpe.decode(ids[:1]))
    assert len(bpe.decode(ids[:1])) > 1  # a BPE token spells several characters
    char = CharTokenizer.from_text(text)
    assert predicted_characters(char, text, torch.tensor(char.encode(text))) == len(text) - 1
    with pytest.raises(ValueError, match="tokens"):
        predicted_characters(char, text, torch.tensor([1]))
    with pytest.raises(TypeError, match="tokenizer"):
        predicted_characters("abc", text, ids)


def test_train_time_limit_stops_early_and_is_checked():
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    batches = [(torch.randn(4, 2), torch.randn(4, 1))] * 10

    def slow(step):  # on_step time is not counted: the run must not stop because of it
        time.sleep(0.2)

    history = train(model, batches, optimizer=optimizer, loss_fn=F.mse_loss, steps=5, on_step=slow, time_limit=0.5,
                    progress=False, log_every=1)  # fmt: skip
    assert history.steps_of("train_loss")[-1] == 5  # step time is tiny: no early stop from on_step's sleeps

    def slow_loss(out, target):
        time.sleep(0.02)
        return F.mse_loss(out, target)

    history = train(model, batches, optimizer=optimizer, loss_fn=slow_loss, steps=1000, time_limit=0.05,
                    progress=False, log_every=1)  # fmt: skip
    assert 2 <= history.steps_of("train_loss")[-1] <= 5
    with pytest.raises(ValueError, match="time_limit"):
        train(model, batches, optimizer=optimizer, loss_fn=F.mse_loss, steps=1, time_limit=0)


def test_pretrained_gpt_trains_saves_loads_and_retrains_identically(cache):
    model, tokenizer = pretrain.pretrained_gpt(TINY, device="cpu")
    path = pretrain.cached_path(TINY)
    assert path.is_file() and path.parent == cache
    assert isinstance(tokenizer, CharTokenizer) and not model.training
    loaded, loaded_tokenizer = pretrain.pretrained_gpt(TINY, device="cpu")
    assert loaded_tokenizer.chars == tokenizer.chars
    for (name, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=name)
    run = pretrain.pretrained_run(TINY, device="cpu")
    assert run.history.steps_of("val_bpc")[-1] == TINY.steps and len(run.history["val_bpc"]) == 2
    path.unlink()
    again, _ = pretrain.pretrained_gpt(TINY, device="cpu")
    for a, b in zip(model.state_dict().values(), again.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    untrained = pretrain.build_model(TINY, tokenizer.vocab_size)
    assert not torch.equal(untrained.token_embedding.weight, model.token_embedding.weight)


def test_training_lowers_validation_bits_per_character(cache):
    preset = dataclasses.replace(TINY, steps=40, eval_every=20, lr=1e-2, warmup_steps=5)
    run = pretrain.run_pretraining(preset, "cpu", progress=False)
    corpus = pretrain.load_corpus(preset, run.tokenizer)
    untrained = pretrain.build_model(preset, run.tokenizer.vocab_size)
    before = bits_per_character(untrained, corpus.validation, corpus.validation_characters, preset.context_length)
    assert before == pytest.approx(math.log2(run.tokenizer.vocab_size), abs=0.3)  # uniform guesses at first
    assert run.history.last("val_bpc") < before - 1.5


def test_bpe_preset_reports_bits_per_character(cache):
    preset = dataclasses.replace(TINY, name="test-bpe", tokenizer="bpe", vocab_size=300, steps=2, eval_every=2)
    run = pretrain.run_pretraining(preset, "cpu", progress=False)
    assert isinstance(run.tokenizer, BPETokenizer)
    corpus = pretrain.load_corpus(preset, run.tokenizer)
    nats = total_nats(run.model, corpus.validation, preset.context_length)
    assert run.history.last("val_bpc") == pytest.approx(nats / math.log(2) / corpus.validation_characters, rel=1e-6)


def test_command_resumes_to_the_same_model_as_one_run(tmp_path, cache, capsys):
    whole, part = tmp_path / "whole", tmp_path / "part"
    assert pretrain.main(["--preset", "test-tiny", "--out", str(whole), "--checkpoint-every", "3"]) == 0
    assert "val bits/char" in capsys.readouterr().out
    first = pretrain.load_pretrained(whole / "model.pt")

    def crash(step, model):
        if step == 4:
            raise KeyboardInterrupt  # the run dies after its step-3 checkpoint

    with pytest.raises(KeyboardInterrupt):
        pretrain.run_pretraining(TINY, "cpu", checkpoint_path=part / "checkpoint.pt", checkpoint_every=3,
                                 on_step=crash, progress=False)  # fmt: skip
    assert torch.load(part / "checkpoint.pt", weights_only=True)["counters"]["step"] == 3
    assert pretrain.main(["--preset", "test-tiny", "--out", str(part), "--checkpoint-every", "3", "--resume"]) == 0
    resumed = pretrain.load_pretrained(part / "model.pt")
    for a, b in zip(first.model.state_dict().values(), resumed.model.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert resumed.history["val_bpc"] == pytest.approx(first.history["val_bpc"], rel=1e-9)
    assert resumed.history["train_loss"] == pytest.approx(first.history["train_loss"], rel=1e-6)


@pytest.mark.parametrize(
    "argv", [["--preset", "nope"], ["--steps", "0"], ["--steps", "x"], ["--time-limit", "-1"], ["--bogus"]]
)
def test_command_rejects_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        pretrain.parse_args(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_benchmark_code_path_scores_each_mark(cache, capsys):
    marks = bench_pretrain.benchmark("test-tiny", marks=(0.001, 1000.0), device="cpu")
    assert [m.seconds for m in marks] == [0.001, 1000.0]
    assert marks[0].step >= 1 and marks[1].step == TINY.steps  # the run ended before the second mark
    assert marks[1].bpc < math.log2(200) and marks[1].tokens_per_s > 0
    assert bench_pretrain.main(["--preset", "test-tiny", "--marks", "1000"]) == 0
    assert "bits/char" in capsys.readouterr().out
    with pytest.raises(ValueError, match="marks"):
        bench_pretrain.benchmark("test-tiny", marks=(-1.0,))


def test_command_runs_under_torchrun_on_two_cpu_processes(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), CACHE_ENV: str(tmp_path / "cache"), "COURSE_QUIET": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    command += ["-m", "lib.train.pretrain", "--preset", "test-tiny", "--out", str(tmp_path / "ddp"), "--device", "cpu"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("saved ") == 1  # rank 0 alone saves
    assert "x2" in result.stdout
    run = pretrain.load_pretrained(tmp_path / "ddp" / "model.pt")
    assert run.history.steps_of("val_bpc")[-1] == TINY.steps
    alone = pretrain.run_pretraining(TINY, "cpu", progress=False)
    differs = any(
        not torch.equal(a, b)
        for a, b in zip(alone.model.state_dict().values(), run.model.state_dict().values(), strict=True)
    )
    assert differs  # two processes saw twice the batches (rank 1 draws its own), so the weights moved differently
