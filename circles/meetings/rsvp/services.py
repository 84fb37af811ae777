"""Attendance: answers (RSVPs) with a waiting list, the attendee list, attendance, reminders sent once,
deleting dietary and accessibility needs after the meeting, and the per-circle reminder setting.

Plain service functions: they never commit, except ``send_reminders``, which is a batch job that
commits once per attendee on purpose (its docstring says why that sends each reminder exactly once).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from circles.accounts.models import User
from circles.core import dialect, mail
from circles.core.csvfile import csv_bytes
from circles.core.db import db, utcnow
from circles.core.notifications import wants
from circles.core.rules import RuleBroken
from circles.core.text import slugify
from circles.groups.models import Circle
from circles.meetings.models import (
    ANSWER_LABELS,
    Answer,
    CircleMeetingSettings,
    Meeting,
    ReminderSent,
    Rsvp,
)

#: Reminder days when a circle has no settings row, and for regional meetings.
DEFAULT_REMINDER_DAYS = 2
MAX_REMINDER_DAYS = 30
NEEDS_MAX = 500


class RsvpError(RuleBroken, ValueError):
    """A rule was broken; the message says which, in words the user understands."""


# --- Answering -----------------------------------------------------------------------------------

def lock_meeting(meeting: Meeting) -> None:
    """Take the write lock on the meeting's row before counting its places.

    Two people answering "yes" at the same moment would otherwise both count one free place and both
    take it. Every change to the places of a meeting starts here, so such changes run one after the
    other (``core.dialect.lock_row``: a row lock on PostgreSQL, the database write lock on SQLite).
    """
    dialect.lock_row(Meeting.__table__, meeting.id)


def closed_reason(meeting: Meeting, now: datetime | None = None):
    """Why answers are no longer taken (a message), or None while they are."""
    now = now or utcnow()
    if meeting.is_cancelled:
        return _l("Deze bijeenkomst is afgezegd. Aanmelden kan niet meer.")
    if meeting.starts_at <= now:
        return _l("Deze bijeenkomst is al begonnen. Aanmelden of uw antwoord wijzigen kan niet meer.")
    if meeting.rsvp_deadline is not None and meeting.rsvp_deadline <= now:
        return _l("De termijn om u aan te melden is voorbij. Neem contact op met een coördinator als u toch "
                  "wilt komen of niet kunt komen.")
    return None


def rsvp_of(user, meeting: Meeting) -> Rsvp | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == user.id))


def _places_taken(meeting: Meeting) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Rsvp)
        .where(Rsvp.meeting_id == meeting.id, Rsvp.answer == Answer.YES, Rsvp.waiting_position.is_(None)))


def _waiting(meeting: Meeting) -> list[Rsvp]:
    """The waiting list in order, fresh from the database (the session may hold older values)."""
    return list(db.session.scalars(
        sa.select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.waiting_position.is_not(None))
        .order_by(Rsvp.waiting_position, Rsvp.id).execution_options(populate_existing=True)))


def _renumber(waiting: list[Rsvp]) -> None:
    for position, rsvp in enumerate(waiting, start=1):
        rsvp.waiting_position = position


def fill_free_places(meeting: Meeting) -> list[Rsvp]:
    """Give free places to the first people on the waiting list (each gets an e-mail) and close the
    gaps. Call it, with the meeting locked, whenever a place may have come free (an answer changed,
    an answer removed, a larger capacity). Returns who moved up."""
    waiting = _waiting(meeting)
    if not waiting:
        return []
    free = len(waiting) if meeting.capacity is None else max(0, meeting.capacity - _places_taken(meeting))
    promoted, still_waiting = waiting[:free], waiting[free:]
    for rsvp in promoted:
        rsvp.waiting_position = None
        if wants(rsvp.user, "meeting_changes"):
            mail.queue_mail(rsvp.user.email, _l("Er is een plek vrij: %(title)s", title=meeting.title),
                            "meetings/rsvp/email/waitlist_promoted", locale=rsvp.user.locale, meeting=meeting,
                            recipient=rsvp.user)
    _renumber(still_waiting)
    db.session.flush()
    return promoted


def set_answer(user: User, meeting: Meeting, answer: str, *, dietary_needs: str = "", accessibility_needs: str = "",
           now: datetime | None = None) -> Rsvp:
    """Record or change ``user``'s answer. A yes takes a free place, or the next place on the waiting
    list when all places are taken; whoever gives up a place makes room for the first who waits.
    Refused (RsvpError, 409) when the meeting is cancelled, has started or its deadline passed."""
    if answer not in set(Answer):
        raise RsvpError(_l("Kies ja, nee of misschien."), status=422)
    reason = closed_reason(meeting, now)
    if reason is not None:
        raise RsvpError(reason)
    lock_meeting(meeting)
    # Counted before this answer changes anything (the session would flush a half-made answer).
    taken, waiting = _places_taken(meeting), len(_waiting(meeting))
    rsvp = db.session.scalar(
        sa.select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == user.id)
        .execution_options(populate_existing=True))
    had_place = rsvp is not None and rsvp.has_place
    if rsvp is None:
        rsvp = Rsvp(meeting=meeting, user=user, answer=answer)
        db.session.add(rsvp)
        was_yes = False
    else:
        was_yes = rsvp.answer == Answer.YES
    rsvp.answer = answer
    rsvp.dietary_needs = dietary_needs
    rsvp.accessibility_needs = accessibility_needs
    if answer == Answer.YES and not was_yes:
        full = meeting.capacity is not None and taken >= meeting.capacity
        rsvp.waiting_position = waiting + 1 if full else None
    elif answer != Answer.YES:
        rsvp.waiting_position = None
    db.session.flush()
    if answer != Answer.YES:
        if had_place:
            fill_free_places(meeting)
        else:
            _renumber(_waiting(meeting))
    return rsvp


def remove_answer(rsvp: Rsvp) -> None:
    """Delete an answer (for example of someone who left the circle); a place it held goes to the first
    person on the waiting list."""
    meeting = rsvp.meeting
    lock_meeting(meeting)
    db.session.delete(rsvp)
    db.session.flush()
    fill_free_places(meeting)
    _renumber(_waiting(meeting))


@dataclass
class Counts:
    taken: int = 0
    waiting: int = 0
    maybe: int = 0
    no: int = 0


def counts(meeting: Meeting) -> Counts:
    """Places taken, waiting, maybe and no, in one query."""
    rows = db.session.execute(
        sa.select(Rsvp.answer, Rsvp.waiting_position.is_not(None), sa.func.count())
        .where(Rsvp.meeting_id == meeting.id).group_by(Rsvp.answer, Rsvp.waiting_position.is_not(None)))
    result = Counts()
    for answer_value, waits, n in rows:
        if answer_value == Answer.YES:
            if waits:
                result.waiting += n
            else:
                result.taken += n
        elif answer_value == Answer.MAYBE:
            result.maybe += n
        else:
            result.no += n
    return result


# --- The attendee list ---------------------------------------------------------------------------

@dataclass
class AttendeeList:
    places: list[Rsvp] = field(default_factory=list)
    waiting: list[Rsvp] = field(default_factory=list)
    maybe: list[Rsvp] = field(default_factory=list)
    no: list[Rsvp] = field(default_factory=list)


def attendee_list(meeting: Meeting) -> AttendeeList:
    """Everyone who answered, grouped: with a place (by name), waiting (in order), maybe, no. One query."""
    rows = db.session.scalars(
        sa.select(Rsvp).join(Rsvp.user).where(Rsvp.meeting_id == meeting.id)
        .options(joinedload(Rsvp.user).joinedload(User.organisation))
        .order_by(Rsvp.waiting_position, User.name, Rsvp.id)
    ).unique().all()
    result = AttendeeList()
    for rsvp in rows:
        if rsvp.answer == Answer.YES:
            (result.waiting if rsvp.waiting_position is not None else result.places).append(rsvp)
        elif rsvp.answer == Answer.MAYBE:
            result.maybe.append(rsvp)
        else:
            result.no.append(rsvp)
    result.waiting.sort(key=lambda r: r.waiting_position)
    return result


def attendees_csv(meeting: Meeting) -> bytes:
    """The attendee list as CSV for Excel (``core.csvfile``: UTF-8 with a byte order mark, ``;`` between cells)."""
    people = attendee_list(meeting)
    header = [_("Naam"), _("Organisatie"), _("Antwoord"), _("Plaats op de wachtlijst"), _("Dieetwensen"),
              _("Wensen voor toegankelijkheid"), _("Aanwezig")]
    rows = []
    groups = ((people.places, _("Ja, met een plek")), (people.waiting, _("Wachtlijst")),
              (people.maybe, _("Misschien")), (people.no, _("Nee")))
    for rsvps, label in groups:
        for r in rsvps:
            attended = "" if r.attended is None else (_("ja") if r.attended else _("nee"))
            rows.append((r.user.name, r.user.organisation.name if r.user.organisation else "", label,
                         r.waiting_position or "", r.dietary_needs, r.accessibility_needs, attended))
    return csv_bytes(header, rows)


def csv_filename(meeting: Meeting) -> str:
    """A file name that is safe in a header and on any file system: ASCII letters, digits and dashes."""
    slug = slugify(meeting.title, "bijeenkomst", 60).strip("-")
    return f"deelnemers-{meeting.starts_at:%Y-%m-%d}-{slug}.csv"


def record_attendance(meeting: Meeting, present_ids: set[int], now: datetime | None = None) -> None:
    """Mark who was there among the people with a place (the others absent). Refused before the meeting
    starts (409); an id that is not an answer with a place at this meeting raises LookupError (404)."""
    if meeting.starts_at > (now or utcnow()):
        raise RsvpError(_l("Aanwezigheid kunt u bijhouden zodra de bijeenkomst begonnen is."))
    with_place = {r.id: r for r in attendee_list(meeting).places}
    unknown = set(present_ids) - set(with_place)
    if unknown:
        raise LookupError(f"rsvp ids not on this meeting's list: {sorted(unknown)}")
    for rsvp_id, rsvp in with_place.items():
        rsvp.attended = rsvp_id in present_ids


# --- Circle settings -----------------------------------------------------------------------------

def reminder_days(circle: Circle) -> int:
    row = db.session.get(CircleMeetingSettings, circle.id)
    return row.reminder_days if row is not None else DEFAULT_REMINDER_DAYS


def save_settings(circle: Circle, *, reminder_days: int) -> CircleMeetingSettings:
    if not 0 <= reminder_days <= MAX_REMINDER_DAYS:
        raise RsvpError(_l("Vul een aantal dagen in, van 0 tot en met 30."), status=422)
    row = db.session.get(CircleMeetingSettings, circle.id)
    if row is None:
        row = CircleMeetingSettings(circle_id=circle.id)
        db.session.add(row)
    row.reminder_days = reminder_days
    return row


# --- Reminders and clean-up (cron) ---------------------------------------------------------------

def purge_needs(now: datetime | None = None) -> int:
    """Delete the dietary and accessibility needs of meetings that ended (privacy: they were asked for
    this meeting only). Idempotent. Returns how many meetings were purged; the caller commits."""
    now = now or utcnow()
    ids = list(db.session.scalars(
        sa.select(Meeting.id).where(Meeting.ends_at <= now, Meeting.needs_purged_at.is_(None))))
    if not ids:
        return 0
    db.session.execute(
        sa.update(Rsvp).where(Rsvp.meeting_id.in_(ids)).values(dietary_needs="", accessibility_needs="")
        .execution_options(synchronize_session=False))
    db.session.execute(
        sa.update(Meeting).where(Meeting.id.in_(ids)).values(needs_purged_at=now, updated_at=Meeting.updated_at)
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return len(ids)


def _due_meetings(now: datetime) -> list[Meeting]:
    """Meetings that are not cancelled, have not started and start within their reminder period."""
    candidates = db.session.execute(
        sa.select(Meeting, CircleMeetingSettings.reminder_days)
        .outerjoin(CircleMeetingSettings, CircleMeetingSettings.circle_id == Meeting.circle_id)
        .where(Meeting.cancelled_at.is_(None), Meeting.starts_at > now,
               Meeting.starts_at <= now + timedelta(days=MAX_REMINDER_DAYS))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    due = []
    for meeting, days in candidates:
        days = DEFAULT_REMINDER_DAYS if meeting.circle_id is None or days is None else days
        if days > 0 and meeting.starts_at <= now + timedelta(days=days):
            due.append(meeting)
    return due


def _to_remind(meeting: Meeting) -> list[Rsvp]:
    """Yes with a place, or maybe, and no reminder sent yet."""
    already = sa.exists().where(ReminderSent.meeting_id == meeting.id, ReminderSent.user_id == Rsvp.user_id)
    return list(db.session.scalars(
        sa.select(Rsvp).where(
            Rsvp.meeting_id == meeting.id, ~already,
            sa.or_(sa.and_(Rsvp.answer == Answer.YES, Rsvp.waiting_position.is_(None)), Rsvp.answer == Answer.MAYBE))
        .order_by(Rsvp.id)))


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Remind every attendee of a due meeting once, then deliver the outbox; also purge old needs.

    Per attendee, the ReminderSent row and the outbox row are written in ONE transaction and committed:
    a run that dies half-way leaves both or neither for each person, and the next run skips whoever has
    a row (the unique constraint also stops a run that overlaps this one: it rolls back and skips).
    The outbox then sends each message once. This is a batch job, so unlike the other services it
    commits."""
    now = now or utcnow()
    purged = purge_needs(now)
    db.session.commit()
    queued = skipped = 0
    for meeting in _due_meetings(now):
        for rsvp in _to_remind(meeting):
            user = rsvp.user
            if not wants(user, "reminders"):
                skipped += 1
                continue
            try:
                db.session.add(ReminderSent(meeting_id=meeting.id, user_id=user.id))
                db.session.flush()
                mail.queue_mail(user.email, _l("Herinnering: %(title)s", title=meeting.title),
                                "meetings/rsvp/email/reminder", locale=user.locale, meeting=meeting, recipient=user,
                                rsvp=rsvp, answer_labels=ANSWER_LABELS)
                db.session.commit()
            except sa.exc.IntegrityError:
                db.session.rollback()  # another run reminded this person a moment ago
                skipped += 1
                continue
            queued += 1
    delivered = mail.deliver()
    return {"queued": queued, "skipped": skipped, "purged": purged, **delivered}
