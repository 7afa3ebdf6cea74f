"""retention

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:47:58.935164
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "purge_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("workflow", sa.String(length=100), nullable=False),
        sa.Column("final_at", sa.DateTime(), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=False),
        sa.Column("purged_by", sa.String(length=254), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_log")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("final_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("legal_hold_reason", sa.Text(), server_default="", nullable=False)
        )


def downgrade() -> None:

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("legal_hold_reason")
        batch_op.drop_column("legal_hold")
        batch_op.drop_column("final_at")

    op.drop_table("purge_log")
