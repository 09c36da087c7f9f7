"""The torchrun data-parallel demo: two CPU processes (gloo) train exactly like one process on the whole batch."""

from __future__ import annotations

import importlib.util

import pytest
import torch

from lib.core.checkpoint import load_checkpoint
from lib.train.ddp_demo import DemoConfig, launch, shard, single_process_run
from lib.train.distributed import is_wrapped

TINY = DemoConfig(n_layer=1, n_head=2, d_model=16, context=16, global_batch=4, steps=4)


@pytest.mark.skipif(
    importlib.util.find_spec("torch.distributed.run") is None or not torch.distributed.is_available(),
    reason="torch.distributed / torchrun is not available in this PyTorch build",
)
def test_two_process_ddp_and_fsdp_equal_single_process(tmp_path):
    results = launch(tmp_path, nproc=2, strategy="ddp,fsdp", config=TINY, timeout=120)
    reference, losses = single_process_run(TINY)
    assert results["backend"] == "gloo" and results["world_size"] == 2
    n = sum(p.numel() for p in reference.parameters())
    for strategy in ("ddp", "fsdp"):
        outcome = results[strategy]
        assert outcome["replica_max_diff"] == 0.0  # the two processes hold bitwise the same weights
        torch.testing.assert_close(torch.tensor(outcome["losses"]), torch.tensor(losses), rtol=0, atol=1e-5)
        trained = load_checkpoint(tmp_path / f"{strategy}.pt")
        for name, value in reference.state_dict().items():
            torch.testing.assert_close(trained[name], value, rtol=0, atol=1e-4)
        assert outcome["n_parameters"] == n
    ddp, fsdp = results["ddp"]["held_bytes"], results["fsdp"]["held_bytes"]
    assert all(h["weights"] == 4 * n and h["optimizer"] == 8 * n for h in ddp)  # every replica holds everything
    assert sum(h["weights"] for h in fsdp) == 4 * n  # FSDP: the shards add up to one copy
    assert all(h["weights"] < 0.6 * 4 * n and h["optimizer"] < 0.6 * 8 * n for h in fsdp)


def test_shard_splits_evenly_and_rejects_uneven():
    x = torch.arange(8).reshape(4, 2)
    first, second = shard((x, x + 100), 0, 2), shard((x, x + 100), 1, 2)
    assert torch.equal(torch.cat([first[0], second[0]]), x)
    with pytest.raises(ValueError, match="global_batch"):
        shard((x, x), 0, 3)


def test_demo_config_and_launch_reject_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="steps"):
        DemoConfig(steps=0)
    with pytest.raises(ValueError, match="strategy"):
        launch(tmp_path, strategy="zero")
    with pytest.raises(ValueError, match="nproc"):
        launch(tmp_path, nproc=0)


def test_is_wrapped_recognises_ddp_only_when_wrapped():
    assert not is_wrapped(torch.nn.Linear(2, 2))
