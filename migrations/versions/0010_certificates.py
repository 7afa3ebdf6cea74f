"""certificates issued to educators, and the one-time codes that show them their own

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00

Certificates are part of an event's record: like its history, the database refuses to
delete them before the event's retention period has passed (see migration 0007).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MESSAGE = "records are kept until their retention period has passed and no legal hold is set"


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("educator_name", sa.String(length=200), nullable=False),
        sa.Column("educator_email", sa.String(length=254), nullable=False),
        sa.Column("license_number", sa.String(length=40), nullable=False),
        sa.Column("attended", JSON, nullable=False),
        sa.Column("units", sa.String(length=20), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=False),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_certificates_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_certificates_issued_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["users.id"], name=op.f("fk_certificates_revoked_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("application_id", "sequence", name="uq_certificates_sequence"),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    op.create_index(
        op.f("ix_certificates_application_id"), "certificates", ["application_id"], unique=False
    )
    op.create_index(
        op.f("ix_certificates_educator_email"), "certificates", ["educator_email"], unique=False
    )
    op.create_table(
        "educator_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("code_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_educator_codes")),
    )
    op.create_index(op.f("ix_educator_codes_email"), "educator_codes", ["email"], unique=False)
    op.create_table(
        "certificate_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("certificate_ids", JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_certificate_batches_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_certificate_batches_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_batches")),
    )
    op.create_index(
        op.f("ix_certificate_batches_application_id"),
        "certificate_batches",
        ["application_id"],
        unique=False,
    )
    # Plain ALTER TABLE: batch mode would rebuild the outbox table on SQLite for nothing.
    op.add_column("outbox", sa.Column("attachments", JSON, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # The function of migration 0007 judges by OLD.application_id.
        op.execute(
            "CREATE TRIGGER certificates_kept BEFORE DELETE ON certificates "
            "FOR EACH ROW EXECUTE FUNCTION formflow_keep_records()"
        )
    else:
        kept = "a.keep_until IS NOT NULL AND a.keep_until <= datetime('now') AND NOT a.legal_hold"
        op.execute(
            f"""CREATE TRIGGER certificates_kept BEFORE DELETE ON certificates
            WHEN NOT EXISTS (SELECT 1 FROM applications a
                             WHERE a.id = OLD.application_id AND {kept})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS certificates_kept ON certificates")
    else:
        op.execute("DROP TRIGGER IF EXISTS certificates_kept")
    op.drop_column("outbox", "attachments")
    op.drop_index(op.f("ix_certificate_batches_application_id"), table_name="certificate_batches")
    op.drop_table("certificate_batches")
    op.drop_index(op.f("ix_educator_codes_email"), table_name="educator_codes")
    op.drop_table("educator_codes")
    op.drop_index(op.f("ix_certificates_educator_email"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_application_id"), table_name="certificates")
    op.drop_table("certificates")
