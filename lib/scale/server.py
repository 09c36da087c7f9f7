"""A minimal batched inference service (推理服务) on localhost: HTTP requests gathered into batches for one model.

Each POST to ``/predict`` carries one example as JSON, ``{"input": [...]}``. Handler threads put
the parsed examples on a queue; one batching thread takes up to ``max_batch_size`` of them, waiting
at most ``max_wait_s`` after the first for more, runs the model once on the stacked batch, and hands
every request its own row of the output. Bad requests (malformed JSON, a wrong shape) get a 400
with a message that says what was wrong, and the server keeps serving. Standard library only.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch

from lib.core.validate import non_negative_number, positive_int, positive_number

Predict = Callable[[torch.Tensor], torch.Tensor]


class RequestError(ValueError):
    """A request the server refuses, with the HTTP status and the message sent back."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _Pending:
    """One example waiting for the batcher: its input row, and where the answer goes."""

    row: torch.Tensor
    done: threading.Event = field(default_factory=threading.Event)
    output: list | None = None
    batch_size: int = 0
    error: str | None = None


def parse_example(body: bytes, input_shape: Sequence[int]) -> torch.Tensor:
    """The request body ``{"input": [...]}`` as a float tensor of ``input_shape``, else a RequestError (400)."""
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise RequestError(400, f"body is not valid JSON: {err}") from None
    if not isinstance(payload, dict) or "input" not in payload:
        raise RequestError(400, 'body must be a JSON object with the key "input"')
    try:
        row = torch.tensor(payload["input"], dtype=torch.float32)
    except (TypeError, ValueError) as err:
        raise RequestError(400, f"input must be a (nested) list of numbers: {err}") from None
    if tuple(row.shape) != tuple(input_shape):
        raise RequestError(400, f"input must have shape {list(input_shape)}, got {list(row.shape)}")
    if not torch.isfinite(row).all():
        raise RequestError(400, "input must hold finite numbers")
    return row


class _Listener(ThreadingHTTPServer):
    """A threading HTTP server with a listen backlog long enough for many clients connecting at once."""

    request_queue_size = 256  # socketserver's default of 5 resets connections under a burst of clients
    daemon_threads = True


class BatchingServer:
    """Serve ``predict`` (a batch of inputs to a batch of outputs) over HTTP on ``host``, batching requests.

    ``port=0`` lets the system pick a free port (read ``.port`` or ``.url`` after ``start``). Use it as
    a context manager, or call ``start`` and ``stop``; ``stop`` closes the socket, so the port is free
    again. ``stats`` counts the batches run and their sizes.
    """

    def __init__(
        self,
        predict: Predict,
        input_shape: Sequence[int],
        max_batch_size: int = 16,
        max_wait_s: float = 0.002,
        host: str = "127.0.0.1",
        port: int = 0,
        request_timeout_s: float = 30.0,
    ) -> None:
        if not callable(predict):
            raise TypeError(f"predict must be callable, got {type(predict).__name__}")
        self.predict = predict
        self.input_shape = tuple(positive_int("input_shape entries", int(s)) for s in input_shape)
        self.max_batch_size = positive_int("max_batch_size", max_batch_size)
        self.max_wait_s = non_negative_number("max_wait_s", max_wait_s)
        self.request_timeout_s = positive_number("request_timeout_s", request_timeout_s)
        if not isinstance(port, int) or not 0 <= port < 65536:
            raise ValueError(f"port must be an int in [0, 65536), got {port!r}")
        self.host, self._requested_port = host, port
        self._queue: queue.Queue[_Pending] = queue.Queue()
        self._stop = threading.Event()
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self.batch_sizes: list[int] = []
        self._threads_for_model = 1

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> BatchingServer:
        """Bind the port and start the HTTP and batching threads; returns self."""
        if self._http is not None:
            raise RuntimeError("the server is already running")
        self._stop.clear()
        self._threads_for_model = torch.get_num_threads()  # OpenMP settings are per thread: pass ours on
        self._http = _Listener((self.host, self._requested_port), self._handler_class())
        self._threads = [
            threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True),
            threading.Thread(target=self._batch_loop, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, answer what is still queued with an error, join the threads and free the port."""
        if self._http is None:
            return
        self._stop.set()
        self._http.shutdown()
        self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            pending.error = "server stopped"
            pending.done.set()
        self._http, self._threads = None, []

    def __enter__(self) -> BatchingServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is started and its threads are alive."""
        return self._http is not None and all(t.is_alive() for t in self._threads)

    @property
    def port(self) -> int:
        """The port the server listens on (chosen by the system when 0 was asked)."""
        if self._http is None:
            raise RuntimeError("the server is not running: call start() first")
        return self._http.server_address[1]

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        return f"http://{self.host}:{self.port}"

    # -- batching --------------------------------------------------------------------------------
    def _gather(self) -> list[_Pending]:
        """Block for a first request, then take more until the batch is full or max_wait_s has passed."""
        try:
            first = self._queue.get(timeout=0.05)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.perf_counter() + self.max_wait_s
        while len(batch) < self.max_batch_size:
            left = deadline - time.perf_counter()
            try:
                batch.append(self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _batch_loop(self) -> None:
        torch.set_num_threads(self._threads_for_model)  # else a new thread may start a pool of its own
        while not self._stop.is_set():
            batch = self._gather()
            if not batch:
                continue
            try:
                with torch.no_grad():
                    outputs = self.predict(torch.stack([p.row for p in batch]))
                if outputs.shape[0] != len(batch):
                    raise RuntimeError(f"predict returned {outputs.shape[0]} rows for a batch of {len(batch)}")
                rows = outputs.detach().cpu().tolist()
                self.batch_sizes.append(len(batch))
                for pending, row in zip(batch, rows, strict=True):
                    pending.output, pending.batch_size = row, len(batch)
            except Exception as err:  # the model failed: tell every request of the batch, keep serving
                for pending in batch:
                    pending.error = f"model error: {type(err).__name__}: {err}"
            for pending in batch:
                pending.done.set()

    # -- HTTP ------------------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep notebooks and tests quiet
                pass

            def _send(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                if self.path == "/health":
                    self._send(200, {"status": "ok", "max_batch_size": server.max_batch_size})
                else:
                    self._send(404, {"error": f"unknown path {self.path!r}; GET /health or POST /predict"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path != "/predict":
                    self._send(404, {"error": f"unknown path {self.path!r}; POST /predict"})
                    return
                try:
                    row = parse_example(body, server.input_shape)
                except RequestError as err:
                    self._send(err.status, {"error": str(err)})
                    return
                pending = _Pending(row)
                server._queue.put(pending)
                if not pending.done.wait(server.request_timeout_s):
                    self._send(503, {"error": "timed out waiting for the model"})
                elif pending.error is not None:
                    self._send(500 if pending.error.startswith("model") else 503, {"error": pending.error})
                else:
                    self._send(200, {"output": pending.output, "batch_size": pending.batch_size})

        return Handler


def post_json(url: str, payload: object, timeout_s: float = 30.0) -> tuple[int, dict]:
    """POST ``payload`` (JSON-encoded unless it is bytes) to ``url``; return (HTTP status, decoded JSON reply)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=positive_number("timeout_s", timeout_s)) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


@dataclass(frozen=True)
class LoadReport:
    """Latencies (seconds, one per request) and throughput of a load test, with the batch sizes served."""

    latencies_s: tuple[float, ...]
    wall_s: float
    batch_sizes: tuple[int, ...]
    statuses: tuple[int, ...]

    def percentile_ms(self, q: float) -> float:
        """The q-th percentile (0-100) of the latencies, in milliseconds."""
        values = torch.tensor(self.latencies_s, dtype=torch.float64)
        return torch.quantile(values, q / 100).item() * 1e3

    @property
    def throughput(self) -> float:
        """Requests answered per second over the whole test."""
        return len(self.latencies_s) / self.wall_s

    @property
    def mean_batch_size(self) -> float:
        """Mean number of requests per model call."""
        return sum(self.batch_sizes) / max(len(self.batch_sizes), 1)


def load_test(server: BatchingServer, inputs: torch.Tensor, n_clients: int = 16) -> LoadReport:
    """Send every row of ``inputs`` as one request, from ``n_clients`` concurrent threads; time each request."""
    clients = positive_int("n_clients", n_clients)
    if not isinstance(inputs, torch.Tensor) or tuple(inputs.shape[1:]) != server.input_shape:
        raise ValueError(f"inputs must be a tensor of shape (n, {', '.join(map(str, server.input_shape))})")
    url = server.url + "/predict"
    rows = inputs.tolist()
    first_batch = len(server.batch_sizes)

    def one(row: list) -> tuple[float, int]:
        start = time.perf_counter()
        status, _ = post_json(url, {"input": row})
        return time.perf_counter() - start, status

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, rows))
    wall = time.perf_counter() - start
    return LoadReport(
        tuple(r[0] for r in results), wall, tuple(server.batch_sizes[first_batch:]), tuple(r[1] for r in results)
    )
