"""Near-duplicates at ingest: MinHash signatures, the LSH index, the store and the migration.

The articles here are short news stories written for these tests.
"""
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select, text

from eventwatch import dedup
from eventwatch.ingest import ingest
from eventwatch.store import make_engine, migrate, open_store
from eventwatch.store.schema import articles, events, signatures

PARAGRAPHS = [
    "Police in Nairobi arrested 42 protesters on Tuesday after demonstrations against a proposed "
    "tax on fuel and bread turned violent in the city centre, officials said.",
    "Witnesses said officers fired tear gas at crowds that had gathered outside parliament, where "
    "lawmakers were debating the finance bill. Several shops on Moi Avenue were looted and at least "
    "two cars were set on fire before the crowds dispersed in the late afternoon.",
    "Interior Minister Kithure Kindiki said the government would not tolerate lawlessness and "
    "promised that those responsible for the destruction of property would be prosecuted. He "
    "urged organisers to hold their meetings peacefully and to respect the law.",
    "Opposition leaders accused the police of using excessive force and called for an independent "
    "inquiry into the arrests. Human rights groups said at least 15 people were treated in hospital "
    "for injuries, three of them for gunshot wounds.",
    "The finance bill, which the Treasury says is needed to reduce the country's debt, is expected "
    "to be put to a vote next week. Protest organisers said they would return to the streets on "
    "Thursday if lawmakers did not withdraw the new taxes.",
]
ORIGINAL = "\n\n".join(PARAGRAPHS)
#: Republished with a new headline, a byline and a newsletter plug.
COPY_BOILERPLATE = ("Kenya police arrest dozens in tax protests\n\nBy Staff Reporter\n\n" + ORIGINAL
                    + "\n\nSubscribe to our newsletter for the latest news from East Africa.")
#: Paragraphs reordered, a copyright line added.
COPY_REORDERED = "\n\n".join([PARAGRAPHS[0], PARAGRAPHS[2], PARAGRAPHS[1], PARAGRAPHS[4], PARAGRAPHS[3],
                              "Copyright 2024 East Africa Wire. All rights reserved."])
#: Another story on the same topic (the same city, the same protests): not a duplicate.
DISTINCT = (
    "Thousands of protesters marched through Nairobi on Thursday to demand that lawmakers withdraw "
    "the finance bill, a week after police arrested dozens of demonstrators in the city.\n\n"
    "The march was largely peaceful, although police fired tear gas near parliament when a group "
    "of young men threw stones at officers. Organisers said the new taxes on fuel and bread would "
    "push millions of families into poverty.\n\n"
    "Treasury officials defended the bill, saying that without new revenue the government would "
    "struggle to pay its foreign debt. The opposition said it would challenge the taxes in court.")


def test_minhash_is_deterministic():
    a, b = dedup.minhash(ORIGINAL), dedup.minhash(ORIGINAL)
    assert (a.hashvalues == b.hashvalues).all()
    blob = dedup.signature_bytes(a)
    assert len(blob) == 4 * dedup.NUM_PERM
    assert (dedup.from_bytes(blob).hashvalues == a.hashvalues).all()
    # Case, whitespace and punctuation do not matter; words do.
    assert dedup.shingles(ORIGINAL.upper().replace("\n\n", "  ")) == dedup.shingles(ORIGINAL)
    assert dedup.estimate(blob, dedup.signature_bytes(dedup.minhash(DISTINCT))) < 0.2
    # Short texts use 3-grams; a text shorter than one shingle is one shingle.
    assert all(len(s.split()) == 3 for s in dedup.shingles("Police arrested five people in Lagos on Monday."))
    assert dedup.shingles("Lagos floods") == {b"lagos floods"}


def test_edited_copies_are_found_and_distinct_stories_are_not():
    index = dedup.NearDuplicates(threshold=0.8)
    index.add("original", ORIGINAL)
    for copy in (COPY_BOILERPLATE, COPY_REORDERED):
        hit = index.find(copy)
        assert hit is not None and hit[0] == "original" and 0.8 <= hit[1] <= 1.0, hit
    assert index.find(DISTINCT) is None
    index.add("distinct", DISTINCT)
    assert index.find(DISTINCT) == ("distinct", 1.0)
    assert index.find(COPY_REORDERED)[0] == "original"
    index.remove("original")
    assert index.find(COPY_REORDERED) is None
    with pytest.raises(ValueError):
        dedup.NearDuplicates(threshold=0)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return request.getfixturevalue("pg_url")


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in texts.items():
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    return folder


def test_ingest_links_copies_to_their_original(db_url, tmp_path):
    corpus = _write(tmp_path / "news", {"a-original": ORIGINAL, "b-copy": COPY_BOILERPLATE,
                                        "c-copy": COPY_REORDERED, "d-distinct": DISTINCT})
    with open_store(db_url) as store:
        report = ingest([str(corpus)], store, published="2024-06-25", batch_size=2)
        assert (report.new, report.near_duplicates, report.duplicates) == (2, 2, 0), report.summary()
        assert "2 near-duplicate(s)" in report.summary()
        assert store.counts()["articles"] == 2 and store.counts()["duplicates"] == 2
        rows = {r["id"]: r for r in store.query_articles(with_text=True)}
        assert len(rows) == 4
        original = store.article_id(ORIGINAL)
        dups = [r for r in rows.values() if r["status"] == "duplicate"]
        assert {r["text"] for r in dups} == {COPY_BOILERPLATE, COPY_REORDERED}
        assert all(r["duplicate_of"] == original and 0.8 <= r["similarity"] <= 1 for r in dups)
        assert {r["id"] for r in store.query_articles(status="duplicate")} == {r["id"] for r in dups}
        with store.engine.connect() as conn:
            with_events = set(conn.execute(select(events.c.article_id).distinct()).scalars())
            signed = set(conn.execute(select(signatures.c.article_id)).scalars())
        assert with_events == {original, store.article_id(DISTINCT)}
        assert signed == with_events  # the originals are indexed, the copies are not
        assert store.article(dups[0]["id"])["duplicate_of"] == original

        again = ingest([str(corpus)], store, published="2024-06-25")
        assert (again.new, again.near_duplicates, again.duplicates) == (0, 0, 4)
        assert len(list(store.query_articles())) == 4

        # A new run rebuilds the index from the store: a copy arriving later is still caught.
        later = _write(tmp_path / "later", {"e-copy": "UPDATED: " + "\n\n".join(PARAGRAPHS[1:] + PARAGRAPHS[:1])
                                            + "\n\nThis article first appeared on the wire."})
        third = ingest([str(later)], store, published="2024-06-26")
        assert (third.new, third.near_duplicates) == (0, 1)
        assert store.counts()["duplicates"] == 3

        # Deleting an original unlinks its copies (ON DELETE SET NULL) and drops its signature.
        assert store.delete_article(original)
        with store.engine.connect() as conn:
            assert conn.execute(select(articles.c.duplicate_of).where(articles.c.status == "duplicate")
                                ).scalars().all() == [None, None, None]
            assert original not in set(conn.execute(select(signatures.c.article_id)).scalars())


def test_ingest_without_dedup_and_with_reanalysis(tmp_path):
    corpus = _write(tmp_path / "news", {"a-original": ORIGINAL, "b-copy": COPY_BOILERPLATE})
    with open_store(tmp_path / "off.db") as store:
        report = ingest([str(corpus)], store, dedup=False)
        assert (report.new, report.near_duplicates) == (2, 0)
    with open_store(tmp_path / "re.db") as store:
        report = ingest([str(corpus)], store, reanalyse_duplicates=True)
        assert (report.new, report.near_duplicates) == (2, 1)
        copy = store.article_id(COPY_BOILERPLATE)
        row = next(r for r in store.query_articles() if r["id"] == copy)
        assert row["status"] == "analysed" and row["duplicate_of"] == store.article_id(ORIGINAL)
        assert store.article(copy)["events"]


def test_migration_upgrades_an_existing_0001_database(db_url):
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0001")
        assert "signatures" not in inspect(engine).get_table_names()
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO articles (id, text, status, ingested_at) "
                "VALUES ('abc', 'An old article.', 'analysed', '2024-01-02 03:04:05+00:00')"))
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == "abc")).one()
        assert (row.text, row.status, row.duplicate_of, row.similarity) == ("An old article.", "analysed", None, None)
        with engine.begin() as conn:
            conn.execute(insert(articles), {"id": "copy", "text": "A copy.", "status": "duplicate",
                                            "ingested_at": row.ingested_at, "duplicate_of": "abc",
                                            "similarity": 0.9})
        # Down to 0001: duplicates become skipped articles saying of what; up again works.
        migrate.downgrade(engine, "0001")
        with engine.connect() as conn:
            status, reason = conn.execute(text("SELECT status, skip_reason FROM articles WHERE id = 'copy'")).one()
        assert (status, reason) == ("skipped", "duplicate of abc")
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
