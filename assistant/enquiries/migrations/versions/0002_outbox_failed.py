"""The outbox status ``failed``: a notification given up on (a permanent SMTP error, or too many attempts).

The first migration's check constraint was named through the metadata's naming convention
twice (``ck_outbox_ck_outbox_status``); it is replaced by one with the name the model gives
(``ck_outbox_status``). On SQLite the table is copied (batch mode), its rows kept.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-12
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_NAME = "ck_outbox_ck_outbox_status"
NEW_NAME = "ck_outbox_status"


def upgrade() -> None:
    """Allow ``failed`` as an outbox status."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f(OLD_NAME), type_="check")
        batch.create_check_constraint(op.f(NEW_NAME), "status IN ('pending', 'sending', 'sent', 'failed')")


def downgrade() -> None:
    """Back to three statuses; failed notifications become pending again (to be retried)."""
    op.execute("UPDATE outbox SET status = 'pending' WHERE status = 'failed'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f(NEW_NAME), type_="check")
        batch.create_check_constraint(op.f(OLD_NAME), "status IN ('pending', 'sending', 'sent')")
