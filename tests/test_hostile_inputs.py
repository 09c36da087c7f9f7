"""Hostile input to lib's public functions: each gets a TypeError or ValueError that names the argument.

A sweep, not hand-picked cases: every public function of lib.models, lib.scratch, lib.data,
lib.train, lib.scale and lib.compress whose first required argument is a tensor, an int or a float
is called with a string, None, a negative or fractional size, NaN or infinity there (its other
required arguments filled with plain valid values), and must refuse it with an error whose message
names that argument, not an AttributeError from deep inside PyTorch. Functions whose first argument
is something else (a str, a module, a config) are listed in the report but not swept; their own
tests check their arguments. Then targeted cases: empty and wrong-dtype tensors, a model too big to
allocate, truncated and corrupted checkpoints, a corrupted cache entry, and two processes filling
the same cache entry at once.
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
import pkgutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

PACKAGES = ("lib.models", "lib.scratch", "lib.data", "lib.train", "lib.scale", "lib.compress")
# Command-line entry points of benchmarks and demos: they take argv, not tensors.
SKIP_MODULES = {"lib.train.bench_gpt", "lib.data.bench_bpe", "lib.train.ddp_demo"}
# Public functions left out of the sweep, each with its reason.
EXEMPT = {
    "lib.models.sampling.sampling_generator": "takes a seed and a torch.device, both checked; no tensor or size",
    "lib.scratch.gradcheck.step_size_errors": "first argument is a callable, second a dtype: no generic stand-in",
    "lib.train.gan.train_gan": "needs two modules that fit the data's shape; tests/test_gan.py checks its arguments",
    "lib.scale.serving.serving_report": "needs an Accelerator record; tests/test_economics.py checks its arguments",
    "lib.scale.costs.serving_cost": "needs an Accelerator record; tests/test_costs.py checks its arguments",
    "lib.scale.costs.cost_report": "needs an Accelerator record; tests/test_costs.py checks its arguments",
}
# Valid values for the other required arguments of functions the generic fill cannot serve.
OTHER_ARGS: dict[str, Callable[[], tuple]] = {
    "lib.scratch.initialization.init_weight_": lambda: ("xavier",),
    "lib.scratch.initialization.propagate": lambda: ("tanh", torch.randn(4, 8)),
    "lib.data.doc_questions.sft_example": lambda: (_qa_pair(), 16),
    "lib.data.doc_questions.sft_batch": lambda: ([_qa_pair()], 16),
    "lib.scratch.normalization.layer_norm": lambda: (8,),
    "lib.data.digit_captions.caption": lambda: ("a handwritten {word}",),
    "lib.scratch.forecasting.walk_forward_predict": lambda: (
        torch.zeros(4),
        [],
        lambda train_x, train_y, test_x: test_x,
    ),
    "lib.train.federated.average_states": lambda: ([1.0],),
}


def _qa_pair():
    from lib.data.doc_questions import QAPair

    return QAPair(title="json", answer="Encode and decode JSON.", topic="library", held_out=False)


def _kind(annotation: object) -> str | None:
    text = str(annotation)
    if "Callable" in text:
        return "callable"
    if "Tensor" in text:
        return "tensor"
    if text in ("int", "int | None"):
        return "int"
    if text in ("float", "float | None"):
        return "float"
    return None


FILL = {"tensor": lambda: torch.randn(4, 8), "int": lambda: 4, "float": lambda: 0.5}
HOSTILE = {
    "tensor": {"a str": "abc", "None": None, "a list": [[1.0, 2.0]]},
    "int": {"a str": "3", "negative": -1, "fractional": 2.5, "None": None},
    "float": {"a str": "x", "NaN": math.nan, "inf": math.inf},
    "callable": {"a str": "abc"},
}


def _required(fn: Callable) -> list[inspect.Parameter]:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = inspect.signature(fn).parameters.values()
    return [p for p in params if p.default is inspect.Parameter.empty and p.kind in kinds]


def _public_functions() -> list[tuple[str, Callable]]:
    found = []
    for package in PACKAGES:
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
            name = f"{package}.{info.name}"
            if name in SKIP_MODULES:
                continue
            module = importlib.import_module(name)
            for attr, obj in vars(module).items():
                if not attr.startswith("_") and inspect.isfunction(obj) and obj.__module__ == name:
                    found.append((f"{name}.{attr}", obj))
    return found


def _cases() -> list:
    cases = []
    for qualname, fn in _public_functions():
        required = _required(fn)
        if qualname in EXEMPT or not required:
            continue
        kind = _kind(required[0].annotation)
        if kind is None:
            continue
        for label, value in HOSTILE[kind].items():
            cases.append(pytest.param(qualname, fn, required[0].name, value, id=f"{qualname}-{label}"))
    return cases


def _other_args(qualname: str, fn: Callable) -> tuple:
    if qualname in OTHER_ARGS:
        return OTHER_ARGS[qualname]()
    values = []
    for param in _required(fn)[1:]:
        kind = _kind(param.annotation)
        if kind not in FILL:
            raise AssertionError(f"{qualname}: no plain value for {param.name}; add it to OTHER_ARGS or EXEMPT")
        values.append(FILL[kind]())
    return tuple(values)


CASES = _cases()


def test_the_sweep_covers_most_of_lib():
    swept = {case.values[0] for case in CASES}
    assert len(swept) >= 125, len(swept)  # 129 functions when this test was written
    missing = set(EXEMPT) - {q for q, _ in _public_functions()}
    assert not missing, f"EXEMPT names functions that no longer exist: {missing}"


@pytest.mark.parametrize(("qualname", "fn", "argument", "value"), CASES)
def test_hostile_first_argument_is_refused_by_name(qualname, fn, argument, value):
    others = _other_args(qualname, fn)
    with pytest.raises((TypeError, ValueError)) as info:
        fn(value, *others)
    message = str(info.value)
    assert argument in message, f"{qualname}({argument}={value!r}) raised {info.type.__name__}: {message}"
    assert "positional argument" not in message, message  # a missing argument is not a check


# ---- empty, wrong-dtype and wrong-shape tensors where the sweep's plain stand-ins cannot reach -------


def _gpt():
    from lib.models.gpt import GPT, GPTConfig

    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=11, context_length=8, n_layer=1, n_head=2, d_model=8))


TARGETED = [
    ("float ids", lambda: _gpt()(torch.randn(2, 4)), "idx"),
    ("1-D ids", lambda: _gpt()(torch.zeros(4, dtype=torch.long)), "idx"),
    ("ids past the context", lambda: _gpt()(torch.zeros(1, 9, dtype=torch.long)), "context_length"),
    (
        "targets of another shape",
        lambda: _gpt()(torch.zeros(2, 4, dtype=torch.long), torch.zeros(2, 3).long()),
        "targets",
    ),
    ("config is a dict", lambda: __import__("lib.models.gpt").models.gpt.GPT({"n_layer": 2}), "config"),
    ("NaN dropout", lambda: __import__("lib.models.gpt").models.gpt.GPTConfig(dropout=math.nan), "dropout"),
    ("str n_layer", lambda: __import__("lib.models.gpt").models.gpt.GPTConfig(n_layer="12"), "n_layer"),
    ("empty logits", lambda: _accuracy()(torch.empty(0, 3), torch.empty(0)), "logits"),
    ("empty batches", lambda: _make_batches()(torch.empty(0, 3), torch.empty(0), 2), "inputs"),
    ("int logits", lambda: _distill()(torch.ones(2, 3, dtype=torch.long), torch.ones(2, 3)), "student_logits"),
    ("float q", lambda: _dequantize()(torch.ones(2, 3), torch.ones(2)), "q"),
    ("NaN nats", lambda: _nats()(math.nan), "nats_per_token"),
    ("inf bytes", lambda: _human_bytes()(math.inf), "n_bytes"),
    ("tensors is one tensor", lambda: _tensor_bytes()(torch.ones(3)), "tensors"),
    ("vocab below 256", lambda: __import__("lib.data.bpe").data.bpe.train_merges("abc", 100), "vocab_size"),
    ("text is bytes", lambda: __import__("lib.data.bpe").data.bpe.pretokenize(b"abc"), "text"),
]


def _accuracy():
    from lib.train.metrics import accuracy

    return accuracy


def _make_batches():
    from lib.train.batches import make_batches

    return make_batches


def _distill():
    from lib.compress.distillation import distillation_loss

    return distillation_loss


def _dequantize():
    from lib.compress.quantization import dequantize_int8

    return dequantize_int8


def _nats():
    from lib.train.pretrain import nats_to_bits

    return nats_to_bits


def _human_bytes():
    from lib.scale.parameters import human_bytes

    return human_bytes


def _tensor_bytes():
    from lib.scale.memory import tensor_bytes

    return tensor_bytes


@pytest.mark.parametrize(("call", "argument"), [(c, a) for _, c, a in TARGETED], ids=[t[0] for t in TARGETED])
def test_targeted_hostile_inputs_are_refused_by_name(call, argument):
    with pytest.raises((TypeError, ValueError), match=argument):
        call()


def test_terabyte_model_is_refused_with_the_bytes_it_needs():
    from lib.models.gpt import GPT, GPTConfig

    with pytest.raises(ValueError, match=r"config needs [\d,]+ bytes \([\d,.]+ GB\)"):
        GPT(GPTConfig(n_layer=96, n_head=128, d_model=32768))


# ---- checkpoints and caches ---------------------------------------------------------------------------


def test_every_load_in_lib_is_weights_only():
    lib = Path(__file__).resolve().parent.parent / "lib"
    for path in lib.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "pickle.load" not in text, path
        for line in (line for line in text.splitlines() if "torch.load(" in line):
            assert "weights_only=True" in line, f"{path}: {line.strip()}"


@pytest.mark.parametrize("damage", ["truncated", "corrupted", "empty"])
def test_damaged_checkpoint_is_a_clear_error_and_nothing_is_loaded(tmp_path, damage):
    from lib.core.checkpoint import load_checkpoint, save_checkpoint

    model = torch.nn.Linear(64, 64)
    path = save_checkpoint(tmp_path / "model.pt", {"model": model.state_dict()})
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "corrupted":
        middle = len(data) // 2
        path.write_bytes(data[:100] + bytes(b ^ 0xFF for b in data[100:middle]) + data[middle:])
    else:
        path.write_bytes(b"")
    fresh = torch.nn.Linear(64, 64)
    before = {k: v.clone() for k, v in fresh.state_dict().items()}
    with pytest.raises(ValueError, match="model.pt.*is not a weights-only checkpoint"):
        fresh.load_state_dict(load_checkpoint(path)["model"])
    for key, value in fresh.state_dict().items():  # never half-loaded
        assert torch.equal(value, before[key])


def test_corrupted_cache_entry_is_rebuilt_with_a_warning(tmp_path, monkeypatch):
    from lib.core.checkpoint import CACHE_ENV
    from lib.train.pretrain import cached_path, pretrained_run

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = pretrained_run("test-tiny", "cpu")
    path = cached_path("test-tiny")
    path.write_bytes(path.read_bytes()[:500])  # a kernel killed mid-copy, a full disk
    with pytest.warns(UserWarning, match="could not be read.*training it again"):
        again = pretrained_run("test-tiny", "cpu")
    for a, b in zip(first.model.parameters(), again.model.parameters(), strict=True):
        assert torch.equal(a, b)  # deterministic retraining gives the same model back
    pretrained_run("test-tiny", "cpu")  # and the rewritten entry loads


FILL_CACHE = textwrap.dedent(
    """
    import sys
    from lib.train.pretrain import pretrained_run
    run = pretrained_run("test-tiny", "cpu")
    print(sum(p.double().sum().item() for p in run.model.parameters()))
    """
)


def test_two_processes_filling_the_cache_at_once_do_not_corrupt_it(tmp_path):
    from lib.core.checkpoint import load_checkpoint

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "COURSE_CACHE": str(tmp_path), "PYTHONPATH": str(root), "COURSE_QUIET": "1"}
    procs = [
        subprocess.Popen([sys.executable, "-c", FILL_CACHE], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
    sums = [float(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
    assert sums[0] == sums[1]
    entries = [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")]
    assert entries == ["gpt-test-tiny.pt"], entries  # no temporary file left behind
    assert "model" in load_checkpoint(tmp_path / "gpt-test-tiny.pt")
