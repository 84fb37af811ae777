"""Meetings (circle and regional), RSVPs with a waiting list, reminders sent, minutes, decisions and
action items, and the secret tokens of personal calendar feeds."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from circles.accounts.models import User
from circles.core.db import UTCDateTime, db, utcnow
from circles.groups.models import Circle
from circles.reference.models import Region


class MeetingKind(StrEnum):
    CIRCLE = "circle"  #: a meeting of one circle
    REGIONAL = "regional"  #: a region's meeting with the employer service point and UWV, for invited circles
    WEBINAR = "webinar"


MEETING_KIND_LABELS = {
    MeetingKind.CIRCLE: _l("Bijeenkomst van de leercirkel"),
    MeetingKind.REGIONAL: _l("Regionale bijeenkomst"),
    MeetingKind.WEBINAR: _l("Webinar"),
}


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


ANSWER_LABELS = {Answer.YES: _l("Ja, ik kom"), Answer.NO: _l("Nee"), Answer.MAYBE: _l("Misschien")}

meeting_circles = sa.Table(
    "meeting_circles",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    # indexed on its own too: "the meetings a circle is invited to" (the primary key leads with meeting_id)
    sa.Column("circle_id", sa.ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(db.Model):
    """One meeting. A series is a set of meetings sharing ``series_id``; each occurrence is its own row."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10), default=MeetingKind.CIRCLE)
    #: The circle a circle meeting or webinar belongs to; NULL for a regional meeting.
    circle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("circles.id", ondelete="CASCADE"), index=True)
    #: The labour-market region of a regional meeting.
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    #: The region's employer service point (werkgeversservicepunt) and UWV take part.
    partner_wsp: Mapped[bool] = mapped_column(default=False)
    partner_uwv: Mapped[bool] = mapped_column(default=False)
    partners_other: Mapped[str] = mapped_column(sa.String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location_name: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    #: How to reach the room, lifts, hearing loop... (shown with the address).
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")  #: Markdown
    capacity: Mapped[int | None] = mapped_column()
    rsvp_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    series_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    #: The RFC 5545 rule the series was made from (kept for display and "this and following" edits).
    series_rule: Mapped[str] = mapped_column(sa.String(300), default="")
    #: iCalendar SEQUENCE: goes up on every change a calendar should pick up.
    sequence: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A member the coordinator designated to write the minutes (besides the coordinators).
    minutes_editor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "anonymise"})
    #: When dietary and accessibility needs were deleted (after the meeting; privacy).
    needs_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "contribution"})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    circle: Mapped[Circle | None] = relationship()
    region: Mapped[Region | None] = relationship()
    invited_circles: Mapped[list[Circle]] = relationship(secondary=meeting_circles, order_by=Circle.name)
    rsvps: Mapped[list["Rsvp"]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                               passive_deletes=True)

    @property
    def circles(self) -> list[Circle]:
        """Every circle the meeting is for: its own, or the circles invited to a regional meeting."""
        return [self.circle] if self.circle is not None else list(self.invited_circles)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def uid(self) -> str:
        """Stable iCalendar UID."""
        return f"meeting-{self.id}@leercirkels"


class Rsvp(db.Model):
    """A person's answer. With a capacity, later yeses wait (``waiting_position``) and move up."""

    __tablename__ = "rsvps"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id", name="uq_rsvps_meeting_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True,
                                         info={"personal": "delete"})
    answer: Mapped[str] = mapped_column(sa.String(5))
    #: 1, 2, ... for a yes that waits for a place; NULL when the person has a place (or did not say yes).
    waiting_position: Mapped[int | None] = mapped_column()
    #: Visible to coordinators only; deleted automatically after the meeting.
    dietary_needs: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_needs: Mapped[str] = mapped_column(sa.Text, default="")
    attended: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="rsvps")
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def has_place(self) -> bool:
        return self.answer == Answer.YES and self.waiting_position is None


class ReminderSent(db.Model):
    """One row per person per meeting, written in the same transaction as the reminder's outbox row:
    the unique constraint makes a second run (or a run after a crash) skip who already has one."""

    __tablename__ = "reminders_sent"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id", name="uq_reminders_sent_meeting_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         info={"personal": "delete"})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CircleMeetingSettings(db.Model):
    """Per-circle meeting settings (kept here so the circles feature knows nothing of meetings)."""

    __tablename__ = "circle_meeting_settings"

    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True)
    #: Days before a meeting that attendees get a reminder.
    reminder_days: Mapped[int] = mapped_column(default=2)


class Minutes(db.Model):
    """The minutes of a meeting: a draft, then published to the circle. Every save is a revision."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(sa.Text, default="")  #: Markdown
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")  #: draft | published
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The number of the latest revision; an edit must start from it (stale edits are refused).
    revision: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class _NoteOfMeeting:
    """What a decision and an action item both are: a text written down at a meeting, by whom and when."""

    # sort_order keeps the tables' column order as the migration made it: these first, the dates last.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True,
                                            sort_order=-1)
    text: Mapped[str] = mapped_column(sa.Text, sort_order=-1)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "contribution"}, sort_order=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, sort_order=1)

    @declared_attr
    def meeting(cls) -> Mapped[Meeting]:
        return relationship()


class Decision(_NoteOfMeeting, db.Model):
    """A decision (besluit) taken at a meeting: a record, listed per meeting and per circle."""

    __tablename__ = "decisions"


class ActionItem(_NoteOfMeeting, db.Model):
    """An action item (actiepunt): who does what by when."""

    __tablename__ = "action_items"

    #: A member of the circle; NULL when that account was deleted.
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True, info={"personal": "anonymise"})
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(5), default="open", index=True)  #: open | done
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def is_done(self) -> bool:
        return self.status == "done"


class CalendarToken(db.Model):
    """The secret of a person's calendar feed URL (calendar apps cannot log in). Only a hash is
    stored; making a new one revokes the old URL."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True,
                                         info={"personal": "delete"})
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
