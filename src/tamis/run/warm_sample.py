"""The warm-up's sample of URL inputs, read by the driver and handed to the forkserver.

The forkserver warms every stage on one document of each language a sample of the input holds
(:mod:`tamis.run.warm_languages`), so that the pool's workers are forked with those languages'
resources loaded and share them. It reads local files itself, but it must make no request: the
storage clients' threads would not survive the fork, and the run's storage options (its
credentials) are never put in the forkserver's environment. Without a sample of a URL input,
each worker loaded the resources of the languages it met for itself, and held its own copy (on
Reuters, S3 workers held 376 MB private against 309 MB for the same run on local files).

The driver, which reads the input anyway, reads the sample once it has listed the inputs and
hands the documents over a Unix socket in a private folder: the forkserver connects when its
warm-up reaches the languages and reads until the driver closes. Only the documents cross:
their id, text, source and fields, never an option or a credential. Whatever goes wrong (the
driver fails before its sample, the forkserver gives up) leaves the other side with no
sample: the workers then load what they meet, as before.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import weakref
from typing import Any

import orjson

#: How long either side waits for the other, at most: the forkserver for the driver's sample
#: (the pool's workers are forked only once it has it), the driver for the forkserver to ask.
WAIT_SECONDS = 120.0


class SampleHandoff:
    """The driver's end: a listening socket the forkserver is told the address of."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="tamis-warm-")  # mode 0700: the driver's alone
        self.address = os.path.join(self.folder, "sample")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.address)
        self.listener.listen(1)
        self.listener.settimeout(WAIT_SECONDS)
        self._lock = threading.Lock()
        # a handoff dropped unused (a caller with no sample to send) leaves no folder behind
        weakref.finalize(self, shutil.rmtree, self.folder, True)

    def send(self, files: list[str], pipeline: Any, options: Any) -> None:
        """Read the sample of the URL files among ``files`` (when ``pipeline`` identifies
        languages) and hand it over on a thread, which ends once the forkserver has it."""
        from tamis.io import storage
        from tamis.run.warm_languages import language_identifier, sample_files

        urls = [f for f in files if storage.is_url(f)]
        if not urls or language_identifier(pipeline) is None:
            self.close()  # the forkserver asks for no sample then, or finds no one to answer
            return
        try:
            payload = encode(sample_files(urls, options))
        except Exception:  # noqa: BLE001 (an unreadable input: the run's tasks will say so)
            payload = b"[]"
        threading.Thread(
            target=self._serve, args=(payload,), name="warm-sample", daemon=True
        ).start()

    def _serve(self, payload: bytes) -> None:
        try:
            conn, _ = self.listener.accept()
            with conn:
                conn.settimeout(WAIT_SECONDS)
                conn.sendall(payload)
        except OSError:  # the forkserver gave up, or the run ended first
            pass
        finally:
            self.close()

    def close(self) -> None:
        """Stop listening and remove the socket's folder (twice is harmless)."""
        with self._lock:
            if self.listener.fileno() != -1:
                try:
                    self.listener.shutdown(socket.SHUT_RDWR)  # wakes a thread in accept()
                except OSError:
                    pass
                self.listener.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> SampleHandoff:
        return self

    def __exit__(self, *exc: object) -> None:
        # the run is over: a forkserver still waiting has no pool to warm any more
        self.close()


def encode(docs: list[Any]) -> bytes:
    """The documents as JSON: id, text, source and fields (fields a JSON document cannot hold
    are left out: they only steer which resources a stage loads)."""
    rows = []
    for d in docs:
        try:
            rows.append(orjson.dumps([d.id, d.text, d.source, d.meta]))
        except TypeError:
            rows.append(orjson.dumps([d.id, d.text, d.source, {}]))
    return b"[" + b",".join(rows) + b"]"


def decode(raw: bytes) -> list[Any]:
    """The documents :func:`encode` wrote, as a reader gives them."""
    from tamis.document import KEPT_VERDICT, Document

    return [
        Document(rid, text, source, meta, [], {}, KEPT_VERDICT)
        for rid, text, source, meta in orjson.loads(raw)
    ]


def receive(address: str) -> list[Any]:
    """The forkserver's end: the driver's sample from ``address`` (none when the driver hands
    none over in time)."""
    chunks: list[bytes] = []
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(WAIT_SECONDS)
            conn.connect(address)
            while data := conn.recv(1 << 20):
                chunks.append(data)
        return decode(b"".join(chunks))
    except (OSError, ValueError, TypeError):  # no sample, or a cut one: the workers load
        return []
