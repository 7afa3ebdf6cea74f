"""applications can be assigned to a reviewer

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:00:00

A plain ALTER TABLE, not Alembic's batch mode: on SQLite batch mode copies the table
to add a foreign key, which would drop the retention triggers 0007 put on it. SQLite
accepts a named inline REFERENCES on a nullable added column; PostgreSQL gets the
same named constraint the usual way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FK = "fk_applications_assigned_to_id_users"
INDEX = "ix_applications_assigned_to_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("applications", sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "applications", "users", ["assigned_to_id"], ["id"])
    else:
        op.execute(
            "ALTER TABLE applications ADD COLUMN assigned_to_id INTEGER "
            f"CONSTRAINT {FK} REFERENCES users (id)"
        )
    op.create_index(INDEX, "applications", ["assigned_to_id"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="applications")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FK, "applications", type_="foreignkey")
    # SQLite (3.35+) drops a column that only an index and its own REFERENCES use.
    op.drop_column("applications", "assigned_to_id")
