"""Where bytes live: a local path, or a URL on an object store read and written through fsspec.

Every input, OUT and ``--dedup-index`` may be a URL (``s3://``, ``gs://``, ``az://`` /
``abfs://``, ``hf://`` and ``http(s)://`` for reading). The file systems come from the field's
maintained packages, installed as extras (``tamis[s3]``, ``tamis[gcs]``, ``tamis[azure]``,
``tamis[hf]``, ``tamis[cloud]``); a local path never needs them. Credentials are found the way
each ecosystem finds them (AWS variables and profiles, Google and Azure defaults, ``HF_TOKEN``)
or given per run as ``storage_options``; none of them is ever part of a message, since
messages name the URL only.

``s3://`` goes through obstore (:mod:`tamis.io.s3_objects`, a compiled client, light to load
in every worker) whenever obstore can carry the run's credentials, else through s3fs like the
other schemes. Transient failures (throttling, 5xx, dropped connections) are retried with
backoff, by :mod:`tamis.io.s3_objects` or by the fsspec clients themselves (botocore's
``standard`` retry mode for s3fs); each one seen is counted here and the counts go to
``run.json``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import IO, Any

#: scheme -> (the package that serves it, the tamis extra that installs it)
SCHEMES: dict[str, tuple[str, str]] = {
    "s3": ("s3fs", "s3"),
    "s3a": ("s3fs", "s3"),
    "gs": ("gcsfs", "gcs"),
    "gcs": ("gcsfs", "gcs"),
    "az": ("adlfs", "azure"),
    "abfs": ("adlfs", "azure"),
    "abfss": ("adlfs", "azure"),
    "hf": ("huggingface_hub", "hf"),
    "http": ("aiohttp", "cloud"),
    "https": ("aiohttp", "cloud"),
}
READ_ONLY = ("hf", "http", "https")
RETRY_ATTEMPTS = 10  # botocore's standard mode: exponential backoff with jitter, capped at 20 s
CONCURRENT = 16  # requests in flight when many small objects move at once
UPLOAD_PART = 5 << 20  # multipart part size (S3's least): what an upload holds in memory at once
READ_BLOCK = 4 << 20  # read-ahead of a streamed input

_OPTIONS: dict[str, dict[str, Any]] = {}
_COUNTS: Counter = Counter()
_LOCK = threading.Lock()


class StorageError(Exception):
    """A URL that cannot be used (missing package, bucket or rights; bad endpoint): exit 2."""


def scheme(path: str | os.PathLike) -> str | None:
    """The URL scheme of ``path`` (``s3``, ``gs`` ...), or None for a local path."""
    text = os.fspath(path)
    head, sep, _ = text.partition("://")
    if not sep or not head.isalnum() or len(head) < 2:
        return None
    return head.lower()


def is_url(path: str | os.PathLike | None) -> bool:
    return path is not None and scheme(path) is not None


def join(base: str | Path, *parts: str) -> str | Path:
    """``base / part / ...`` for a local path (a Path) or a URL (a string)."""
    if not is_url(base):
        return Path(base).joinpath(*parts)
    return "/".join([str(base).rstrip("/"), *[p.strip("/") for p in parts if p]])


def set_options(options: dict[str, dict[str, Any]] | None) -> None:
    """Per-run options by scheme (``{"s3": {"endpoint_url": ...}}``), from the pipeline file."""
    _OPTIONS.clear()
    _OPTIONS.update(options or {})


def objects(url: str | os.PathLike) -> dict[str, Any] | None:
    """The storage options of ``url`` when obstore serves it (an ``s3://`` URL whose
    credentials obstore can carry, with obstore installed), else None: fsspec serves it."""
    proto = scheme(url)
    if proto not in ("s3", "s3a"):
        return None
    from tamis.io import s3_objects

    options = _OPTIONS.get(proto, {})
    return options if s3_objects.usable(options) else None


def client_packages(paths: list[str | os.PathLike]) -> list[str]:
    """What a process that will read or write the URLs among ``paths`` can import ahead: the
    installed packages serving them (none for local paths), and for S3 through s3fs a loaded
    session."""
    import importlib.util

    wanted = {
        "obstore" if objects(p) is not None else SCHEMES[proto][0]
        for p in paths
        if (proto := scheme(p)) in SCHEMES
    }
    found = sorted(p for p in wanted if importlib.util.find_spec(p) is not None)
    # S3's: with one botocore session whose service model every worker then shares
    return found + ["tamis.run.s3_session"] * ("s3fs" in found)


def _options_for(proto: str) -> dict[str, Any]:
    opts = dict(_OPTIONS.get(proto, {}))
    if proto in ("s3", "s3a"):
        warm = sys.modules.get("tamis.run.s3_session")  # imported ahead by the forkserver
        if warm is not None and not {"session", "profile"} & set(opts):
            opts["session"] = warm.SESSION
        cfg = dict(opts.pop("config_kwargs", {}) or {})
        cfg.setdefault("retries", {"max_attempts": RETRY_ATTEMPTS, "mode": "standard"})
        opts["config_kwargs"] = cfg
    if proto == "hf" and "token" not in opts and os.environ.get("HF_TOKEN"):
        opts["token"] = os.environ["HF_TOKEN"]
    return opts


def filesystem(url: str) -> Any:
    """The fsspec file system serving ``url`` (one per process and options, reused)."""
    proto = scheme(url)
    if proto is None:
        raise ValueError(f"not a URL: {url}")
    if proto not in SCHEMES:
        raise StorageError(
            f"{url}: unknown storage scheme {proto}://; known: "
            + ", ".join(f"{s}://" for s in SCHEMES if s != "memory")
        )
    package, extra = SCHEMES[proto]
    try:
        import fsspec

        __import__(package)
    except ImportError:
        raise StorageError(
            f"{url}: reading {proto}:// needs the {package} package; install it with "
            f"pip install 'tamis[{extra}]'"
        ) from None
    with storage_errors(url, "connecting"):
        fs = fsspec.filesystem(proto, **_options_for(proto))
        if proto in ("s3", "s3a") and not getattr(fs, "_tamis_counted", False):
            _count_s3_retries(fs)
    return fs


def _count_s3_retries(fs: Any) -> None:
    """Count every throttled, failed (5xx) or dropped S3 request that botocore retries."""

    def needs_retry(response=None, caught_exception=None, **_: Any) -> None:
        if caught_exception is not None:
            count("dropped_connections")
        elif response is not None:
            status = response[0].status_code
            if status in (429, 503):
                count("throttled")
            elif status >= 500:
                count("server_errors")

    fs.connect()
    fs.s3.meta.events.register("needs-retry.s3", needs_retry)
    fs._tamis_counted = True


def count(what: str, n: int = 1) -> None:
    with _LOCK:
        _COUNTS[what] += n


def take_counts() -> dict[str, int]:
    """The transient failures counted in this process since the last call (and reset)."""
    with _LOCK:
        out = dict(_COUNTS)
        _COUNTS.clear()
    return out


def strip(url: str) -> str:
    """``url`` as its file system names it: without its scheme (the web's keep theirs)."""
    if scheme(url) in ("http", "https"):
        return str(url)
    return str(url).split("://", 1)[1]


def with_scheme(url: str, name: str) -> str:
    """An object name from a listing of ``url``'s file system, as a URL again."""
    if scheme(name) is not None:
        return name
    return f"{scheme(url)}://{name.lstrip('/')}"


def storage_errors(url: str, action: str):
    """A context that turns an access failure on ``url`` into one line naming the URL."""
    return _Translate(url, action)


class _Translate:
    def __init__(self, url: str, action: str) -> None:
        self.url, self.action = url, action

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        if exc is None or isinstance(exc, StorageError | FileNotFoundError):
            return False
        if isinstance(exc, PermissionError):
            raise StorageError(
                f"{self.url}: access denied while {self.action}; check the credentials and "
                "their rights on this bucket (for S3: AWS_PROFILE or AWS_ACCESS_KEY_ID)"
            ) from None
        name = type(exc).__name__
        if "Endpoint" in name or "Connect" in name or isinstance(exc, ConnectionError):
            raise StorageError(
                f"{self.url}: the storage endpoint cannot be reached while {self.action} "
                "(check AWS_ENDPOINT_URL, or endpoint_url in storage_options)"
            ) from None
        if "Credential" in name or "NoCredentials" in str(exc):
            raise StorageError(
                f"{self.url}: no complete credentials found while {self.action} (for S3: set "
                "AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or both key and "
                "secret in storage_options)"
            ) from None
        if isinstance(exc, OSError) and "bucket" in str(exc).lower():
            raise StorageError(f"{self.url}: no such bucket ({self.action})") from None
        return False


def check_reachable(url: str, writing: bool = False) -> None:
    """Fail before any work when ``url``'s bucket is missing, denied or unreachable."""
    proto = scheme(url)
    if writing and proto in READ_ONLY:
        raise StorageError(f"{url}: {proto}:// is read-only here; write OUT to a bucket")
    options = objects(url)
    if options is not None:
        _check_bucket(url, options)
        return
    fs = filesystem(url)
    if proto in ("s3", "s3a"):
        _check_endpoint(url, fs.s3.meta.endpoint_url)
    if proto in ("http", "https"):
        return
    bucket = strip(url).split("/", 1)[0]
    with storage_errors(url, "checking the bucket"):
        try:
            fs.ls(bucket, detail=False)  # raises (unlike exists) on denial or a dead endpoint
        except FileNotFoundError:
            raise StorageError(f"{url}: no such bucket {bucket!r}; create it first") from None


def _check_bucket(url: str, options: dict[str, Any]) -> None:
    """:func:`check_reachable` through obstore: the endpoint answers, the bucket lists."""
    from tamis.io import s3_objects

    where = s3_objects.endpoint(options)
    if where:
        _check_endpoint(url, where)
    bucket = strip(url).split("/", 1)[0]
    with storage_errors(url, "checking the bucket"):
        try:
            s3_objects.children(f"{scheme(url)}://{bucket}", options)
        except FileNotFoundError:
            raise StorageError(f"{url}: no such bucket {bucket!r}; create it first") from None


def _check_endpoint(url: str, endpoint: str) -> None:
    """An endpoint nobody answers at fails at once (the client would retry it for a minute)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=10).close()
    except OSError:
        raise StorageError(
            f"{url}: the storage endpoint {parts.scheme}://{parts.hostname}:{port} cannot be "
            "reached (check AWS_ENDPOINT_URL, or endpoint_url in storage_options)"
        ) from None


# --- reading ---------------------------------------------------------------------------------


def open_input(path: str | os.PathLike) -> IO[bytes]:
    """A binary, seekable reader of a local file or an object (streamed in blocks; an object
    read whole, in order, leaves its checksum for the manifest: :mod:`tamis.io.hashed`)."""
    if not is_url(path):
        return open(path, "rb")  # noqa: SIM115 - returned to the caller
    url = os.fspath(path)
    from tamis.io.hashed import HashedStream

    options = objects(url)
    if options is not None:
        from tamis.io import s3_objects

        with storage_errors(url, "opening it"):
            reader, meta = s3_objects.open_input(url, options)
        return HashedStream(reader, url, _version(meta), int(meta["size"]))  # type: ignore[return-value]
    fs = filesystem(url)
    with storage_errors(url, "opening it"):
        raw = fs.open(strip(url), "rb", block_size=READ_BLOCK, cache_type="readahead")
    info = getattr(raw, "details", None)
    if not isinstance(info, dict) or "size" not in info:
        return raw
    return HashedStream(raw, url, _version(info), int(info["size"] or 0))  # type: ignore[return-value]


def pinned_identity(stream: Any) -> tuple[int, str] | None:
    """The (size, version) of the object an open input stream reads, when every read of it is
    conditional on that version (an object read through obstore: each GET carries ``If-Match``
    on the ETag it opened), else None. Such a stream never hands out bytes of another version,
    so telling which version it reads takes no request; a changed object fails its next GET,
    and the run's check of its inputs (:func:`tamis.run.driver.check_inputs_unchanged`) names
    it."""
    from tamis.io.s3_objects import ObjectReader

    for _ in range(6):  # a decoder over the checksum stream over the buffered object reader
        if isinstance(stream, ObjectReader):
            if stream.etag is None or stream.size is None:
                return None
            return stream.size, _version({"e_tag": stream.etag})
        stream = getattr(stream, "fileobj", None) or getattr(stream, "raw", None)
        if stream is None:
            return None
    return None


def stat(path: str | os.PathLike) -> dict[str, Any]:
    """Size and a version stamp of a file or object (mtime for a file, ETag for an object)."""
    if not is_url(path):
        st = Path(path).stat()
        return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    url = os.fspath(path)
    options = objects(url)
    with storage_errors(url, "reading its size"):
        if options is not None:
            from tamis.io import s3_objects

            info = s3_objects.head(url, options)
        else:
            info = filesystem(url).info(strip(url))
    return {"size": int(info.get("size") or 0), "version": _version(info)}


def _version(info: dict[str, Any]) -> str:
    """An object's version stamp in its file system's details: its ETag, or what stands for it."""
    version = (
        info.get("ETag")
        or info.get("etag")
        or info.get("e_tag")
        or info.get("md5Hash")
        or info.get("sha")
    )
    if version is None:
        version = str(info.get("LastModified") or info.get("last_modified") or info.get("mtime"))
    return str(version).strip('"')


def size(path: str | os.PathLike) -> int:
    return stat(path)["size"]


def read_bytes(path: str | os.PathLike) -> bytes:
    if not is_url(path):
        return Path(path).read_bytes()
    url = os.fspath(path)
    options = objects(url)
    with storage_errors(url, "reading it"):
        if options is not None:
            from tamis.io import s3_objects

            return s3_objects.read_bytes(url, options)[0]
        return filesystem(url).cat_file(strip(url))


def exists(path: str | os.PathLike) -> bool:
    if not is_url(path):
        return Path(path).exists()
    url = os.fspath(path)
    if objects(url) is not None:
        try:
            stat(url)
        except FileNotFoundError:
            return isdir(url)
        return True
    with storage_errors(url, "looking for it"):
        return filesystem(url).exists(strip(url))


def isdir(path: str | os.PathLike) -> bool:
    if not is_url(path):
        return Path(path).is_dir()
    url = os.fspath(path)
    options = objects(url)
    with storage_errors(url, "looking for it"):
        if options is not None:
            from tamis.io import s3_objects

            if "/" not in strip(url).rstrip("/"):
                return True  # a bucket (check_reachable says whether it is there)
            return any(s3_objects.children(url, options))
        return filesystem(url).isdir(strip(url))


def walk_files(url: str) -> list[str]:
    """Every object under the folder ``url`` (recursively) or matching the glob ``url``."""
    options = objects(url)
    if options is not None:
        return _walk_objects(url, options)
    fs = filesystem(url)
    name = strip(url)
    with storage_errors(url, "listing it"):
        if any(c in name for c in "*?["):
            found = fs.glob(name)
            out: list[str] = []
            for n in found:
                out.extend(fs.find(n) if fs.isdir(n) else [n])
            return sorted(with_scheme(url, n) for n in out)
        if fs.isdir(name):
            return sorted(with_scheme(url, n) for n in fs.find(name))
        if fs.exists(name):
            return [url]
    raise FileNotFoundError(url)


def _walk_objects(url: str, options: dict[str, Any]) -> list[str]:
    from tamis.io import s3_objects

    with storage_errors(url, "listing it"):
        if any(c in strip(url) for c in "*?["):
            return s3_objects.glob(url, options)
        base = url.rstrip("/")
        found = sorted(f"{base}/{m['path'][len(s3_objects.path_of(url)) :].lstrip('/')}"
                       for m in s3_objects.listing(url, options))  # fmt: skip
        if found:
            return found
        try:
            s3_objects.head(url, options)
        except FileNotFoundError:
            pass
        else:
            return [url]
    raise FileNotFoundError(url)


def list_names(url: str) -> list[str]:
    """The names directly under the folder ``url`` (empty when there is none)."""
    options = objects(url)
    if options is not None:
        from tamis.io import s3_objects

        with storage_errors(url, "listing it"):
            try:
                files, folders = s3_objects.children(url, options)
            except FileNotFoundError:
                return []
        return sorted(files + folders)
    fs = filesystem(url)
    with storage_errors(url, "listing it"):
        try:
            return sorted(n.rstrip("/").rsplit("/", 1)[-1] for n in fs.ls(strip(url), detail=False))
        except FileNotFoundError:
            return []


# --- writing ---------------------------------------------------------------------------------


def put_file(local: Path, url: str) -> None:
    """Upload one local file to ``url`` (multipart past :data:`UPLOAD_PART`, streamed)."""
    put_files([(local, url)])


def get_file(url: str, local: Path) -> None:
    """Download one object to ``local`` (streamed to disk; written under a temporary name)."""
    if not get_files([(url, local)])[0]:
        raise FileNotFoundError(url)


def get_files(pairs: list[tuple[str, Path]]) -> list[bool]:
    """Download objects to local files, :data:`CONCURRENT` at a time (each streamed to disk
    under a temporary name); whether each existed. A task or the driver that fetches a run's
    many small files then waits about one request's time, not one per file."""
    for _, local in pairs:
        local.parent.mkdir(parents=True, exist_ok=True)
    tmps = [local.with_name(local.name + ".part") for _, local in pairs]
    options = _objects_all([url for url, _ in pairs])
    if options is not None:
        from tamis.io import s3_objects

        missing = _sorted_results(
            [url for url, _ in pairs],
            s3_objects.many(
                [
                    lambda u=url, t=tmp: s3_objects.get_file(u, t, options)
                    for (url, _), tmp in zip(pairs, tmps, strict=True)
                ]
            ),
            "reading it",
        )
        for (_, local), tmp, gone in zip(pairs, tmps, missing, strict=True):
            if not gone:
                os.replace(tmp, local)
            else:
                tmp.unlink(missing_ok=True)
        return [not gone for gone in missing]
    calls = [
        (url, "get_file", (strip(url), str(tmp)), {})
        for (url, _), tmp in zip(pairs, tmps, strict=True)
    ]
    found = []
    for (_, local), tmp, missing in zip(pairs, tmps, _many(calls, "reading it"), strict=True):
        if not missing:
            os.replace(tmp, local)
        found.append(not missing)
    return found


def put_files(pairs: list[tuple[Path, str]]) -> None:
    """Upload local files, small ones many at a time: a group in flight holds at most
    ``2 * UPLOAD_PART`` bytes, what one upload of a file just below the multipart size holds
    anyway (a client reads such a file whole), and a bigger file goes alone, in parts."""
    options = _objects_all([url for _, url in pairs])
    for group in _upload_groups(pairs):
        if options is not None:
            from tamis.io import s3_objects

            found = s3_objects.many(
                [lambda p=p, u=url: s3_objects.put_file(p, u, options) for p, url in group]
            )
            for (local, url), missing in zip(
                group, _sorted_results([u for _, u in group], found, "writing it"), strict=True
            ):
                if missing:
                    raise FileNotFoundError(f"{local}: no such file to write to {url}")
            continue
        calls = [(url, "put_file", (str(p), strip(url)), _put_options(url)) for p, url in group]
        for (local, url), missing in zip(group, _many(calls, "writing it"), strict=True):
            if missing:
                raise FileNotFoundError(f"{local}: no such file to write to {url}")


def _upload_groups(pairs: list[tuple[Path, str]]) -> list[list[tuple[Path, str]]]:
    groups: list[list[tuple[Path, str]]] = []
    held = 2 * UPLOAD_PART
    for local, url in pairs:
        size = local.stat().st_size if local.exists() else 0
        if held + size > 2 * UPLOAD_PART:
            groups.append([])
            held = 0
        groups[-1].append((local, url))
        held += size
    return groups


def _put_options(url: str) -> dict[str, Any]:
    return {"chunksize": UPLOAD_PART} if scheme(url) in ("s3", "s3a") else {}


def _many(calls: list[tuple[str, str, tuple, dict]], action: str) -> list[bool]:
    """Make each ``(url, method, args, kwargs)`` call on its URL's file system, many at a time
    when that file system is async (s3fs, gcsfs, adlfs), else one after the other; whether
    each found nothing there (FileNotFoundError). Any other failure is raised as
    :func:`storage_errors` words it, naming its URL."""
    from fsspec.asyn import AsyncFileSystem, _run_coros_in_chunks, sync

    if not calls:
        return []
    systems = [filesystem(url) for url, *_ in calls]
    fs = systems[0]
    if isinstance(fs, AsyncFileSystem) and all(other is fs for other in systems):
        coros = [getattr(fs, "_" + name)(*args, **kw) for _, name, args, kw in calls]
        with storage_errors(calls[0][0], action):
            results = sync(fs.loop, _run_coros_in_chunks, coros, batch_size=CONCURRENT,
                           return_exceptions=True)  # fmt: skip
    else:
        results = []
        for one, (_, name, args, kw) in zip(systems, calls, strict=True):
            try:
                results.append(getattr(one, name)(*args, **kw))
            except Exception as exc:  # noqa: BLE001 - sorted below as the async results are
                results.append(exc)
    return _sorted_results([url for url, *_ in calls], results, action)


def _sorted_results(urls: list[str], results: list[Any], action: str) -> list[bool]:
    """Whether each call found nothing (FileNotFoundError); any other failure raised as
    :func:`storage_errors` words it, naming its URL."""
    missing = []
    for url, result in zip(urls, results, strict=True):
        if isinstance(result, BaseException) and not isinstance(result, FileNotFoundError):
            with storage_errors(url, action):
                raise result
        missing.append(isinstance(result, FileNotFoundError))
    return missing


def _objects_all(urls: list[str]) -> dict[str, Any] | None:
    """The options of obstore when it serves every one of ``urls`` (of one scheme), else None."""
    if not urls or len({scheme(u) for u in urls}) != 1:
        return None
    return objects(urls[0])


def fetch_tree(url: str, local: Path) -> None:
    """Every object under the folder ``url`` into the local folder ``local``, replacing it."""
    import shutil

    shutil.rmtree(local, ignore_errors=True)
    base = url.rstrip("/") + "/"
    get_files([(obj, local / obj[len(base) :]) for obj in walk_files(url)])


def write_bytes(url: str, data: bytes) -> None:
    options = objects(url)
    if options is not None:
        from tamis.io import s3_objects

        with storage_errors(url, "writing it"):
            s3_objects.put_bytes(url, data, options)
        return
    fs = filesystem(url)
    with storage_errors(url, "writing it"):
        fs.pipe_file(strip(url), data)


def remove_many(urls: list[str]) -> None:
    """Delete objects (those missing are no error): one bulk request per thousand on S3."""
    if not urls:
        return
    options = _objects_all(urls)
    if options is not None:
        from tamis.io import s3_objects

        with storage_errors(urls[0], "deleting it"):
            for start in range(0, len(urls), 1000):
                s3_objects.delete(urls[start : start + 1000], options)
        return
    fs = filesystem(urls[0])
    with storage_errors(urls[0], "deleting it"):
        try:
            fs.rm([strip(u) for u in urls])
        except FileNotFoundError:
            pass


def remove(url: str, recursive: bool = False) -> None:
    if objects(url) is not None:
        try:
            found = walk_files(url) if recursive else [url]
        except FileNotFoundError:
            return
        remove_many(found)
        return
    fs = filesystem(url)
    with storage_errors(url, "deleting it"):
        try:
            fs.rm(strip(url), recursive=recursive)
        except FileNotFoundError:
            pass
