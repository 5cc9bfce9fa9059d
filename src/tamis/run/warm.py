"""Starting the pool's forkserver early, with what every worker imports already imported.

Pool workers are forked from a forkserver, a fresh interpreter. Left to start with the pool, it
imports nothing, and each worker imports tamis's worker side when its first task arrives (about
a second of a quiet machine's time, on every worker at once, while the driver, which imported
the same modules long before, waits): with one worker this cost does not exist, so it is pure
loss for two. Started here, as soon as a run is known to use a pool, the forkserver imports
those modules on the other core while the driver loads its configuration, plans and prepares
OUT, and every worker is forked with them. This module itself imports almost nothing, so that
the command line can call it before its own heavy imports.
"""

from __future__ import annotations

import os
from typing import Any

#: Where the run goes to the forkserver (:mod:`tamis.run.prewarm`, which imports heavy modules).
WARM_ENV = "TAMIS_WARM_RUN"

#: What every pool worker imports whatever its stages (the stages' own modules, numpy among
#: them for some, are left to the workers that run them: a bare run's workers never load them).
WORKER_MODULES = ("tamis.run.worker",)


def start_forkserver(modules: list[str]) -> None:
    """Start the forkserver now, importing ``modules`` (beside ``__main__``). No effect once the
    forkserver runs (it keeps the modules it was started with)."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["__main__", *modules])
    forkserver.ensure_running()


def warm_run(cfg: Any) -> dict[str, Any]:
    """What the forkserver is given of a run (a :class:`tamis.config.PipelineConfig`) to warm its
    stages: the resolved configuration without its storage options (credentials are never put
    in a process's environment, and the warm-up reads no URL), and the inputs."""
    config = cfg.resolved()
    config.pop("storage_options")
    return {"config": config, "inputs": list(cfg.run.inputs)}


def warm_workers(paths: list[str | os.PathLike], run: dict[str, Any] | None = None) -> Any:
    """Start the forkserver of a run over ``paths`` (its inputs and OUT) with the worker's
    modules, and the storage clients those paths need (:func:`tamis.io.storage.client_packages`:
    the S3 stack, about a second of imports a process, then imported once in all).

    ``run`` (``{"config": the resolved configuration the tasks carry, "inputs": [...]}``) has
    the forkserver also build that pipeline and run its stages once (:mod:`tamis.run.prewarm`).
    When an input is a URL, the forkserver also waits for the driver's sample of the URL inputs
    (:mod:`tamis.run.warm_sample`): the :class:`~tamis.run.warm_sample.SampleHandoff` returned
    (else None) is the driver's end, to :meth:`send` it on once the inputs are listed, or close.
    """
    from tamis.io import storage

    modules = [*WORKER_MODULES, *storage.client_packages(paths)]
    handoff = None
    if run is not None:
        import orjson

        if any(storage.is_url(i) for i in run["inputs"]):
            from tamis.run.warm_sample import SampleHandoff

            handoff = SampleHandoff()
            run = {**run, "sample": handoff.address}
        try:
            # the driver's pid: a forkserver orphaned before its warm-up began stops there
            os.environ[WARM_ENV] = orjson.dumps({**run, "driver": os.getpid()}).decode()
            modules.append("tamis.run.prewarm")
        except TypeError:  # a configuration JSON cannot hold: the workers build it themselves
            pass
    try:
        start_forkserver(modules)
    except BaseException:
        if handoff is not None:
            handoff.close()
        raise
    finally:
        os.environ.pop(WARM_ENV, None)  # read by the forkserver as it started
    return handoff
