"""applications can be assigned to a reviewer, and the history says to whom

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:00:00

A plain ALTER TABLE, not Alembic's batch mode: on SQLite batch mode copies a table
to add a foreign key, which would drop the retention triggers 0007 put on both. SQLite
accepts a named inline REFERENCES on a nullable added column; PostgreSQL gets the
same named constraint the usual way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (table, column): each a nullable reference to users.
COLUMNS = (("applications", "assigned_to_id"), ("audit_events", "assignee_id"))
INDEX = "ix_applications_assigned_to_id"


def _fk(table: str, column: str) -> str:
    return f"fk_{table}_{column}_users"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, column in COLUMNS:
        if postgresql:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(_fk(table, column), table, "users", [column], ["id"])
        else:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
                f"CONSTRAINT {_fk(table, column)} REFERENCES users (id)"
            )
    op.create_index(INDEX, "applications", ["assigned_to_id"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="applications")
    for table, column in COLUMNS:
        if op.get_bind().dialect.name == "postgresql":
            op.drop_constraint(_fk(table, column), table, type_="foreignkey")
        # SQLite (3.35+) drops a column that only its own REFERENCES uses.
        op.drop_column(table, column)
