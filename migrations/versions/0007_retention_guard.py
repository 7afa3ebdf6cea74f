"""the database refuses to delete records before their retention period; outbox claims are timed

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-01 08:30:00

Every application, once final, records `keep_until`. Triggers refuse a DELETE of an
application, or of any row of its history, unless that moment has passed and no legal
hold is set: so no code path, cascade or hand-typed statement can lose a record early.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None

# Tables holding an application's history, by the column naming the application.
HISTORY = ("audit_events", "answer_snapshots")
MESSAGE = "records are kept until their retention period has passed and no legal hold is set"


def _sqlite_triggers() -> list[str]:
    kept = "a.keep_until IS NOT NULL AND a.keep_until <= datetime('now') AND NOT a.legal_hold"
    statements = [
        f"""CREATE TRIGGER applications_kept BEFORE DELETE ON applications
        WHEN NOT (OLD.keep_until IS NOT NULL AND OLD.keep_until <= datetime('now')
                  AND NOT OLD.legal_hold)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    ]
    for table in HISTORY:
        statements.append(
            f"""CREATE TRIGGER {table}_kept BEFORE DELETE ON {table}
            WHEN NOT EXISTS (SELECT 1 FROM applications a
                             WHERE a.id = OLD.application_id AND {kept})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        )
    return statements


def _postgresql_triggers() -> list[str]:
    statements = [
        f"""CREATE FUNCTION formflow_keep_records() RETURNS trigger AS $$
        DECLARE app_id integer;
        BEGIN
          IF TG_TABLE_NAME = 'applications' THEN app_id := OLD.id;
          ELSE app_id := OLD.application_id;
          END IF;
          IF NOT EXISTS (
            SELECT 1 FROM applications a
            WHERE a.id = app_id AND a.keep_until IS NOT NULL
              AND a.keep_until <= (now() AT TIME ZONE 'UTC') AND NOT a.legal_hold
          ) THEN
            RAISE EXCEPTION '{MESSAGE} (application %)', app_id;
          END IF;
          RETURN OLD;
        END $$ LANGUAGE plpgsql"""
    ]
    for table in ("applications", *HISTORY):
        statements.append(
            f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION formflow_keep_records()"
        )
    return statements


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keep_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
    dialect = op.get_bind().dialect.name
    for statement in _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("applications", *HISTORY):
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_kept ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_kept")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS formflow_keep_records()")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("keep_until")
