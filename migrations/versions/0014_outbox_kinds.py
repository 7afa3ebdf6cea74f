"""the kind of each outbox message, so one delivery loop can send more than email

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, as in 0009: the server default fills every row already written,
# which were all emails, on SQLite and PostgreSQL alike.
def upgrade() -> None:
    op.add_column(
        "outbox", sa.Column("kind", sa.String(20), nullable=False, server_default="email")
    )


def downgrade() -> None:
    op.drop_column("outbox", "kind")
