"""The manifest's input checksums, for the inputs no task read whole, read while the run works.

The manifest names every input with a checksum of its bytes. An object a task read whole, in
order, left its checksum in the task's marker (:mod:`tamis.io.hashed`); any other input (a
local file, a Parquet object read by row groups) is read once more. Read at the end, that would
be time the run waits for: nothing for a file the page cache still holds, but a download for an
object. So the driver reads them in a thread once the first phase is done (the only phase that
reads inputs) while the later phases work, and the end of the run only collects the result.

The checksum is still of the bytes the run read: the driver checks after every phase that each
input keeps the size and version (mtime or ETag) it had when the run started, and stops the run
when one changed, as before.
"""

from __future__ import annotations

import threading

from tamis.io.output import file_checksum


class InputChecksums:
    """The checksums of ``files``, read in one background thread from construction on, beside
    those already ``known`` (taken while the tasks read them)."""

    def __init__(self, files: list[str], known: dict[str, str] | None = None) -> None:
        self.files = list(files)
        self._stop = threading.Event()
        self._sums: dict[str, str] = dict(known or {})
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="tamis-checksums", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for path in self.files:
                found = file_checksum(path, self._stop)
                if found is None:
                    return
                self._sums[path] = found
        except BaseException as exc:  # noqa: BLE001 - raised again where the sums are wanted
            self._error = exc

    def result(self) -> dict[str, str]:
        """Every input's checksum, by path (waits for the thread; its error raised here)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return dict(self._sums)

    def cancel(self) -> None:
        """Stop reading (a failed run): the thread ends at its next block."""
        self._stop.set()
