"""``s3://`` through obstore: a compiled S3 client that a process imports in a twentieth of
a second and about 13 MB, where the s3fs stack (botocore, aiobotocore, aiohttp) takes one or
two seconds and 50-60 MB in every process that touches a bucket.

This module owns the obstore stores, one per process, bucket and options. It serves a URL only
when obstore can carry its credentials as given: explicit keys (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, or ``key`` and ``secret`` in ``storage_options``) or anonymous
access, and no profile; profiles, SSO and the shared config files stay with s3fs, which reads
them as the AWS tools do (:func:`usable` decides, :mod:`tamis.io.storage` routes).

obstore's own retries are off: each request is retried here, with exponential backoff and
jitter, and each transient failure is counted (:func:`tamis.io.storage.count`, then
``run.json``). A read that fails mid-stream goes on with a range request from the byte it
reached, conditional on the object's ETag; a write is repeated whole; a refused conditional
write is an answer, never retried.
"""

from __future__ import annotations

import io
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from tamis.io import storage

T = TypeVar("T")

#: storage_options keys (s3fs's spelling) and the obstore setting each one is
OPTION_NAMES = {
    "endpoint_url": "endpoint",
    "key": "access_key_id",
    "secret": "secret_access_key",
    "token": "session_token",
}
BACKOFF_FIRST = 0.1  # seconds before the first retry; doubled each time, with full jitter
BACKOFF_MOST = 20.0  # the longest wait between two tries (botocore's standard mode's cap)
#: what a streamed GET hands over at a time (a reader holds about two of them): 256 kB read a
#: 28 MB object for the same CPU as 1 MB (local server) and peaked 3-4 MB lower
STREAM_CHUNK = 256 << 10
UPLOAD_BLOCK = 64 << 10  # what an upload reads from its local file at a time
CONNECT_TIMEOUT = "10s"
READ_TIMEOUT = "30s"  # the longest a request waits for its next bytes (see :func:`store`)
REQUEST_TIMEOUT = "30m"  # a request's whole life: a streamed GET read at a worker's pace
_STORES: dict[tuple, Any] = {}
_STORES_LOCK = threading.Lock()
_STATUS = re.compile(r"status code: (\d{3})")


class Refused(Exception):
    """A conditional write whose condition failed: the object exists, or changed."""


def _settings(options: dict[str, Any]) -> dict[str, Any] | None:
    """obstore's settings for these ``storage_options`` and the environment, or None when
    obstore cannot carry them (a profile, a botocore session, an option it has no word for)."""
    opts = dict(options)
    client = opts.pop("client_kwargs", None) or {}
    region = client.get("region_name")
    config = opts.pop("config_kwargs", None) or {}
    if set(client) - {"region_name"} or set(config) - {"retries"}:
        return None  # botocore settings obstore has no word for: s3fs carries them
    if opts.get("profile") or opts.get("session"):
        return None
    anon = bool(opts.pop("anon", False))
    out: dict[str, Any] = {}
    for name, value in opts.items():
        if name not in OPTION_NAMES:
            return None
        out[OPTION_NAMES[name]] = value
    given = {"access_key_id", "secret_access_key"} & set(out)
    if anon:
        out["skip_signature"] = True
    elif len(given) == 1:
        return None  # half a key pair: s3fs refuses it as botocore does, in one clear line
    elif not given:
        if os.environ.get("AWS_PROFILE") or not (
            os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY")
        ):
            return None  # a profile, the config files, SSO or a role: s3fs finds those
    if region:
        out["region"] = region
    return out


def usable(options: dict[str, Any]) -> bool:
    """Whether ``s3://`` URLs with these ``storage_options`` go through obstore here."""
    if _settings(options) is None:
        return False
    try:
        import obstore  # noqa: F401
    except ImportError:
        return False
    return True


def endpoint(options: dict[str, Any]) -> str | None:
    """The endpoint URL requests go to when not AWS's own (options first, then the env)."""
    return options.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL")


def store(url: str, options: dict[str, Any]) -> Any:
    """The obstore store of ``url``'s bucket (one per process, bucket and options).

    One client serves short requests and streamed reads alike: obstore's ``timeout`` runs
    from a request's start to the end of its body (30 s by default), too short for a GET
    streamed while a worker reads its records at its own pace, so it is
    :data:`REQUEST_TIMEOUT`, and a stalled request is caught by :data:`READ_TIMEOUT` instead,
    which restarts with every byte received (a stream waiting on its reader is not stalled:
    the clock runs only while a read waits on the server). A second client for streams would
    hold its own connection pool and TLS roots in every worker."""
    from obstore.store import S3Store

    bucket = storage.strip(url).split("/", 1)[0]
    settings = _settings(options) or {}
    given = tuple(sorted((k, str(v)) for k, v in settings.items()))
    # what the environment gives too: a store made before it changed is not this one
    env = tuple(os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_REGION"))
    key = (os.getpid(), bucket, given, env)
    with _STORES_LOCK:
        found = _STORES.get(key)
        if found is None:
            where = settings.pop("endpoint", None) or endpoint(options)
            client: dict[str, Any] = {
                "connect_timeout": CONNECT_TIMEOUT,
                "read_timeout": READ_TIMEOUT,
                "timeout": REQUEST_TIMEOUT,
            }
            if where and where.startswith("http://"):
                client["allow_http"] = True
            retry = {"max_retries": 0, "retry_timeout": timedelta(seconds=0)}
            found = S3Store(
                bucket,
                config=settings,
                endpoint=where,
                client_options=client,
                retry_config=retry,  # type: ignore[arg-type]
            )
            _STORES[key] = found
    return found


def path_of(url: str) -> str:
    """The object key of ``url`` (empty for the bucket itself)."""
    return storage.strip(url).split("/", 1)[1].strip("/") if "/" in storage.strip(url) else ""


# --- errors and retries ----------------------------------------------------------------------


def _transient(exc: BaseException) -> str | None:
    """What kind of transient failure ``exc`` is (the name counted), or None."""
    from obstore.exceptions import GenericError

    if not isinstance(exc, GenericError | OSError) or isinstance(exc, FileNotFoundError):
        return None
    text = str(exc)
    found = _STATUS.search(text)
    if found:
        status = int(found.group(1))
        if status in (429, 503):
            return "throttled"
        return "server_errors" if status >= 500 else None
    lowered = text.lower()
    if any(w in lowered for w in ("error sending request", "connection", "timed out", "body")):
        return "dropped_connections"
    return None


def plain_error(exc: BaseException, url: str) -> BaseException:
    """``exc`` as the built-in error :func:`tamis.io.storage.storage_errors` words (obstore's
    messages carry request details; none of them carries a credential, but ours name the URL)."""
    from obstore.exceptions import (
        AlreadyExistsError,
        GenericError,
        PermissionDeniedError,
        PreconditionError,
        UnauthenticatedError,
    )

    if isinstance(exc, FileNotFoundError):
        return FileNotFoundError(url)
    if isinstance(exc, PreconditionError | AlreadyExistsError):
        return Refused(url)
    if isinstance(exc, PermissionDeniedError | UnauthenticatedError):
        return PermissionError(url)
    if isinstance(exc, GenericError):
        text = str(exc)
        found = _STATUS.search(text)
        status = int(found.group(1)) if found else 0
        if "NoSuchBucket" in text:
            return OSError(f"{url}: no such bucket")
        if status in (401, 403):
            return PermissionError(url)
        if status == 404:
            return FileNotFoundError(url)
        if _transient(exc) == "dropped_connections":
            return ConnectionError(url)
        # an OSError like those of the fsspec clients, so that callers catch both alike
        return OSError(f"{url}: {text.splitlines()[0] if text else type(exc).__name__}")
    return exc


def retrying(url: str, call: Callable[[], T]) -> T:
    """``call()``, retried with backoff on transient failures (each counted) up to
    :data:`tamis.io.storage.RETRY_ATTEMPTS` tries; any other failure raised as a plain error."""
    for attempt in range(storage.RETRY_ATTEMPTS):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - sorted: transient ones retried, others raised
            kind = _transient(exc)
            if kind is None or attempt == storage.RETRY_ATTEMPTS - 1:
                raise plain_error(exc, url) from None
            storage.count(kind)
            backoff(attempt)
    raise AssertionError("unreachable")


def backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, min(BACKOFF_MOST, BACKOFF_FIRST * 2**attempt)))


# --- reading ---------------------------------------------------------------------------------


class ObjectReader(io.RawIOBase):
    """A seekable raw stream over one object: one GET streamed from where the reader stands,
    kept while reads go on in order; a seek elsewhere starts another from there. A stream that
    breaks is taken up again by a range GET from the byte reached, conditional on the ETag
    (a changed object is an error, never a splice of two versions)."""

    def __init__(self, url: str, st: Any, meta: dict[str, Any] | None) -> None:
        super().__init__()
        self.url, self._store, self._key = url, st, path_of(url)
        # without ``meta`` (a download to a file), the first GET's reply gives both
        self.size: int | None = int(meta["size"]) if meta else None
        self.etag: str | None = meta.get("e_tag") if meta else None
        self._pos = 0
        self.received = 0  # bytes the server sent, all streams together
        self._chunks: Iterator[Any] | None = None
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 2 and self.size is None:
            self.size = int(head_of(self.url, self._store)["size"])
        target = {0: offset, 1: self._pos + offset, 2: (self.size or 0) + offset}[whence]
        if target != self._pos:
            self._chunks, self._left = None, memoryview(b"")
            self._pos = max(0, target)
        return self._pos

    def _open(self) -> None:
        import obstore

        options: dict[str, Any] = {"range": {"offset": self._pos}} if self._pos else {}
        if self.etag:
            options["if_match"] = self.etag
        reply = obstore.get(self._store, self._key, options=options)  # type: ignore[arg-type]
        if self.etag is None:
            self.size, self.etag = int(reply.meta["size"]), reply.meta.get("e_tag")
        self._chunks = iter(reply.stream(min_chunk_size=STREAM_CHUNK))

    def _next_chunk(self) -> bool:
        """Fill ``_left`` with the next bytes of the object; False at its end. A broken stream
        is dropped, and the retry opens another from the byte reached."""

        def step() -> Any:
            try:
                if self._chunks is None:
                    self._open()
                return next(self._chunks, None)  # type: ignore[arg-type]
            except Exception:
                self._chunks = None
                raise

        chunk = retrying(self.url, step)
        if chunk is None:
            self._chunks = None
            return False
        self._left = memoryview(chunk)
        self.received += len(chunk)
        return True

    def readinto(self, buffer: Any) -> int:
        if self.size is not None and self._pos >= self.size:
            return 0
        if not self._left and not self._next_chunk():
            return 0
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        self._pos += n
        return n

    def close(self) -> None:
        self._chunks, self._left = None, memoryview(b"")
        super().close()


class ObjectFile(io.BufferedReader):
    """:class:`ObjectReader` buffered; ``received`` says how many bytes came over the wire."""

    @property
    def received(self) -> int:
        return self.raw.received


def open_input(url: str, options: dict[str, Any]) -> tuple[ObjectFile, dict[str, Any]]:
    """A buffered reader of the object ``url`` and its details (size, ETag)."""

    meta = head(url, options)
    reader = ObjectReader(url, store(url, options), meta)
    return ObjectFile(reader, buffer_size=STREAM_CHUNK), meta


def head(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """The object's size and ETag (FileNotFoundError when there is none)."""
    return head_of(url, store(url, options))


def head_of(url: str, st: Any) -> dict[str, Any]:
    import obstore

    return retrying(url, lambda: obstore.head(st, path_of(url)))


def read_bytes(url: str, options: dict[str, Any]) -> tuple[bytes, str | None]:
    """The object's bytes and the ETag they are of."""
    import obstore

    st = store(url, options)

    def whole() -> tuple[bytes, str | None]:
        reply = obstore.get(st, path_of(url))
        return bytes(reply.bytes()), reply.meta.get("e_tag")

    return retrying(url, whole)


def get_file(url: str, local: Path, options: dict[str, Any]) -> None:
    """Stream the object to the local file ``local`` (FileNotFoundError when there is none):
    one GET, no HEAD before it (a run pulls many small work files)."""
    raw = ObjectReader(url, store(url, options), None)
    with ObjectFile(raw, buffer_size=STREAM_CHUNK) as reader, open(local, "wb") as out:
        while block := reader.read(STREAM_CHUNK):
            out.write(block)


def listing(url: str, options: dict[str, Any]) -> list[dict[str, Any]]:
    """Every object under the folder ``url`` (recursively), with its details."""
    import obstore

    st = store(url, options)
    prefix = path_of(url) or None

    def every() -> list[dict[str, Any]]:
        return [m for chunk in obstore.list(st, prefix=prefix, chunk_size=1000) for m in chunk]

    return retrying(url, every)


def children(url: str, options: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The object names and the folder names directly under the folder ``url``."""
    import obstore

    st = store(url, options)
    prefix = path_of(url) or None
    found = retrying(url, lambda: obstore.list_with_delimiter(st, prefix=prefix))
    names = [m["path"].rsplit("/", 1)[-1] for m in found["objects"]]
    return names, [p.rstrip("/").rsplit("/", 1)[-1] for p in found["common_prefixes"]]


def glob(url: str, options: dict[str, Any]) -> list[str]:
    """The objects matching the glob ``url`` (``*`` and ``?`` within a name, ``**`` across
    folders, ``[...]`` a set), and every object under a folder that matches, as fsspec's glob
    and find do."""
    key = path_of(url)
    fixed = re.split(r"[*?\[]", key, maxsplit=1)[0]
    base = fixed.rsplit("/", 1)[0] if "/" in fixed else ""
    bucket_url = f"{storage.scheme(url)}://{storage.strip(url).split('/', 1)[0]}"
    pattern = re.compile(_glob_regex(key) + "(/.*)?")
    found = listing(str(storage.join(bucket_url, base)), options)
    return sorted(
        f"{bucket_url}/{m['path']}" for m in found if pattern.fullmatch(m["path"]) is not None
    )


def _glob_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                inner = pattern[i + 1 : end]
                out.append("[" + ("^" + inner[1:] if inner.startswith("!") else inner) + "]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


# --- writing ---------------------------------------------------------------------------------


def put_file(local: Path, url: str, options: dict[str, Any]) -> None:
    """Upload ``local`` to ``url``: read in :data:`UPLOAD_BLOCK` blocks into one
    :data:`tamis.io.storage.UPLOAD_PART` buffer, sent as one PUT when the file fits in it and
    as parts of that size, one in flight, past it. Handed the file's path instead, obstore
    reads a part ahead while one is sent: twice the memory, for no speed a worker would see.
    An upload that fails on the way publishes nothing (the object appears only when the last
    part is in) and is repeated whole."""
    import obstore

    st = store(url, options)
    if not local.exists():
        raise FileNotFoundError(f"{local}: no such file to write to {url}")

    def upload() -> None:
        with (
            open(local, "rb") as source,
            obstore.open_writer(
                st, path_of(url), buffer_size=storage.UPLOAD_PART, max_concurrency=1
            ) as sink,
        ):
            while block := source.read(UPLOAD_BLOCK):
                sink.write(block)

    retrying(url, upload)


def put_bytes(url: str, data: bytes, options: dict[str, Any], etag: str | None = "") -> str:
    """Write ``data`` to ``url`` and return its new ETag. With ``etag`` None the write is
    create-only; with an ETag, only over that version. A refused condition raises
    :class:`Refused`, not retried: it is the answer."""
    import obstore

    st = store(url, options)
    mode: Any = None
    if etag is None:
        mode = "create"
    elif etag:
        mode = {"e_tag": etag}
    result = retrying(url, lambda: obstore.put(st, path_of(url), data, mode=mode))
    return str(result["e_tag"] or "")


def delete(urls: list[str], options: dict[str, Any]) -> None:
    """Delete the objects (missing ones are no error)."""
    import obstore

    if not urls:
        return
    st = store(urls[0], options)
    keys = [path_of(u) for u in urls]
    retrying(urls[0], lambda: obstore.delete(st, keys))


def many(calls: list[Callable[[], Any]]) -> list[Any]:
    """Each call's result (or the error it raised), :data:`tamis.io.storage.CONCURRENT` at a
    time on threads: obstore's calls let go of the GIL while they wait."""
    if len(calls) <= 1:
        return [_result(c) for c in calls]
    with ThreadPoolExecutor(min(storage.CONCURRENT, len(calls))) as pool:
        return list(pool.map(_result, calls))


def _result(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - handed back to be sorted by the caller
        return exc
