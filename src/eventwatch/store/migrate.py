"""Schema migrations, run in code: the Alembic scripts ship inside the package
(``store/migrations``), so no alembic.ini is needed at run time."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
#: Any fixed number: the PostgreSQL advisory lock that serialises concurrent upgrades.
_PG_LOCK = 0x6576_7761_7463_68  # "evwatch"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migration scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The revision the code expects the database at."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the latest), in one transaction.

    Concurrent upgrades of one database are serialised (an immediate transaction on SQLite, an
    advisory lock on PostgreSQL): the second finds the work done.
    """
    if revision == "head" and current_revision(engine) == head_revision():
        return
    cfg = alembic_config()
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to `revision` ("base" drops everything)."""
    cfg = alembic_config()
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)


def main(argv: list[str] | None = None) -> int:
    """``python -m eventwatch.store.migrate {upgrade,current,revision} --url DB [-m MESSAGE]``."""
    import argparse

    from .store import make_engine

    parser = argparse.ArgumentParser(prog="python -m eventwatch.store.migrate",
                                     description="Migrations of the event store's schema.")
    parser.add_argument("action", choices=["upgrade", "current", "revision"])
    parser.add_argument("--url", required=True, help="a SQLite path or a database URL")
    parser.add_argument("-m", "--message", help="the new revision's message (revision)")
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    try:
        if args.action == "upgrade":
            upgrade(engine)
        elif args.action == "revision":
            cfg = alembic_config()
            with engine.connect() as conn:
                cfg.attributes["connection"] = conn
                command.revision(cfg, message=args.message or "change", autogenerate=True)
        print(current_revision(engine))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
