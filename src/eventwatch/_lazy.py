"""Lazy package exports: a package names what it exports and from which of its modules, and
each module is imported on first use (so that a command pays only for what it touches).

    _EXPORTS = {"read_text": "text", "read_feed": "feeds"}
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str], namespace: dict[str, Any]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of a package with lazy ``exports``
    (name -> module within the package); ``namespace`` is the package's ``globals()``, where
    each name is cached once imported."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
