"""Discovery shared by the stage and reader registries: a new module is all a new part needs."""

from __future__ import annotations

import importlib
import pkgutil


def import_submodules(package: str, skip: tuple[str, ...]) -> None:
    """Import every module of ``package`` but those named in ``skip`` (they register themselves)."""
    pkg = importlib.import_module(package)
    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name not in skip:
            importlib.import_module(f"{package}.{mod.name}")
