"""sign-ups wait for their email address to be confirmed before the account exists;
emails counted per address by an index

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 18:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_sign_ups_email_created_at", "sign_ups", ["email", "created_at"])
    op.create_index("ix_outbox_to_addr_created_at", "outbox", ["to_addr", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_to_addr_created_at", table_name="outbox")
    op.drop_index("ix_sign_ups_email_created_at", table_name="sign_ups")
    op.drop_table("sign_ups")
