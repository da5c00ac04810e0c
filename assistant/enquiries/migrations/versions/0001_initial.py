"""Enquiries and their notification outbox (times are naive UTC, see models.UTCDateTime).

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create both tables."""
    op.create_table(
        "enquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("contact_method", sa.String(10), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("who_for", sa.String(20), nullable=True),
        sa.Column("availability", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_enquiries"),
        sa.UniqueConstraint("reference", name="uq_enquiries_reference"),
        sa.UniqueConstraint("idempotency_key", name="uq_enquiries_idempotency_key"),
        sa.CheckConstraint("route IN ('individual', 'couple_partner', 'general')", name="ck_enquiries_route"),
        sa.CheckConstraint(
            "contact_method IN ('email', 'phone', 'either')", name="ck_enquiries_contact_method"
        ),
    )
    op.create_index("ix_enquiries_created_at", "enquiries", ["created_at"])
    op.create_index("ix_enquiries_sender_id", "enquiries", ["sender_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enquiry_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("last_error", sa.String(100), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["enquiries.id"],
            name="fk_outbox_enquiry_id_enquiries",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent')", name="ck_outbox_status"),
    )
    op.create_index("ix_outbox_enquiry_id", "outbox", ["enquiry_id"])
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    """Drop both tables (and every enquiry in them)."""
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_index("ix_outbox_enquiry_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_enquiries_sender_id", table_name="enquiries")
    op.drop_index("ix_enquiries_created_at", table_name="enquiries")
    op.drop_table("enquiries")
