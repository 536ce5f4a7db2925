"""Stories: an index for finding a new event's candidate stories by type, country and day.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_stories_type_country_last_day"), "stories", ["type", "country", "last_day"])


def downgrade() -> None:
    op.drop_index(op.f("ix_stories_type_country_last_day"), table_name="stories")
