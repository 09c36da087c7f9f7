"""Tests of lib.scale.server: the batched inference service starts, answers, refuses bad requests and stops cleanly."""

import socket

import pytest
import torch
from torch import nn

from lib.scale.server import BatchingServer, RequestError, load_test, parse_example, post_json


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).eval()


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_server_answers_like_the_model_and_survives_bad_requests_then_frees_its_port():
    model = _model()
    server = BatchingServer(model, input_shape=(4,), max_batch_size=4, max_wait_s=0.001).start()
    port, threads = server.port, list(server._threads)
    try:
        assert not _port_is_free(port)
        x = torch.randn(4)
        status, reply = post_json(server.url + "/predict", {"input": x.tolist()})
        assert status == 200 and reply["batch_size"] == 1
        torch.testing.assert_close(torch.tensor(reply["output"]), model(x[None])[0].detach())

        status, reply = post_json(server.url + "/predict", b"{not json")
        assert status == 400 and "not valid JSON" in reply["error"]
        status, reply = post_json(server.url + "/predict", {"input": [1.0, 2.0]})
        assert status == 400 and "shape [4]" in reply["error"] and "got [2]" in reply["error"]
        status, reply = post_json(server.url + "/predict", {"inputs": [1.0] * 4})
        assert status == 400 and '"input"' in reply["error"]
        status, reply = post_json(server.url + "/other", {"input": [1.0] * 4})
        assert status == 404

        status, reply = post_json(server.url + "/predict", {"input": x.tolist()})  # still serving
        assert status == 200 and server.running
    finally:
        server.stop()
    assert not server.running
    assert _port_is_free(port)
    assert threads and not any(t.is_alive() for t in threads)  # the HTTP and batching threads have ended


def test_a_failing_model_gives_500_and_the_server_keeps_serving():
    calls = {"n": 0}

    def flaky(batch: torch.Tensor) -> torch.Tensor:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return batch.sum(dim=1, keepdim=True)

    with BatchingServer(flaky, input_shape=(2,), max_batch_size=1) as server:
        status, reply = post_json(server.url + "/predict", {"input": [1.0, 2.0]})
        assert status == 500 and "boom" in reply["error"]
        status, reply = post_json(server.url + "/predict", {"input": [1.0, 2.0]})
        assert status == 200 and reply["output"] == [3.0]
        port = server.port
    assert _port_is_free(port)


def test_concurrent_requests_are_batched_up_to_the_maximum_and_each_gets_its_own_row():
    model = _model()
    inputs = torch.randn(48, 4)
    with BatchingServer(model, input_shape=(4,), max_batch_size=8, max_wait_s=0.05) as server:
        report = load_test(server, inputs, n_clients=16)
        assert set(report.statuses) == {200}
        assert max(report.batch_sizes) <= 8 and sum(report.batch_sizes) == 48
        assert max(report.batch_sizes) > 1  # 16 clients at once, 50 ms to gather: some batching happened
        # every request got its own answer: check a few against the model
        for i in (0, 17, 47):
            status, reply = post_json(server.url + "/predict", {"input": inputs[i].tolist()})
            torch.testing.assert_close(torch.tensor(reply["output"]), model(inputs[i : i + 1])[0].detach())
    assert len(report.latencies_s) == 48 and report.throughput > 0
    assert report.percentile_ms(50) <= report.percentile_ms(99)
    assert 1 <= report.mean_batch_size <= 8


def test_a_batch_is_sent_after_max_wait_even_when_not_full():
    with BatchingServer(lambda b: b, input_shape=(1,), max_batch_size=64, max_wait_s=0.01) as server:
        status, reply = post_json(server.url + "/predict", {"input": [5.0]}, timeout_s=5)
    assert status == 200 and reply == {"output": [5.0], "batch_size": 1}


def test_parse_example_messages():
    torch.testing.assert_close(parse_example(b'{"input": [[1, 2]]}', (1, 2)), torch.tensor([[1.0, 2.0]]))
    for body, message in (
        (b"[1, 2]", '"input"'),
        (b'{"input": "abc"}', "numbers"),
        (b'{"input": [1, [2]]}', "numbers"),
        (b'{"input": [1, 2, 3]}', "shape [2]"),
        (b"\xff", "JSON"),
    ):
        with pytest.raises(RequestError, match=message.replace("[", r"\[").replace("]", r"\]")) as info:
            parse_example(body, (2,))
        assert info.value.status == 400


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="max_batch_size"):
        BatchingServer(lambda b: b, (1,), max_batch_size=0)
    with pytest.raises(ValueError, match="max_wait_s"):
        BatchingServer(lambda b: b, (1,), max_wait_s=-1)
    with pytest.raises(TypeError, match="predict"):
        BatchingServer("model", (1,))
    with pytest.raises(RuntimeError, match="start"):
        _ = BatchingServer(lambda b: b, (1,)).port
    with BatchingServer(lambda b: b, (1,)) as server:
        with pytest.raises(ValueError, match="inputs"):
            load_test(server, torch.zeros(3, 2))
        with pytest.raises(RuntimeError, match="already running"):
            server.start()
