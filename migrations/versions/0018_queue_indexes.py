"""indexes for the review queue: the versions unfinished applications keep, and the
order the queue pages through

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_applications_unfinished_versions",
        "applications",
        ["workflow", "workflow_version", "form_version"],
        postgresql_where=sa.text("final_at IS NULL"),
        sqlite_where=sa.text("final_at IS NULL"),
    )
    op.create_index("ix_applications_state_entered", "applications", ["state_entered_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_applications_state_entered", table_name="applications")
    op.drop_index("ix_applications_unfinished_versions", table_name="applications")
