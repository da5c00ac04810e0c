"""The last TOTP time step accepted for each account, so a code cannot be used twice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``admin_users.totp_last_step``."""
    with op.batch_alter_table("admin_users") as batch:
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("admin_users") as batch:
        batch.drop_column("totp_last_step")
