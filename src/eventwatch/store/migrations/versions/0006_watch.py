"""Watch: watchlists, the alerts they raise, their deliveries, and the watch's state.

``watchlists`` keeps each watchlist's YAML mapping as JSON and the event id from which it
alerts; ``alerts`` one row per (watchlist, event) that matched, with the reasons and the story
(a watchlist alerts once per story); ``deliveries`` each alert through each notifier, with its
attempts and when to retry; ``watch_state`` the last event matched and each feed's
conditional-request validators and last error, so that a restarted daemon neither re-alerts
nor misses an item.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watchlists",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("spec", Json, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("since_event", sa.BigInteger(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlists")),
        sa.UniqueConstraint("name", name=op.f("uq_watchlists_name")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("watchlist_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("story_id", sa.BigInteger(), nullable=True),
        sa.Column("reasons", Json, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(["watchlist_id"], ["watchlists.id"], ondelete="CASCADE",
                                name=op.f("fk_alerts_watchlist_id_watchlists")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE",
                                name=op.f("fk_alerts_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("watchlist_id", "event_id", name=op.f("uq_alerts_watchlist_id_event_id")),
    )
    op.create_index(op.f("ix_alerts_event_id"), "alerts", ["event_id"])
    op.create_index(op.f("ix_alerts_created_at"), "alerts", ["created_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.BigInteger(), nullable=False),
        sa.Column("notifier", Json, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", When, nullable=True),
        sa.Column("sent_at", When, nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], ondelete="CASCADE",
                                name=op.f("fk_deliveries_alert_id_alerts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    op.create_index(op.f("ix_deliveries_alert_id"), "deliveries", ["alert_id"])
    op.create_index(op.f("ix_deliveries_next_attempt_at"), "deliveries", ["next_attempt_at"])
    op.create_table(
        "watch_state",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", Json, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_watch_state")),
    )


def downgrade() -> None:
    op.drop_table("watch_state")
    op.drop_table("deliveries")
    op.drop_table("alerts")
    op.drop_table("watchlists")
