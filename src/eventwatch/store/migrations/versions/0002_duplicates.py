"""Near-duplicate articles: articles.duplicate_of and .similarity, the status "duplicate"
(``articles.status`` is free text: no constraint to change), and the MinHash ``signatures``.

On SQLite the columns are added in place (``ALTER TABLE ... ADD COLUMN``, with the foreign key
inline), never by recreating ``articles``: that would drop the full-text triggers and, with
foreign keys on, cascade the delete to every child table. For the same reason the downgrade on
SQLite cannot drop ``duplicate_of`` (SQLite refuses to drop a column with a foreign key): it
empties both columns and leaves them, and upgrading again reuses them.

Downgrading turns stored duplicates into what 0001 knows: skipped articles, the reason
"duplicate of <id>".

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        have = _columns("articles")
        if "duplicate_of" not in have:
            op.execute("ALTER TABLE articles ADD COLUMN duplicate_of TEXT "
                       "CONSTRAINT fk_articles_duplicate_of_articles "
                       "REFERENCES articles (id) ON DELETE SET NULL")
        if "similarity" not in have:
            op.execute("ALTER TABLE articles ADD COLUMN similarity DOUBLE")
    else:
        op.add_column("articles", sa.Column("duplicate_of", sa.Text(), nullable=True))
        op.add_column("articles", sa.Column("similarity", sa.Double(), nullable=True))
        op.create_foreign_key(op.f("fk_articles_duplicate_of_articles"), "articles", "articles",
                              ["duplicate_of"], ["id"], ondelete="SET NULL")
    op.create_index(op.f("ix_articles_duplicate_of"), "articles", ["duplicate_of"])

    op.create_table(
        "signatures",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE",
                                name=op.f("fk_signatures_article_id_articles")),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_signatures")),
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table("signatures")
    op.execute("UPDATE articles SET status = 'skipped', "
               "skip_reason = 'duplicate of ' || coalesce(duplicate_of, '?') WHERE status = 'duplicate'")
    op.drop_index(op.f("ix_articles_duplicate_of"), table_name="articles")
    if dialect == "sqlite":
        op.execute("UPDATE articles SET duplicate_of = NULL, similarity = NULL")
        op.execute("ALTER TABLE articles DROP COLUMN similarity")
    else:
        op.drop_constraint(op.f("fk_articles_duplicate_of_articles"), "articles", type_="foreignkey")
        op.drop_column("articles", "similarity")
        op.drop_column("articles", "duplicate_of")
