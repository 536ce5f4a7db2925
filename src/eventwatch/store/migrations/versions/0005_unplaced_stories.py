"""Stories: a partial index for the candidate stories that have no place.

A new event's candidates are the stories of its type and days in its country, or with no
place at all; one ``OR`` over both made the planners scan every country's stories of those
days. The query is now a ``UNION ALL`` of two index searches, the second one over this index.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_stories_type_last_day_unplaced", "stories", ["type", "last_day"],
                    sqlite_where=sa.text("lat IS NULL"), postgresql_where=sa.text("lat IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_stories_type_last_day_unplaced", table_name="stories")
