"""The database tables, as SQLAlchemy 2 declarative models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from engine.platform.clock import utcnow

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonData = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Base of every model; shares one MetaData with named constraints."""

    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A person who signs in: applicant, reviewer or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Sign-in name given to provider accounts (first initial + last name, made unique).
    username: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    # Comma-separated role names; a handful of roles does not justify a join table yet.
    roles: Mapped[str] = mapped_column(String(200), default="applicant")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Sessions remember the epoch they began in; signing out or changing the password
    # moves it on, which ends every session of the account, on every device.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def role_set(self) -> frozenset[str]:
        """Return the roles this user holds."""
        return frozenset(r for r in self.roles.split(",") if r)

    def has_role(self, role: str) -> bool:
        """Tell whether this user holds the role."""
        return role in self.role_set()


class LoginAttempt(Base):
    """One sign-in attempt, kept to throttle password guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        # Failures are counted per network address too (whatever accounts were tried).
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64), default="")
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SignUp(Base):
    """A sign-up waiting for its email address to be confirmed; the account comes after.

    The emailed link carries the token; only its SHA-256 is kept, so the table alone
    opens nothing.
    """

    __tablename__ = "sign_ups"
    __table_args__ = (Index("ix_sign_ups_email_created_at", "email", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ParkedForm(Base):
    """What a person posted just after their session ended for idleness, kept for them.

    One per account (the latest): after signing in again they are offered to send it.
    """

    __tablename__ = "parked_forms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    path: Mapped[str] = mapped_column(String(2000))
    # The posted fields as [name, value] pairs, in order (a name may repeat).
    fields: Mapped[list[list[str]]] = mapped_column(JsonData)
    parked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Organization(Base):
    """An organization with an account: for the agency, an approved provider."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The number shown on certificates and in the directory, e.g. RUP-0042.
    number: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # active | inactive: an inactive organization keeps its records but files nothing new.
    status: Mapped[str] = mapped_column(String(20), default="active")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    # The application whose approval created it.
    source_application_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )


class Membership(Base):
    """A user working for an organization, as its account manager or as a user."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id", name="uq_memberships_organization_user"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # manager (the account manager: adds and removes users) | member
    role: Mapped[str] = mapped_column(String(20), default="member")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined")


class Definition(Base):
    """One published version of a form or workflow file, kept forever."""

    __tablename__ = "definitions"
    __table_args__ = (UniqueConstraint("kind", "name", "version", name="uq_definitions_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(254), default="")


class Publication(Base):
    """One act of publishing: this version put in force, by whom and when.

    A version is stored once (Definition); it may be published again, such as when staff
    go back to it, and the latest publication of each form and workflow is in force.
    """

    __tablename__ = "definition_publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(254), default="")

    definition: Mapped[Definition] = relationship(lazy="joined")


class Application(Base):
    """One case moving through a workflow, pinned to the definitions it started on."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_workflow_state", "workflow", "state", "id"),
        # The versions unfinished applications keep (DefinitionRegistry.versions_in_use):
        # read from the index alone, however many finished applications there are.
        Index(
            "ix_applications_unfinished_versions",
            "workflow",
            "workflow_version",
            "form_version",
            postgresql_where=text("final_at IS NULL"),
            sqlite_where=text("final_at IS NULL"),
        ),
        # The queue, oldest first, a page at a time.
        Index("ix_applications_state_entered", "state_entered_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workflow: Mapped[str] = mapped_column(String(100))
    workflow_version: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(100))
    # Optimistic concurrency: every change bumps it; a stale writer is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The organization the application belongs to or concerns (see `organization:` in
    # docs/yaml-reference.md); None for one person's own application.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), nullable=True, index=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    title: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    state_entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # When it reached a final state: the retention period counts from here.
    final_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # final_at + the workflow's retention period, fixed when it became final. The
    # database itself refuses to delete the application or its history before then.
    keep_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Why the hold was last placed or lifted, and by whom: the database writes both into
    # the history whenever legal_hold changes (migration 0012).
    legal_hold_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    legal_hold_by: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The reviewer who has taken it on; changed only by engine.review.assignment.
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True, index=True
    )

    owner: Mapped[User] = relationship(lazy="joined", foreign_keys=[owner_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])


class AnswerSnapshot(Base):
    """The answers as they stood at one transition, so any past view can be rebuilt."""

    __tablename__ = "answer_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonData)
    form_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """An append-only record of one transition (or creation) of an application."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    trigger: Mapped[str] = mapped_column(String(100))
    from_state: Mapped[str | None] = mapped_column(String(100), nullable=True)
    to_state: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    # The reason chosen, for a transition that declares `reasons` (its id).
    reason: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # A guard overridden by staff: its message, and the written reason for going ahead.
    overridden: Mapped[str] = mapped_column(Text, default="", server_default="")
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    workflow_version: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(64))
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("answer_snapshots.id"), nullable=True
    )
    # For an assignment (engine.review.assignment): whom it was given to; None for the rest
    # and for "unassigned".
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])
    assignee: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[assignee_id])


class OutboxMessage(Base):
    """A message (an email) written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_id", "status", "id"),
        # How many emails of a kind an address got lately (reset and sign-up limits).
        Index("ix_outbox_to_addr_created_at", "to_addr", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What is delivered and by which sender (engine.platform.outbox.EMAIL, ...).
    kind: Mapped[str] = mapped_column(String(20), default="email", server_default="email")
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id"), nullable=True, index=True
    )
    template: Mapped[str] = mapped_column(String(100))
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # pending → sending (claimed by one deliverer) → sent, or back to pending on failure.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When a deliverer claimed it: a row left in 'sending' long after was interrupted.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Files made when the email is sent, from stored data: e.g. [{"certificate": 12}].
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonData, nullable=True)


class PurgeRecord(Base):
    """What the retention command removed, when and by whom: kept for good."""

    __tablename__ = "purge_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(Integer)
    workflow: Mapped[str] = mapped_column(String(100))
    final_at: Mapped[datetime] = mapped_column(DateTime)
    purged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    purged_by: Mapped[str] = mapped_column(String(254), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)


class Obligation(Base):
    """One thing an application owes (a report after one date or period), and its report."""

    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("application_id", "name", "key", name="uq_obligations_application_key"),
        Index("ix_obligations_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    # The obligation's id in the workflow YAML, e.g. certificate_count.
    name: Mapped[str] = mapped_column(String(100))
    # Stable while the date stays: 'date:2027-03-16' or 'period:2027-03-01'.
    key: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(300), default="")
    # From when the report may be filed, and by when it is due.
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    # open | met | cancelled
    status: Mapped[str] = mapped_column(String(20), default="open")
    met_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    met_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The report's answers and the version of the form they were filed on.
    data: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ObligationReminder(Base):
    """One reminder sent about an obligation; the unique stage keeps it from going twice."""

    __tablename__ = "obligation_reminders"
    __table_args__ = (
        UniqueConstraint("obligation_id", "stage", name="uq_obligation_reminders_stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), index=True)
    # e.g. 'before7:2027-04-15', 'due:2027-04-15', 'overdue:2027-04-15'
    stage: Mapped[str] = mapped_column(String(60))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Certificate(Base):
    """One educator's certificate for one event, its printed details frozen when issued.

    A PDF is drawn from `details` only, never from the event as it is now, so a later
    change to the event cannot alter (or blank) a certificate already issued.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("application_id", "sequence", name="uq_certificates_sequence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    # The n-th certificate of its event: the number printed is '000123-0001'.
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    # The verification code printed and in the QR code: random, not guessable.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    educator_name: Mapped[str] = mapped_column(String(200))
    educator_email: Mapped[str] = mapped_column(String(254), index=True)
    license_number: Mapped[str] = mapped_column(String(40), default="")
    # The dates attended, ISO strings, each a date of the event.
    attended: Mapped[list[str]] = mapped_column(JsonData, default=list)
    units: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class EducatorCode(Base):
    """A one-time code emailed to an educator, to see the certificates sent to that address."""

    __tablename__ = "educator_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # A hash of the code: a copy of the database does not reveal codes still valid.
    code_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class CertificateBatch(Base):
    """One PDF of many certificates, made by the worker with its progress shown as it goes."""

    __tablename__ = "certificate_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The certificates it holds, in order (ids), fixed when it is asked for.
    certificate_ids: Mapped[list[int]] = mapped_column(JsonData, default=list)
    # pending | running | done | failed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
