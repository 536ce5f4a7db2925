"""Alembic environment of the event store.

Run programmatically by `eventwatch.store.migrate.upgrade` (which hands over an open connection
in ``config.attributes["connection"]``). To draft a new revision after changing the models,
against a database at the current head::

    python -m eventwatch.store.migrate revision --url dev.db -m "what changed"

(or ``alembic -x url=...`` with an alembic.ini whose ``script_location`` is this folder).
"""
from __future__ import annotations

from alembic import context

from eventwatch.store.schema import FTS_INDEX, FTS_TABLE, Base

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the full-text index (a virtual table and its shadow tables) to the migrations."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    return name != FTS_INDEX


def sqlite_inline_fk(obj: object, type_: str) -> bool:
    """Whether `obj` is the foreign key of ``articles.duplicate_of``: on SQLite it is a column
    constraint (added by ``ALTER TABLE ADD COLUMN``, see 0002), which SQLAlchemy reflects
    without its name and ON DELETE (SQLite itself has them: ``PRAGMA foreign_key_list``), so
    autogenerate must not compare it."""
    if type_ != "foreign_key_constraint":
        return False
    table = getattr(getattr(obj, "parent", None), "name", None) or getattr(getattr(obj, "table", None), "name", None)
    return table == "articles" and [c.name for c in getattr(obj, "columns", [])] == ["duplicate_of"]


def _configure(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(connection=connection, target_metadata=target_metadata,
                      include_name=include_name,
                      include_object=lambda obj, name, type_, reflected, other:
                          not (sqlite and sqlite_inline_fk(obj, type_)), render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)


def run_migrations_offline() -> None:
    from eventwatch.store.store import engine_url
    context.configure(url=engine_url(_url()), target_metadata=target_metadata, literal_binds=True,
                      include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database: pass -x url=... or set sqlalchemy.url")
    return url


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from eventwatch.store.store import make_engine
    engine = make_engine(_url())
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
