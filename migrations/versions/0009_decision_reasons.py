"""the reason chosen for a decision, and the written reason for overriding a guard

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: rebuilding audit_events on SQLite would drop the
# retention trigger that migration 0007 put on it.
def upgrade() -> None:
    op.add_column(
        "audit_events", sa.Column("reason", sa.String(100), nullable=False, server_default="")
    )
    op.add_column(
        "audit_events", sa.Column("overridden", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "audit_events",
        sa.Column("override_reason", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    for column in ("override_reason", "overridden", "reason"):
        op.drop_column("audit_events", column)
