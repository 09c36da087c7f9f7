"""Tests of the training engine (lib.train.loop.train) and its parts: accumulation, resume, schedules, clipping,
evaluation cadence, precision, no reseeding, throughput, argument checks, and two processes under gloo."""

import math

import pytest
import torch
import torch.multiprocessing as mp
from torch import nn

from lib.core.seeding import seeded
from lib.train.batches import make_batches, split_batch
from lib.train.loop import train
from lib.train.precision import autocast_for, grad_scaler_for, resolve_precision
from lib.train.schedules import WarmupCosine, constant, warmup_cosine
from lib.train.steps import LossStep, SupervisedStep


def _data(n=64, features=5, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=g, dtype=dtype)
    y = (x[:, 0] - x[:, 1] > 0).long()
    return x, y


def _model(seed=0, dtype=torch.float32, dropout=0.0):
    with seeded(seed):
        return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Dropout(dropout), nn.Linear(8, 2)).to(dtype)


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def test_accumulation_of_k_micro_batches_equals_one_batch_of_k_times_b():
    x, y = _data(n=48, dtype=torch.float64)
    results = {}
    for k in (1, 4):
        model = _model(dtype=torch.float64)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
        train(
            model,
            [(x, y)],
            optimizer=optimizer,
            loss_fn=nn.functional.cross_entropy,
            steps=1,
            accumulate=k,
            progress=False,
        )
        grads = [p.grad.clone() for p in model.parameters()]
        train(
            model,
            [(x, y)],
            optimizer=optimizer,
            loss_fn=nn.functional.cross_entropy,
            steps=3,
            accumulate=k,
            progress=False,
        )
        results[k] = (grads, _params(model))
    for a, b in zip(results[1][0] + results[1][1], results[4][0] + results[4][1], strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
    assert results[1][0][0].abs().sum() > 0  # there was a gradient to compare


def test_split_batch_weights_add_to_one_and_reject_too_many_pieces():
    x, y = torch.arange(10.0), torch.arange(10)
    pieces = split_batch((x, y), 3)
    assert [len(p[0][0]) for p in pieces] == [4, 3, 3]
    assert math.isclose(sum(w for _, w in pieces), 1.0)
    with pytest.raises(ValueError, match="accumulate=11"):
        split_batch((x, y), 11)
    with pytest.raises(ValueError, match="pieces must be a positive int"):
        split_batch((x, y), 0)


def _resumable_run(tmp_path, steps, resume, checkpoint_every=None, dropout=0.0):
    x, y = _data(n=40)
    model = _model(dropout=dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    scheduler = warmup_cosine(optimizer, warmup_steps=3, total_steps=12)
    history = train(
        model,
        make_batches(x, y, 8, seed=1),
        optimizer=optimizer,
        loss_fn=nn.functional.cross_entropy,
        steps=steps,
        scheduler=scheduler,
        log_every=3,
        progress=False,
        resume=resume,
        checkpoint_path=tmp_path / "run.pt" if checkpoint_every or resume else None,
        checkpoint_every=checkpoint_every,
        evaluate=lambda m: {"loss": nn.functional.cross_entropy(m(x), y).item()},
        eval_every=5,
    )
    return model, history


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_resume_from_a_checkpoint_gives_the_same_numbers_as_an_uninterrupted_run(tmp_path, dropout):
    torch.manual_seed(1)  # the test owns the process: dropout's global stream starts at a known place
    straight, straight_history = _resumable_run(tmp_path / "a", steps=12, resume=False, dropout=dropout)
    torch.manual_seed(1)
    _resumable_run(tmp_path / "b", steps=7, resume=False, checkpoint_every=7, dropout=dropout)  # mid-epoch, mid-window
    torch.manual_seed(2)  # a different stream: the checkpoint must restore the saved one
    resumed, resumed_history = _resumable_run(tmp_path / "b", steps=12, resume=True, dropout=dropout)
    for a, b in zip(straight.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b)
    assert resumed_history.metrics == straight_history.metrics
    assert resumed_history.steps == straight_history.steps
    assert straight_history.steps_of("train_loss") == [3, 6, 9, 12]


def test_a_fresh_run_differs_from_a_resumed_one(tmp_path):
    """The resume test above could pass trivially if resuming restarted from scratch; it does not."""
    _resumable_run(tmp_path, steps=7, resume=False, checkpoint_every=7)
    resumed, _ = _resumable_run(tmp_path, steps=12, resume=True)
    restarted, _ = _resumable_run(tmp_path / "other", steps=12 - 7, resume=False)
    assert not torch.equal(next(resumed.parameters()), next(restarted.parameters()))


@pytest.mark.parametrize("step", [0, 2, 4, 5, 9, 15, 20])
def test_warmup_cosine_follows_its_formula(step):
    warmup, total, low = 5, 15, 0.1
    if step < warmup:
        expected = (step + 1) / warmup
    else:
        progress = min(1.0, (step - warmup) / (total - warmup))
        expected = low + (1 - low) * 0.5 * (1 + math.cos(math.pi * progress))
    assert WarmupCosine(warmup, total, low)(step) == pytest.approx(expected)
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=2.0)
    scheduler = warmup_cosine(optimizer, warmup, total, low)
    for _ in range(step):
        optimizer.step()
        scheduler.step()
    assert optimizer.param_groups[0]["lr"] == pytest.approx(2.0 * expected)


def test_schedule_ends_and_constant():
    schedule = WarmupCosine(2, 10, 0.2)
    assert schedule(1) == 1.0 and schedule(2) == pytest.approx(1.0) and schedule(10) == pytest.approx(0.2)
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.5)
    scheduler = constant(optimizer)
    optimizer.step()
    scheduler.step()
    assert optimizer.param_groups[0]["lr"] == 0.5


def test_schedules_reject_bad_arguments():
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.5)
    with pytest.raises(ValueError, match="warmup_steps must be at most total_steps"):
        warmup_cosine(optimizer, 11, 10)
    with pytest.raises(ValueError, match="total_steps must be a positive int"):
        warmup_cosine(optimizer, 0, 0)
    with pytest.raises(ValueError, match="min_ratio must be"):
        warmup_cosine(optimizer, 1, 10, min_ratio=1.5)
    with pytest.raises(TypeError, match="optimizer must be"):
        constant("sgd")


@pytest.mark.parametrize("clip", [None, 0.05])
def test_gradient_clipping_bounds_the_norm(clip):
    x, y = _data()
    model = _model()
    train(
        model,
        [(x * 50, y)],
        optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
        loss_fn=nn.functional.cross_entropy,
        steps=1,
        grad_clip=clip,
        progress=False,
    )
    norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()]))
    if clip is None:
        assert norm > 0.05  # the case below would not be a test without it
    else:
        assert norm <= clip * (1 + 1e-5)


def test_evaluation_runs_every_n_steps_and_at_the_end():
    x, y = _data()
    model = _model()
    calls = []
    history = train(
        model,
        make_batches(x, y, 16),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        loss_fn=nn.functional.cross_entropy,
        steps=10,
        eval_every=3,
        progress=False,
        evaluate=lambda m: calls.append(m.training) or {"score": 1.0},
    )
    assert history.steps_of("val_score") == [3, 6, 9, 10]
    assert calls == [True] * 4 and model.training  # the engine leaves train mode on


def test_epoch_mode_logs_and_evaluates_once_per_epoch():
    x, y = _data()
    model = _model()
    history = train(
        model,
        make_batches(x, y, 16),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        loss_fn=nn.functional.cross_entropy,
        epochs=3,
        progress=False,
        evaluate=lambda m: {"x": 0.0},
    )
    assert history.steps_of("train_loss") == history.steps_of("val_x") == [4, 8, 12]


def test_training_never_touches_the_global_generator():
    x, y = _data()
    model = _model()
    before = torch.get_rng_state()
    train(
        model,
        make_batches(x, y, 16, seed=5),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        loss_fn=nn.functional.cross_entropy,
        epochs=2,
        progress=False,
    )
    assert torch.equal(torch.get_rng_state(), before)


def test_values_are_read_from_the_device_once_per_window(monkeypatch):
    x, y = _data()
    model = _model()
    reads = {"item": 0, "tolist": 0}
    item, tolist = torch.Tensor.item, torch.Tensor.tolist

    def counting(name, method):
        def wrapper(self, *args, **kwargs):
            reads[name] += 1
            return method(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(torch.Tensor, "item", counting("item", item))
    monkeypatch.setattr(torch.Tensor, "tolist", counting("tolist", tolist))
    batches = [(x[i : i + 8], y[i : i + 8]) for i in range(0, len(x), 8)]  # a DataLoader reads its own CPU seeds
    history = train(
        model,
        batches,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        loss_fn=nn.functional.cross_entropy,
        steps=20,
        log_every=10,
        progress=False,
    )
    assert reads == {"item": 0, "tolist": 2}
    assert len(history["train_loss"]) == 2


def test_keep_every_step_logs_each_value_and_a_window_logs_its_mean():
    x, y = _data()
    histories = []
    for keep in (True, False):
        model = _model()
        histories.append(
            train(
                model,
                [(x, y)],
                optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                loss_fn=nn.functional.cross_entropy,
                steps=4,
                log_every=4,
                keep_every_step=keep,
                progress=False,
            )
        )
    every, mean = histories
    assert every.steps_of("train_loss") == [1, 2, 3, 4] and mean.steps_of("train_loss") == [4]
    assert mean.last("train_loss") == pytest.approx(sum(every["train_loss"]) / 4)


def test_a_non_finite_loss_raises_or_stops():
    x, y = _data()
    model = _model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(FloatingPointError, match="train_loss became nan"):
        train(
            model,
            [(x * float("nan"), y)],
            optimizer=optimizer,
            loss_fn=nn.functional.cross_entropy,
            steps=2,
            progress=False,
        )
    history = train(
        model,
        [(x * float("nan"), y)],
        optimizer=optimizer,
        loss_fn=nn.functional.cross_entropy,
        epochs=3,
        on_nonfinite="stop",
        progress=False,
    )
    assert "train_loss" not in history


def test_tokens_per_second_and_mfu_are_reported_when_the_peak_is_known(monkeypatch):
    x, y = _data()
    model = _model()
    kwargs = dict(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        loss_fn=nn.functional.cross_entropy,
        steps=4,
        log_every=2,
        tokens_per_batch=64,
        flops_per_token=6 * 58,
        progress=False,
    )
    history = train(model, [(x, y)], **kwargs)
    assert len(history["tokens_per_s"]) == 2 and "mfu" not in history  # no known peak on a CPU
    monkeypatch.setenv("COURSE_PEAK_FLOPS", "1e12")
    history = train(model, [(x, y)], **kwargs)
    assert history.last("mfu") == pytest.approx(history.last("tokens_per_s") * 6 * 58 / 1e12)


def test_loss_step_trains_a_model_whose_loss_it_computes():
    x, _ = _data()
    model = _model()
    step = LossStep(lambda m, batch: m(batch).pow(2).mean())
    history = train(
        model, [x], step, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), steps=20, log_every=1, progress=False
    )
    assert history["train_loss"][-1] < history["train_loss"][0]


def test_precision_choices():
    assert resolve_precision("auto", "cpu") == "fp32"
    assert resolve_precision("bf16", "cpu") == "bf16"
    assert grad_scaler_for("fp32", "cpu") is None and grad_scaler_for("bf16", "cpu") is None
    with autocast_for("bf16", "cpu"):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.bfloat16
    with pytest.raises(ValueError, match="fp16' needs a CUDA device"):
        resolve_precision("fp16", "cpu")
    with pytest.raises(ValueError, match="precision must be one of"):
        resolve_precision("fp8", "cpu")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"steps": 2, "epochs": 2}, ValueError, "exactly one of steps and epochs"),
        ({}, ValueError, "exactly one of steps and epochs"),
        ({"steps": 0}, ValueError, "steps must be a positive int"),
        ({"epochs": 1.5}, ValueError, "epochs must be a positive int"),
        ({"steps": 1, "accumulate": 0}, ValueError, "accumulate must be a positive int"),
        ({"steps": 1, "log_every": -1}, ValueError, "log_every must be a positive int"),
        ({"steps": 1, "grad_clip": 0.0}, ValueError, "grad_clip must be a positive"),
        ({"steps": 1, "precision": "fp8"}, ValueError, "precision must be one of"),
        ({"steps": 1, "on_nonfinite": "ignore"}, ValueError, "on_nonfinite must be one of"),
        ({"steps": 1, "checkpoint_every": 2}, ValueError, "checkpoint_path and checkpoint_every together"),
        ({"steps": 1, "resume": True}, ValueError, "resume=True needs checkpoint_path"),
        ({"steps": 1, "optimizer": "adam"}, TypeError, "optimizer must be a torch.optim.Optimizer"),
        ({"steps": 1, "loss_fn": None}, ValueError, "the default step needs loss_fn and optimizer"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, error, match):
    model = _model()
    base = {"optimizer": torch.optim.SGD(model.parameters(), lr=0.1), "loss_fn": nn.functional.cross_entropy}
    with pytest.raises(error, match=match):
        train(model, [_data()], **{**base, **kwargs})


def test_train_rejects_an_empty_source_and_a_bad_step():
    model = _model()
    with pytest.raises(ValueError, match="batches was empty"):
        train(
            model,
            [],
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            loss_fn=nn.functional.mse_loss,
            epochs=1,
            progress=False,
        )
    with pytest.raises(TypeError, match="step must be callable"):
        train(model, [_data()], "sgd", steps=1)
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        SupervisedStep(3)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        train("model", [_data()], steps=1)


def _ddp_worker(rank, world, init_file, out_dir, x, y):
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        torch.set_num_threads(1)
        model = _model()
        half = len(x) // world
        shard = [(x[rank * half : (rank + 1) * half], y[rank * half : (rank + 1) * half])]
        history = train(
            model,
            shard,
            optimizer=torch.optim.SGD(model.parameters(), lr=0.5),
            loss_fn=nn.functional.cross_entropy,
            steps=3,
            log_every=3,
            progress=False,
        )
        torch.save({"params": _params(model), "loss": history["train_loss"]}, f"{out_dir}/rank{rank}.pt")
    finally:
        dist.destroy_process_group()


def test_two_gloo_processes_match_one_process_on_the_global_batch(tmp_path):
    """World size 2 on the CPU (gloo): the replicas end identical, and equal to one process on the global batch."""
    x, y = _data(n=32)
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"  # fork: no second import of torch (fast)
    args = (2, str(tmp_path / "init"), str(tmp_path), x, y)
    mp.start_processes(_ddp_worker, args=args, nprocs=2, join=True, start_method=method)
    single = _model()
    history = train(
        single,
        [(x, y)],
        optimizer=torch.optim.SGD(single.parameters(), lr=0.5),
        loss_fn=nn.functional.cross_entropy,
        steps=3,
        log_every=3,
        progress=False,
    )
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in range(2)]
    for a, b, c in zip(ranks[0]["params"], ranks[1]["params"], _params(single), strict=True):
        assert torch.equal(a, b)  # the replicas stay identical
        torch.testing.assert_close(a, c, rtol=1e-5, atol=1e-6)  # and equal one process on the global batch
    assert ranks[0]["loss"] == ranks[1]["loss"]
    assert ranks[0]["loss"][0] == pytest.approx(history["train_loss"][0], rel=1e-5)


def test_fp16_trains_through_a_gradient_scaler_and_checkpoints_it(tmp_path, monkeypatch):
    """The CUDA-without-bf16 path, run on the CPU: fp16 autocast, scaled backward, unscale before clipping."""
    import lib.train.loop as loop_module

    x, y = _data()
    losses = {}
    for precision in ("fp32", "fp16"):
        monkeypatch.setattr(loop_module, "resolve_precision", lambda p, d, chosen=precision: chosen)
        model = _model()
        path = tmp_path / f"{precision}.pt"
        history = train(model, [(x, y)], optimizer=torch.optim.SGD(model.parameters(), lr=0.5),
                        loss_fn=nn.functional.cross_entropy, steps=20, log_every=5, grad_clip=1.0, progress=False,
                        checkpoint_path=path, checkpoint_every=10)  # fmt: skip
        losses[precision] = history["train_loss"]
        saved = torch.load(path, weights_only=True)["scaler"]
        assert (saved is None) == (precision == "fp32")
    assert saved["scale"] > 1 and saved["_growth_tracker"] > 0  # the fp16 run scaled its losses
    assert losses["fp16"][-1] < losses["fp16"][0]
    torch.testing.assert_close(torch.tensor(losses["fp16"]), torch.tensor(losses["fp32"]), rtol=2e-2, atol=2e-3)


def test_history_keeps_steps_and_round_trips_through_its_state():
    from lib.train.history import History

    history = History()
    history.log(5, loss=1.0)
    history.log(10, loss=0.5, acc=0.9)
    assert history["loss"] == [1.0, 0.5] and history.steps_of("loss") == [5, 10] and "acc" in history
    copy = History()
    copy.load_state_dict(history.state_dict())
    assert copy == history
    with pytest.raises(KeyError, match="no metric 'x'"):
        history.steps_of("x")
    with pytest.raises(ValueError, match="state must be a dict with 'metrics' and 'steps'"):
        copy.load_state_dict({"metrics": {}})


def test_distributed_helpers_without_a_process_group_describe_one_process():
    from lib.train import distributed

    assert (distributed.rank(), distributed.world_size(), distributed.is_main()) == (0, 1, True)
    assert not distributed.is_distributed()
    values = torch.tensor([1.0, 2.0])
    assert distributed.mean_across_processes(values) is values
    distributed.barrier()  # nothing to wait for


def test_source_state_restores_a_dataloaders_shuffle():
    from lib.train.batches import restore_source_state, source_state

    x, y = _data(n=20)
    loader = make_batches(x, y, 5, seed=2)
    state = source_state(loader)
    first = [b[0][:, 0].tolist() for b in loader]
    second = [b[0][:, 0].tolist() for b in loader]
    assert first != second  # a new order each epoch
    restore_source_state(loader, state)
    assert [b[0][:, 0].tolist() for b in loader] == first
    assert source_state([(x, y)]) == {}
    with pytest.raises(ValueError, match="batch source has no generator"):
        restore_source_state([(x, y)], state)


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_a_run_repeats_exactly_from_the_same_seed(tmp_path, dropout):
    """Determinism on the CPU: the same seed gives bit-identical weights and logged numbers. Another global seed
    changes the run only through dropout: weights and batches are seeded by the run itself."""
    runs = []
    for seed in (3, 3, 4):
        torch.manual_seed(seed)
        runs.append(_resumable_run(tmp_path / str(len(runs)), steps=12, resume=False, dropout=dropout))
    (first, first_history), (again, again_history), (other, _) = runs
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), again.parameters(), strict=True))
    assert first_history.metrics == again_history.metrics
    assert torch.equal(next(first.parameters()), next(other.parameters())) == (dropout == 0.0)
