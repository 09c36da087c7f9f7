import os
import pickle

import pytest
import torch

from lib.core.checkpoint import CACHE_ENV, cache_dir, load_checkpoint, save_checkpoint


def test_round_trip_keeps_tensors_and_metadata(tmp_path):
    model = torch.nn.Linear(3, 2)
    path = save_checkpoint(tmp_path / "sub" / "model.pt", {"model": model.state_dict(), "step": 7, "name": "x"})
    state = load_checkpoint(path)
    assert state["step"] == 7 and state["name"] == "x"
    for key, value in model.state_dict().items():
        assert torch.equal(state["model"][key], value)


def test_save_leaves_no_temporary_files(tmp_path):
    save_checkpoint(tmp_path / "a.pt", {"x": torch.ones(2)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pt"]


def test_failed_save_keeps_the_old_file_intact(tmp_path):
    path = save_checkpoint(tmp_path / "a.pt", {"x": torch.ones(2)})
    before = path.read_bytes()

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("cannot pickle")

    with pytest.raises(RuntimeError, match="cannot pickle"):
        save_checkpoint(path, {"x": Unpicklable()})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pt"]


def test_state_must_be_a_dict(tmp_path):
    with pytest.raises(TypeError, match="state must be a dict"):
        save_checkpoint(tmp_path / "a.pt", [torch.ones(1)])


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "nope.pt")


class _Payload:
    def __reduce__(self):
        return (os.getcwd, ())


def test_load_refuses_pickled_code(tmp_path):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as handle:
        torch.save({"x": _Payload()}, handle, pickle_module=pickle)
    with pytest.raises(ValueError, match="not a weights-only checkpoint"):
        load_checkpoint(path)


def test_load_refuses_a_non_dict(tmp_path):
    path = tmp_path / "list.pt"
    torch.save([torch.ones(1)], path)
    with pytest.raises(ValueError, match="expected a dict"):
        load_checkpoint(path)


def test_cache_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache"
    assert cache_dir().is_dir()
