"""The newsletter's records: subscribers and their consent log, news submissions, issues with their
sections and items (which content went out when), and the frozen renderings that are sent."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circles.accounts.models import Organisation, User
from circles.core.db import UTCDateTime, db, utcnow
from circles.core.models import MailBody

#: The version of the consent text on the subscribe form. Change it when the text changes, so the
#: consent log shows which words each subscriber agreed to.
CONSENT_VERSION = "2026-11-v1"


class SubscriberStatus(StrEnum):
    PENDING = "pending"  #: signed up, has not followed the confirmation link yet
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCING = "bouncing"  #: the mail server refused the address permanently; nothing is sent to it


SUBSCRIBER_STATUS_LABELS = {
    SubscriberStatus.PENDING: _l("Wacht op bevestiging"),
    SubscriberStatus.CONFIRMED: _l("Aangemeld"),
    SubscriberStatus.UNSUBSCRIBED: _l("Afgemeld"),
    SubscriberStatus.BOUNCING: _l("Adres weigert e-mail"),
}


class Subscriber(db.Model):
    """One e-mail address on the list. Not necessarily a member: anyone may subscribe."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case and trimmed, so the same address never appears twice.
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    #: Interests: sector codes and region codes (empty: no preference). Targeted sections follow them.
    sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(12), default=SubscriberStatus.PENDING, index=True)
    #: Where the sign-up came from: "website", "profile" (a member), "demo".
    source: Mapped[str] = mapped_column(sa.String(20), default="website")
    #: The member whose subscription this is, when subscribed from a profile. Deleting the account
    #: deletes the subscription (it is their personal data).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True,
                                                info={"personal": "delete"})
    consent_version: Mapped[str] = mapped_column(sa.String(20), default=CONSENT_VERSION)
    #: SHA-256 of the single-use confirmation token (the token itself is only in the e-mail).
    confirm_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    confirm_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The mail server's answer that made the address bounce.
    bounce_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    user: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return str(SUBSCRIBER_STATUS_LABELS.get(SubscriberStatus(self.status), self.status))


class ConsentAction(StrEnum):
    SUBSCRIBE = "subscribe"
    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"
    CHANGE = "change"  #: language or interests changed


class ConsentEvent(db.Model):
    """Append-only proof of consent (AVG art. 7): what happened, when, and which text was shown.
    Rows are never changed (an update raises); they go only with the subscriber."""

    __tablename__ = "newsletter_consent_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(12))
    text_version: Mapped[str] = mapped_column(sa.String(20))
    #: How: "form", "link" (confirmation link), "one-click" (mail client), "profile", "bounce", "demo".
    channel: Mapped[str] = mapped_column(sa.String(20), default="form")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@sa.event.listens_for(ConsentEvent, "before_update")
def _consent_log_is_append_only(_mapper, _connection, _target):
    raise RuntimeError("the consent log is append-only")


class NewsStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


NEWS_STATUS_LABELS = {
    NewsStatus.PENDING: _l("Wacht op de redactie"),
    NewsStatus.APPROVED: _l("Goedgekeurd"),
    NewsStatus.DECLINED: _l("Afgewezen"),
}


class NewsItem(db.Model):
    """A news item or initiative a member submits for the newsletter; an editor approves or declines."""

    __tablename__ = "news_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")  #: Markdown
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    sector_code: Mapped[str | None] = mapped_column(sa.ForeignKey("sectors.code"))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True,
                                                        info={"personal": "contribution"})
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(10), default=NewsStatus.PENDING, index=True)
    #: The editor's reason when declining (sent to the submitter).
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                      info={"personal": "anonymise"})
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def status_label(self) -> str:
        return str(NEWS_STATUS_LABELS.get(NewsStatus(self.status), self.status))


class IssueStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"  #: frozen; waiting for "send"
    SENDING = "sending"  #: recipients fixed, outbox rows written
    SENT = "sent"  #: nothing left to send (or the deadline passed)


ISSUE_STATUS_LABELS = {
    IssueStatus.DRAFT: _l("Concept"),
    IssueStatus.APPROVED: _l("Goedgekeurd"),
    IssueStatus.SENDING: _l("Wordt verzonden"),
    IssueStatus.SENT: _l("Verzonden"),
}


class Issue(db.Model):
    """One edition. Drafted from what happened between the previous issue's cut-off and its own."""

    __tablename__ = "newsletter_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    issue_date: Mapped[date] = mapped_column(sa.Date)
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    intro: Mapped[str] = mapped_column(sa.Text, default="")  #: Markdown
    #: The content window: after the previous issue's cut-off, up to this one's.
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cut_off: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10), default=IssueStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                      info={"personal": "anonymise"})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                       info={"personal": "anonymise"})
    #: The structured content as approved (sections and items); the archive page is rendered from it.
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON)
    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: After this moment the rest is not sent (a newsletter that arrives days late misleads).
    send_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipient_count: Mapped[int] = mapped_column(default=0)

    sections: Mapped[list["IssueSection"]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueSection.position")
    items: Mapped[list["IssueItem"]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueItem.position")

    @property
    def status_label(self) -> str:
        return str(ISSUE_STATUS_LABELS.get(IssueStatus(self.status), self.status))

    @property
    def display_subject(self) -> str:
        """The editor's subject, or "Nieuwsbrief 12" in the reader's language (each reader's e-mail too)."""
        return self.subject or str(_l("Nieuwsbrief %(number)s", number=self.number))

    @property
    def batch(self) -> str:
        """The outbox batch of this issue's deliveries."""
        return f"newsletter:{self.id}"


class SectionKind(StrEnum):
    PACKAGES = "packages"
    CASES = "cases"
    SUMMARIES = "summaries"
    MEETINGS = "meetings"
    NEWS = "news"
    CUSTOM = "custom"  #: added by the editor, usually for one region or sector


class IssueSection(db.Model):
    """A section of an issue. With sectors or regions it goes only to subscribers with one of those
    interests (a subscriber without interests gets only the sections for everyone)."""

    __tablename__ = "newsletter_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("newsletter_issues.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(10), default=SectionKind.CUSTOM)
    title: Mapped[str] = mapped_column(sa.String(200))
    sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)

    issue: Mapped[Issue] = relationship(back_populates="sections")
    items: Mapped[list["IssueItem"]] = relationship(back_populates="section", order_by="IssueItem.position")

    @property
    def is_targeted(self) -> bool:
        return bool(self.sectors or self.regions)


class IssueItem(db.Model):
    """One piece of platform content in an issue. The items of sent issues are the memory of what
    went out: ``fingerprint`` tells whether the content changed since."""

    __tablename__ = "newsletter_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("newsletter_issues.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("newsletter_sections.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    included: Mapped[bool] = mapped_column(default=True)
    #: The activity kind ("package", "case", "minutes", "meeting", "news") and the object's id.
    kind: Mapped[str] = mapped_column(sa.String(20))
    object_id: Mapped[int] = mapped_column()
    #: What the content looked like when it was added (see circles.core.activity).
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(300))
    teaser: Mapped[str] = mapped_column(sa.Text, default="")
    #: Absolute link to the content.
    url: Mapped[str] = mapped_column(sa.String(500))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    #: The language the content is written in.
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    #: It went out in an earlier issue and changed since (shown to the editor, and in the issue).
    changed: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issue: Mapped[Issue] = relationship(back_populates="items")
    section: Mapped[IssueSection] = relationship(back_populates="items")

    __table_args__ = (
        sa.UniqueConstraint("issue_id", "kind", "object_id"),
        sa.Index("ix_newsletter_items_content", "kind", "object_id"),
    )


class IssueRendering(db.Model):
    """An approved issue rendered for one language and one set of targeted sections (``variant``:
    the sorted section ids, "" for the sections everyone gets, "*" for the complete archive copy).
    The body is the outbox's shared body, so what was approved is exactly what is sent."""

    __tablename__ = "newsletter_renderings"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("newsletter_issues.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(2))
    variant: Mapped[str] = mapped_column(sa.String(200))
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("mail_bodies.id"))

    body: Mapped[MailBody] = relationship()

    __table_args__ = (sa.UniqueConstraint("issue_id", "language", "variant"),)
