"""The progress bar of a tokenize run: shards done, documents, tokens and tokens per second."""

from __future__ import annotations

import threading
import time
from typing import Any

from tamis.run.executors import drain_in_thread


class TokenProgress:
    """Fed by worker messages ``(0, documents, tokens)``; silent when not on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.documents = 0
        self.tokens = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]tokenizing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("shards"),
            TextColumn("{task.fields[docs]:>10,} docs"),
            TextColumn("{task.fields[tokens]:>13,} tokens"),
            TextColumn("{task.fields[rate]:>11,.0f} tokens/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )

    def start(self, total: int, done: int) -> None:
        self.t0 = time.perf_counter()
        if self.enabled:
            self.progress.start()
            self.task = self.progress.add_task(
                "tokenize", total=total, completed=done, docs=0, tokens=0, rate=0.0
            )

    def message(self, msg: tuple) -> None:
        _, docs, tokens = msg
        self.documents += docs
        self.tokens += tokens
        if self.enabled:
            rate = self.tokens / max(time.perf_counter() - self.t0, 1e-6)
            self.progress.update(self.task, docs=self.documents, tokens=self.tokens, rate=rate)

    def shard_done(self) -> None:
        if self.enabled:
            self.progress.advance(self.task)

    def listen(self, q: Any) -> None:
        """Drain a multiprocessing queue in a thread until stopped."""
        self._thread = drain_in_thread(q, self.message, self._stop)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self.enabled:
            self.progress.stop()
