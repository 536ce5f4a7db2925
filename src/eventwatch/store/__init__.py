"""The event database: analysed articles in SQLite or PostgreSQL, queried and exported.

``open_store("events.db")`` (or a ``sqlite:///`` / ``postgresql://`` URL) opens the database
and brings its schema up to date; `Store` saves batches of analysed documents and streams
events back; `eventwatch.store.export.write_events` writes them as CSV, JSON, GeoJSON, Parquet,
GDELT-style TSV or a terminal table.
"""
from .export import FORMATS, write_events
from .rows import article_id, first_day
from .store import Store, StoreError, engine_url, haversine_km, make_engine, open_store

__all__ = ["FORMATS", "Store", "StoreError", "article_id", "engine_url", "first_day",
           "haversine_km", "make_engine", "open_store", "write_events"]
