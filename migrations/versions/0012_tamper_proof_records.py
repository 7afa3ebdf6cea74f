"""the history, answer snapshots and issued certificates cannot be rewritten; holds leave a trace

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:30:00

Migration 0007 refuses an early DELETE. This one closes the ways around it:
- audit_events and answer_snapshots are append-only: every UPDATE is refused;
- an issued certificate keeps what it certifies: only its revocation (once) and the
  time it was emailed may be written afterwards;
- an application's keep_until, once set, may only move later (so it cannot be moved into
  the past to let a DELETE through);
- placing or lifting a legal hold, by the engine or by hand, writes a history row with who
  and why (the engine fills legal_hold_by, which the trigger then clears, so a change typed
  by hand is named as such);
- on PostgreSQL, TRUNCATE of any of these tables is refused (row triggers do not fire on it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_events", "answer_snapshots")
# What a certificate says: fixed once issued.
CERTIFIED = (
    "application_id",
    "sequence",
    "number",
    "code",
    "educator_name",
    "educator_email",
    "license_number",
    "attended",
    "units",
    "details",
    "issued_at",
    "issued_by",
)
NO_TRUNCATE = ("applications", "audit_events", "answer_snapshots", "certificates", "obligations")
REWRITE = "the history of an application is kept as written: it cannot be changed"
CERTIFIED_MESSAGE = "an issued certificate cannot be changed; revoke it and issue another"
UNREVOKE = "a revoked certificate stays revoked"
EARLIER = "the date an application is kept until can only move later"
TRUNCATE = "records are kept for their retention period: TRUNCATE is refused"
DIRECT = "someone with direct database access"


def _hold_row(now: str, who: str) -> str:
    # The history row a hold change writes: trigger staff:legal_hold or staff:legal_hold_lifted.
    return f"""INSERT INTO audit_events
        (application_id, at, actor_id, "trigger", from_state, to_state, comment, reason,
         overridden, override_reason, workflow_version, form_version)
        VALUES (NEW.id, {now}, NULL,
                CASE WHEN NEW.legal_hold THEN 'staff:legal_hold'
                     ELSE 'staff:legal_hold_lifted' END,
                NEW.state, NEW.state,
                NEW.legal_hold_reason || ' (by ' || {who} || ')', '', '', '',
                NEW.workflow_version, NEW.form_version)"""


def _sqlite() -> list[str]:
    statements = [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{REWRITE}'); END"""
        for table in APPEND_ONLY
    ]
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in CERTIFIED)
    statements += [
        f"""CREATE TRIGGER certificates_certified BEFORE UPDATE ON certificates
        WHEN {changed}
        BEGIN SELECT RAISE(ABORT, '{CERTIFIED_MESSAGE}'); END""",
        f"""CREATE TRIGGER certificates_stay_revoked BEFORE UPDATE ON certificates
        WHEN OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS NOT OLD.revoked_at
             OR NEW.revoked_by IS NOT OLD.revoked_by OR NEW.revoke_reason IS NOT OLD.revoke_reason)
        BEGIN SELECT RAISE(ABORT, '{UNREVOKE}'); END""",
        f"""CREATE TRIGGER applications_keep_later BEFORE UPDATE OF keep_until ON applications
        WHEN OLD.keep_until IS NOT NULL
             AND (NEW.keep_until IS NULL OR NEW.keep_until < OLD.keep_until)
        BEGIN SELECT RAISE(ABORT, '{EARLIER}'); END""",
        f"""CREATE TRIGGER applications_hold_traced AFTER UPDATE OF legal_hold ON applications
        WHEN NEW.legal_hold IS NOT OLD.legal_hold
        BEGIN {
            _hold_row(
                "strftime('%Y-%m-%d %H:%M:%f', 'now')",
                f"CASE WHEN NEW.legal_hold_by <> '' THEN NEW.legal_hold_by ELSE '{DIRECT}' END",
            )
        };
        UPDATE applications SET legal_hold_by = '' WHERE id = NEW.id; END""",
    ]
    return statements


def _postgresql() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CERTIFIED if c != "details")
    who = (
        "CASE WHEN NEW.legal_hold_by <> '' THEN NEW.legal_hold_by "
        f"ELSE '{DIRECT} (' || current_user || ')' END"
    )
    statements = [
        """CREATE FUNCTION formflow_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$ LANGUAGE plpgsql""",
        f"""CREATE FUNCTION formflow_certificate_kept() RETURNS trigger AS $$
        BEGIN
          IF {changed} OR NEW.details::text IS DISTINCT FROM OLD.details::text THEN
            RAISE EXCEPTION '{CERTIFIED_MESSAGE}';
          END IF;
          IF OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at
             OR NEW.revoked_by IS DISTINCT FROM OLD.revoked_by
             OR NEW.revoke_reason IS DISTINCT FROM OLD.revoke_reason) THEN
            RAISE EXCEPTION '{UNREVOKE}';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE FUNCTION formflow_application_kept() RETURNS trigger AS $$
        BEGIN
          IF OLD.keep_until IS NOT NULL
             AND (NEW.keep_until IS NULL OR NEW.keep_until < OLD.keep_until) THEN
            RAISE EXCEPTION '{EARLIER}';
          END IF;
          IF NEW.legal_hold IS DISTINCT FROM OLD.legal_hold THEN
            {_hold_row("(now() AT TIME ZONE 'UTC')", who)};
            NEW.legal_hold_by := '';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER certificates_certified BEFORE UPDATE ON certificates "
        "FOR EACH ROW EXECUTE FUNCTION formflow_certificate_kept()",
        "CREATE TRIGGER applications_kept_later BEFORE UPDATE ON applications "
        "FOR EACH ROW EXECUTE FUNCTION formflow_application_kept()",
    ]
    statements += [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION formflow_refuse('{REWRITE}')"
        for table in APPEND_ONLY
    ]
    statements += [
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION formflow_refuse('{TRUNCATE}')"
        for table in NO_TRUNCATE
    ]
    return statements


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("legal_hold_by", sa.Text(), nullable=False, server_default="")
        )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql() if postgresql else _sqlite():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NO_TRUNCATE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP TRIGGER IF EXISTS certificates_certified ON certificates")
        op.execute("DROP TRIGGER IF EXISTS applications_kept_later ON applications")
        for function in (
            "formflow_refuse",
            "formflow_certificate_kept",
            "formflow_application_kept",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for name in (
            *(f"{table}_append_only" for table in APPEND_ONLY),
            "certificates_certified",
            "certificates_stay_revoked",
            "applications_keep_later",
            "applications_hold_traced",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("legal_hold_by")
