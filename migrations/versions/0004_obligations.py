"""obligations and the reminders sent about them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "obligations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("met_at", sa.DateTime(), nullable=True),
        sa.Column("met_by", sa.Integer(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_obligations_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(["met_by"], ["users.id"], name=op.f("fk_obligations_met_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obligations")),
        sa.UniqueConstraint("application_id", "name", "key", name="uq_obligations_application_key"),
    )
    op.create_index(
        op.f("ix_obligations_application_id"), "obligations", ["application_id"], unique=False
    )
    op.create_index("ix_obligations_status_due_on", "obligations", ["status", "due_on"])
    op.create_table(
        "obligation_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=60), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["obligations.id"],
            name=op.f("fk_obligation_reminders_obligation_id_obligations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obligation_reminders")),
        sa.UniqueConstraint("obligation_id", "stage", name="uq_obligation_reminders_stage"),
    )
    op.create_index(
        op.f("ix_obligation_reminders_obligation_id"),
        "obligation_reminders",
        ["obligation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_obligation_reminders_obligation_id"), table_name="obligation_reminders")
    op.drop_table("obligation_reminders")
    op.drop_index("ix_obligations_status_due_on", table_name="obligations")
    op.drop_index(op.f("ix_obligations_application_id"), table_name="obligations")
    op.drop_table("obligations")
