"""The analyst's dashboard and REST API: ``create_app(db)``; ``eventwatch serve``."""
from __future__ import annotations


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    from .app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
