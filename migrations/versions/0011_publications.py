"""each act of publishing a definition version, so an earlier version can be put back in force

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "definition_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(254), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
            name=op.f("fk_definition_publications_definition_id_definitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_publications")),
    )
    op.create_index(
        op.f("ix_definition_publications_definition_id"),
        "definition_publications",
        ["definition_id"],
    )
    # Every version published so far was published once, in the order of its id.
    op.execute(
        "INSERT INTO definition_publications (definition_id, published_at, published_by) "
        "SELECT id, published_at, published_by FROM definitions ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_definition_publications_definition_id"), table_name="definition_publications"
    )
    op.drop_table("definition_publications")
