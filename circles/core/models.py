"""Records that belong to no feature: the audit log and the mail outbox."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from circles.core.db import UTCDateTime, db, utcnow


class AuditEntry(db.Model):
    """Who did what to whom, when: membership and role changes, reviews, newsletter sends.

    Details hold ids and codes, never names, so that deleting an account removes its name everywhere.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Who acted; NULL for the system or for an account that was deleted since.
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "anonymise"}
    )
    #: The person acted upon, if any.
    subject_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "anonymise"}
    )
    action: Mapped[str] = mapped_column(sa.String(60))
    #: The kind and id of the object, e.g. ("circle", 12), for a coordinator's view of one circle.
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id"),)


class MailBody(db.Model):
    """A message body shared by many outbox rows (one newsletter edition to thousands of readers),
    so the outbox stays small; per-recipient parts come from the row's ``fields``."""

    __tablename__ = "mail_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)


class OutgoingMail(db.Model):
    """One e-mail to send: written in the same transaction as the change that caused it, then
    claimed by exactly one sender, so a crash neither loses nor duplicates it."""

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    to_address: Mapped[str] = mapped_column(sa.String(320), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    #: The body, or NULL when ``body_id`` names a shared body.
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mail_bodies.id"), index=True)
    #: Per-recipient values put into the shared body's ``[[name]]`` placeholders (e.g. the unsubscribe link).
    fields: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Groups the rows of one mailing ("newsletter:12") for its send report.
    batch: Mapped[str | None] = mapped_column(sa.String(60))
    #: At most one row per key ("newsletter:12:345"), so queuing a mailing twice adds nobody twice.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    #: Not sent after this moment (a newsletter is not delivered days late); the row becomes "expired".
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Extra headers (e.g. List-Unsubscribe) as a JSON object.
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Files to attach: [{"filename", "content_type", "data" (base64)}], e.g. an updated .ics.
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: pending -> sending -> sent | failed; "unknown" when the connection broke after DATA (or the
    #: sender died while sending); "expired" when ``expires_at`` passed first; "cancelled" when the
    #: address started bouncing before its turn.
    status: Mapped[str] = mapped_column(sa.String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "host:pid" of the sender that claimed it, so a restarted sender can tell a dead claim at once.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    #: Fixed per message, so a resend after an ambiguous failure can be recognised by the receiver.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)

    __table_args__ = (
        sa.Index("ix_outgoing_mails_due", "status", "next_attempt_at"),
        sa.Index("ix_outgoing_mails_batch", "batch", "status"),
    )
