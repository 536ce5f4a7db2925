"""Migrations on SQLite and PostgreSQL: a fresh database gets the whole schema, reopening
changes nothing, the migrated schema is the models', and the database settings hold."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from store_samples import all_docs, drill, protest, sanctions

from eventwatch.store import StoreError, engine_url, make_engine, open_store
from eventwatch.store import migrate
from eventwatch.store.schema import FTS_INDEX, FTS_TABLE, Base, articles

TABLES = {"articles", "entities", "mentions", "places", "times", "quotes", "events", "actors", "signatures",
          "ingest_runs", "ingest_errors", "alembic_version"}
INDEXES = {
    "events": {"ix_events_type", "ix_events_source_country", "ix_events_target_country",
               "ix_events_day", "ix_events_location_country", "ix_events_type_day"},
    "actors": {"ix_actors_country", "ix_actors_name", "ix_actors_event_id"},
}


def _include(name, type_, parent_names):
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE) and name != "alembic_version"
    return name != FTS_INDEX


def test_a_fresh_database_is_migrated_to_head(store):
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    insp = inspect(store.engine)
    names = set(insp.get_table_names())
    assert TABLES <= names
    for table, wanted in INDEXES.items():
        assert wanted <= {ix["name"] for ix in insp.get_indexes(table)}, table
    for table in ("entities", "mentions", "places", "times", "quotes", "events"):
        fks = [fk for fk in insp.get_foreign_keys(table) if fk["referred_table"] == "articles"]
        assert fks and all(fk["options"].get("ondelete", "").upper() == "CASCADE" for fk in fks), table
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            assert FTS_TABLE in names
            triggers = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            assert triggers == {"articles_fts_insert", "articles_fts_delete", "articles_fts_update"}
        else:
            indexdef = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                                    {"n": FTS_INDEX}).scalar_one()
            assert "gin" in indexdef.lower() and "to_tsvector('english'" in indexdef


def test_the_migrated_schema_is_the_models(store):
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": _include, "compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    if store.dialect == "sqlite":
        # articles.duplicate_of's foreign key is a column constraint on SQLite (0002 adds the
        # column in place), reflected without its name and ON DELETE: check it directly.
        diff = [d for d in diff if not (d[0] in ("add_fk", "remove_fk") and d[1].table.name == "articles"
                                        and [c.name for c in d[1].columns] == ["duplicate_of"])]
        with store.engine.connect() as conn:
            fks = [tuple(r) for r in conn.exec_driver_sql("PRAGMA foreign_key_list(articles)")]
        assert [(fk[2], fk[3], fk[4], fk[6]) for fk in fks if fk[3] == "duplicate_of"] == [
            ("articles", "duplicate_of", "id", "SET NULL")]
    assert diff == []


def test_reopening_is_idempotent_and_keeps_the_data(db_url):
    with open_store(db_url) as st:
        st.save_batch(st.begin_run(["a"]), all_docs())
        counts = st.counts()
    for _ in range(2):
        with open_store(db_url) as st:
            assert st.counts() == counts
            with st.engine.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [migrate.head_revision()]
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)  # the slow path, past the "already at head" check
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn)
            assert ctx.get_current_revision() == migrate.head_revision()
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(db_url):
    with open_store(db_url) as st:
        st.save_batch(None, [drill()])
        migrate.downgrade(st.engine, "base")
        assert not (set(inspect(st.engine).get_table_names()) & (TABLES - {"alembic_version"}))
        migrate.upgrade(st.engine)
        assert st.counts()["articles"] == 0
        assert st.save_batch(None, [drill()]) == 1
        assert [r["local_id"] for r in st.query_events(text="drill")] == ["ev1"]


def test_open_without_upgrade_leaves_an_empty_database_alone(db_url):
    with open_store(db_url, upgrade=False) as st:
        assert migrate.current_revision(st.engine) is None


def test_sqlite_connection_settings(tmp_path):
    with open_store(tmp_path / "events.db") as st:
        with st.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_sqlite_full_text_index_survives_deletes_and_vacuum(tmp_path):
    """The FTS5 index is keyed by articles.seq, which VACUUM does not renumber."""
    with open_store(tmp_path / "events.db") as st:
        st.save_batch(None, [drill(), protest(), sanctions()])
        st.delete_article(st.article_id(drill().text))
        with st.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")
        st.save_batch(None, [drill()])
        with st.engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
            seqs = conn.execute(select(articles.c.external_id, articles.c.seq).order_by(articles.c.seq)).all()
        assert [s for _, s in seqs] == [2, 3, 4]
        assert {r["title"] for r in st.query_events(text="drill")} == {"Joint drill near Termez"}
        assert {r["title"] for r in st.query_events(text="protesters")} == {"Fuel protest in Paris"}
        with st.engine.begin() as conn:
            conn.execute(articles.update().where(articles.c.external_id == "protest")
                         .values(title="Renamed", text="Nothing about fuel here."))
        assert {r["external_id"] for r in st.query_articles(text="fuel")} == {"protest"}
        assert list(st.query_articles(text="protesters")) == []


def test_postgresql_search_uses_the_gin_index(postgres_server):
    from sqlalchemy.dialects import postgresql

    url = postgres_server.create_database()
    try:
        with open_store(url) as st:
            st.save_batch(None, all_docs())
            stmt = select(articles.c.id).where(st._text_condition("sanctions"))
            sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
            with st.engine.connect() as conn:
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = "\n".join(conn.exec_driver_sql("EXPLAIN " + sql).scalars())
            assert FTS_INDEX in plan, plan
    finally:
        postgres_server.drop_database(url)


@pytest.mark.parametrize("given,driver,database", [
    ("events.db", "sqlite", "events.db"),
    ("/data/x/events.db", "sqlite", "/data/x/events.db"),
    ("sqlite:///events.db", "sqlite", "events.db"),
    (":memory:", "sqlite", None),
    ("postgresql://u:p@db.example/ev", "postgresql+psycopg", "ev"),
    ("postgres://u@db.example:5433/ev", "postgresql+psycopg", "ev"),
    ("postgresql://postgres@/ev?host=/tmp/sock&port=5433", "postgresql+psycopg", "ev"),
    ("postgresql+psycopg://u@h/ev", "postgresql+psycopg", "ev"),
])
def test_engine_urls(given, driver, database):
    url = engine_url(given)
    assert url.drivername == driver and url.database == database
    if "host=" in given:
        assert url.query["host"] == "/tmp/sock" and url.query["port"] == "5433"


def test_engine_url_of_a_path_object(tmp_path):
    assert engine_url(tmp_path / "a.db").database == str(tmp_path / "a.db")


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "oracle://x"])
def test_unsupported_databases_are_refused(bad):
    with pytest.raises(StoreError, match="unsupported"):
        engine_url(bad)


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no folder"):
        open_store(tmp_path / "nowhere" / "events.db")


def test_in_memory_store(tmp_path):
    with open_store(":memory:") as st:
        assert st.save_batch(None, all_docs()) == 5
        assert len(list(st.query_events(country="FRA"))) == 2


def test_an_unreachable_server_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store(f"postgresql://nobody@/x?host={tmp_path}&port=1&connect_timeout=2")


def test_migrations_ship_inside_the_package():
    folder = Path(migrate.MIGRATIONS)
    assert (folder / "env.py").is_file() and (folder / "script.py.mako").is_file()
    assert (folder / "versions" / "0001_initial.py").is_file()
