"""The Ray executor: the same tasks as the local executor, scheduled by a Ray cluster.

Each task (one phase over one shard) becomes one Ray task that calls the very same
:func:`tamis.run.worker.run_task`, so the output is byte-identical to a local run. What Ray
adds is placement and fault tolerance: a task whose worker process dies (killed, OOM, node
lost) is resubmitted by Ray up to ``max_retries`` times; an exception raised by tamis code is
*not* retried (it would fail the same way again) and stops the run as it does locally. Tasks are
idempotent (temporary names, marker written last), so a retried or resumed task simply redoes
its shard.

Everything a task reads and writes goes through ``OUT`` and the input paths, so every node
must see them at the same path (a shared file system). Global stages keep using
``OUT/.tamis`` for their shard states and merged decision: that is what makes a run whose
driver died resumable, and the states are compact by contract, so routing them through the
object store instead would save one small file per shard and nothing else (docs/clusters.md).

Ray is an optional dependency: it is imported only when this executor is built.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from tamis.config import ConfigError
from tamis.run.reaper import start_reaper, stop_reaper
from tamis.run.worker import Task, run_task, set_progress_queue

MAX_RETRIES = 3  # resubmissions of a task whose worker process died
IN_FLIGHT_PER_CPU = 2  # queued tasks per cluster CPU: enough to keep workers busy, bounded
POLL_SECONDS = 0.25  # how often progress messages are fetched while tasks run
CONNECT_SECONDS = 5.0  # to decide that a cluster address is unreachable
FLUSH_SECONDS = 5.0  # at most this long a finished task waits for its progress to be delivered

INSTALL_HINT = "install it with: pip install 'tamis[ray]'  (or: pip install 'ray>=2.9')"


def import_ray() -> Any:
    """Ray, or a configuration error that says how to get it."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            f"executor: 'ray' needs the Ray package, which is not installed; {INSTALL_HINT}; "
            "or use executor 'local'"
        ) from None
    return ray


class _ActorQueue:
    """What a task reports progress into: asynchronous calls to the driver's sink actor."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink
        self.sent: list[Any] = []

    def put(self, message: tuple) -> None:
        self.sent.append(self.sink.put.remote(message))

    def flush(self, ray: Any) -> None:
        """Wait (briefly) until the sink holds every message, so none arrives after the marker."""
        if self.sent:
            ray.wait(self.sent, num_returns=len(self.sent), timeout=FLUSH_SECONDS)


def tamis_task(task: Task, cwd: str, sink: Any) -> dict[str, Any]:
    """Body of every Ray task: run one tamis task as the driver would have run it locally.

    Relative input and output paths mean what they meant to the driver, so the task works
    from the driver's directory when this node has it (always, on a local instance).
    """
    if os.getcwd() != cwd and os.path.isdir(cwd):
        os.chdir(cwd)
    queue = _ActorQueue(sink) if sink is not None else None
    set_progress_queue(queue)
    try:
        marker = run_task(task)
    finally:
        set_progress_queue(None)
    if queue is not None:
        import ray

        queue.flush(ray)
    return marker


class _ProgressSink:
    """A tiny actor that holds progress messages until the driver fetches them."""

    def __init__(self) -> None:
        self.messages: list[tuple] = []

    def put(self, message: tuple) -> None:
        self.messages.append(message)

    def drain(self) -> list[tuple]:
        out, self.messages = self.messages, []
        return out


def _check_reachable(address: str) -> None:
    """Fail fast on an address nobody listens at (Ray itself keeps retrying for minutes)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", or a form Ray resolves itself
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        raise ConfigError(
            f"ray_address: nothing answers at {address!r} ({exc.strerror or exc}); start the "
            "cluster's head with `ray start --head`, or leave ray_address unset to start a "
            "local instance"
        ) from None


@contextmanager
def _quiet_token_notice() -> Iterator[None]:
    """Hide Ray's notice that a new *private* local instance uses token authentication."""
    notice = logging.getLogger("ray._private.authentication.authentication_token_setup")
    level = notice.level
    notice.setLevel(logging.ERROR)
    try:
        yield
    finally:
        notice.setLevel(level)


class RayExecutor:
    """Runs tasks on Ray: a local instance of ``workers`` CPUs, or a running cluster.

    ``address`` None starts a private local instance (stopped by :meth:`close`); ``"auto"``
    (``RAY_ADDRESS``, else the latest ``ray start`` on this machine) or ``"HOST:PORT"`` /
    ``"ray://HOST:PORT"`` joins a running cluster (``close`` only disconnects). If this
    process is already connected to Ray (a notebook, a test), that connection is used and left
    open. When joining, the cluster's CPUs, not ``workers``, bound the tasks in flight.
    """

    def __init__(
        self,
        workers: int,
        address: str | None = None,
        progress_callback: Callable[[tuple], None] | None = None,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        ray = import_ray()
        self._ray = ray
        self._owns_connection = False
        self._reaper = None
        if not ray.is_initialized():
            quiet = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": logging.WARNING,
            }
            if address is None:
                # "local": a new private instance even when RAY_ADDRESS is set or another
                # instance (or a stale record of one) exists on this machine
                with _quiet_token_notice():
                    ray.init(address="local", num_cpus=workers, **quiet)
                # Ray's daemons outlive a killed driver: a watcher kills them then
                self._reaper = start_reaper()
            else:
                _check_reachable(address)
                try:
                    ray.init(address=address, **quiet)
                except (ConnectionError, ValueError, RuntimeError) as exc:
                    raise ConfigError(
                        f"ray_address: cannot join the Ray cluster at {address!r} ({exc}); "
                        "start one with `ray start --head`, or leave ray_address unset to "
                        "start a local instance; a cluster with token authentication (Ray's "
                        "default) also needs RAY_AUTH_MODE=token and its token here"
                    ) from None
            self._owns_connection = True
        cpus = int(ray.cluster_resources().get("CPU", workers)) or workers
        self.in_flight = max(1, IN_FLIGHT_PER_CPU * cpus)
        self._remote = ray.remote(num_cpus=1, max_retries=max_retries, retry_exceptions=False)(
            tamis_task
        )
        self._callback = progress_callback
        self._sink = None
        if progress_callback is not None:
            self._sink = ray.remote(num_cpus=0)(_ProgressSink).remote()

    def _forward_progress(self) -> None:
        if self._sink is None:
            return
        try:
            messages = self._ray.get(self._sink.drain.remote())
        except self._ray.exceptions.RayActorError:
            self._sink = None  # progress is a nicety; the run goes on without it
            return
        for message in messages:
            self._callback(message)

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        """Markers in completion order; at most ``in_flight`` tasks are submitted at a time."""
        ray = self._ray
        cwd = os.getcwd()
        pending: list[Any] = []
        todo = iter(tasks)

        def submit(task: Task) -> None:
            name = f"tamis:phase{task.phase}:shard{task.shard['ordinal']:05d}"
            pending.append(self._remote.options(name=name).remote(task, cwd, self._sink))

        try:
            for task in todo:
                submit(task)
                if len(pending) >= self.in_flight:
                    break
            timeout = POLL_SECONDS if self._sink is not None else None
            while pending:
                done, pending = ray.wait(pending, num_returns=1, timeout=timeout)
                self._forward_progress()
                for ref in done:
                    marker = ray.get(ref)
                    nxt = next(todo, None)
                    if nxt is not None:
                        submit(nxt)
                    yield marker
            self._forward_progress()
        finally:
            for ref in pending:  # a failed task or an interrupted driver: stop the rest
                ray.cancel(ref)

    def close(self) -> None:
        """Stop the local instance, or disconnect from a joined cluster; never stop others'."""
        if self._owns_connection and self._ray.is_initialized():
            self._ray.shutdown()
        self._owns_connection = False
        if self._reaper is not None:  # Ray stopped in order: nothing left for it to watch
            stop_reaper(self._reaper)
            self._reaper = None
