"""Meeting rules: scheduling (one meeting or a series), editing (one or "this and all following"),
cancelling, overlaps, and the queries of the meeting list, circle page, circle cards and home page
(also used by the minutes sub-feature).

Plain functions with explicit arguments; they never touch the request or commit. Times come in as
local Europe/Amsterdam dates and times and are stored as aware UTC.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil import rrule
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, selectinload

from circles.core import audit, cache
from circles.core.db import UTCDateTime, db, utcnow
from circles.core.mail import queue_mail
from circles.core.notifications import wants
from circles.core.paging import count_rows
from circles.core.rules import RuleBroken
from circles.groups.models import (
    Circle,
    CircleStatus,
    Membership,
    MembershipState,
    circle_regions,
    circle_sectors,
)
from circles.groups.services import visible_circle_by_slug
from circles.meetings.calendar import services as calendar_services
from circles.meetings.models import Answer, Meeting, MeetingKind, Rsvp, meeting_circles
from circles.meetings.permissions import visible_meetings_clause
from circles.meetings.rsvp import services as rsvp_services

TZ = ZoneInfo("Europe/Amsterdam")

#: Limits a person would thank us for: a typo in a year (2206) or a capacity of a million is refused.
MAX_CAPACITY = 5000
PAST_DAYS = 366  #: a meeting that took place can still be recorded (for its minutes) up to a year later
FUTURE_DAYS = 3 * 366  #: the first meeting at most about three years ahead
SERIES_MAX_YEARS = 5  #: the last occurrence of a series at most five years ahead
SERIES_MIN, SERIES_MAX = 2, 52
INTERVAL_MIN, INTERVAL_MAX = 1, 12

#: The fields a coordinator edits, with how they are named in the "what changed" e-mail.
FIELD_LABELS = {
    "title": _l("titel"),
    "kind": _l("soort bijeenkomst"),
    "time": _l("datum en tijd"),
    "location_name": _l("locatie"),
    "address": _l("adres"),
    "accessibility": _l("toegankelijkheid"),
    "online_url": _l("online link"),
    "agenda": _l("agenda"),
    "capacity": _l("maximum aantal deelnemers"),
    "rsvp_deadline": _l("aanmelden kan tot"),
    "partners": _l("partners"),
    "region_code": _l("arbeidsmarktregio"),
    "invited": _l("uitgenodigde leercirkels"),
}
#: Plain columns copied as they are.
_SIMPLE = ("title", "kind", "location_name", "address", "accessibility", "online_url", "agenda", "capacity",
           "region_code")
_PARTNERS = ("partner_wsp", "partner_uwv", "partners_other")


class MeetingError(RuleBroken, ValueError):
    """A rule was broken; ``field`` names the form field the message belongs to (or None)."""

    default_status = 422


# --- Times ---------------------------------------------------------------------------------------

def local_to_utc(day: date, at: time) -> datetime:
    """A local Amsterdam date and wall-clock time as aware UTC."""
    return datetime.combine(day, at, tzinfo=TZ).astimezone(ZoneInfo("UTC"))


def to_local(value: datetime) -> datetime:
    return value.astimezone(TZ)


@dataclass
class When:
    """What the form says about time: a local date, start and end time, and an optional deadline."""

    day: date
    start: time
    end: time
    deadline_day: date | None = None
    deadline_time: time | None = None

    @classmethod
    def of(cls, meeting: Meeting) -> "When":
        start, end = to_local(meeting.starts_at), to_local(meeting.ends_at)
        deadline = to_local(meeting.rsvp_deadline) if meeting.rsvp_deadline else None
        return cls(start.date(), start.time().replace(tzinfo=None), end.time().replace(tzinfo=None),
                   deadline.date() if deadline else None, deadline.time().replace(tzinfo=None) if deadline else None)

    @property
    def starts_at(self) -> datetime:
        return local_to_utc(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        return local_to_utc(self.day, self.end)

    @property
    def rsvp_deadline(self) -> datetime | None:
        if self.deadline_day is None:
            return None
        return local_to_utc(self.deadline_day, self.deadline_time or time(23, 59))


@dataclass
class Repeat:
    """A series: every ``interval`` weeks, or every month on the same day; ``count`` times or until ``until``."""

    every: str  #: "weeks" or "month"
    interval: int = 1
    count: int | None = None
    until: date | None = None


def check_when(when: When, *, today: date | None = None) -> None:
    """End after start, a deadline before the start, and a date within reason (see the limits above)."""
    today = today or to_local(utcnow()).date()
    if when.end <= when.start:
        raise MeetingError(_l("De eindtijd moet na de begintijd liggen."), field="end_time")
    if when.day < today - timedelta(days=PAST_DAYS):
        raise MeetingError(_l("De datum ligt meer dan een jaar in het verleden. Controleer het jaartal."),
                           field="date")
    if when.day > today + timedelta(days=FUTURE_DAYS):
        raise MeetingError(_l("De datum ligt meer dan drie jaar in de toekomst. Controleer het jaartal."),
                           field="date")
    if when.deadline_day is not None and when.rsvp_deadline >= when.starts_at:
        raise MeetingError(_l("Aanmelden moet kunnen sluiten vóór de bijeenkomst begint."),
                           field="rsvp_deadline_date")


def check_capacity(capacity: int | None) -> None:
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise MeetingError(_l("Het maximum aantal deelnemers is een getal van 1 tot en met %(max)s, of leeg.",
                              max=MAX_CAPACITY), field="capacity")


def series_starts(when: When, repeat: Repeat) -> tuple[list[datetime], str]:
    """The local start of every occurrence (the rule is applied in LOCAL time, so 14:00 stays 14:00
    across the change to or from summer time) and the RRULE text that made them."""
    if repeat.every not in ("weeks", "month"):
        raise MeetingError(_l("Kies hoe de bijeenkomst zich herhaalt."), field="repeat")
    if repeat.every == "weeks" and not INTERVAL_MIN <= repeat.interval <= INTERVAL_MAX:
        raise MeetingError(_l("Herhaal elke 1 tot en met 12 weken."), field="repeat_interval")
    if (repeat.count is None) == (repeat.until is None):
        raise MeetingError(_l("Vul een aantal keren óf een einddatum in voor de reeks."), field="repeat_count")
    if repeat.count is not None and not SERIES_MIN <= repeat.count <= SERIES_MAX:
        raise MeetingError(_l("Een reeks heeft 2 tot en met 52 bijeenkomsten."), field="repeat_count")
    if repeat.until is not None:
        if repeat.until <= when.day:
            raise MeetingError(_l("De einddatum van de reeks moet na de eerste bijeenkomst liggen."),
                               field="repeat_until")
        if repeat.until > when.day + timedelta(days=SERIES_MAX_YEARS * 366):
            raise MeetingError(_l("Een reeks duurt hoogstens vijf jaar."), field="repeat_until")
    first = datetime.combine(when.day, when.start)  # naive local: the rule counts in wall-clock time
    kwargs = {"dtstart": first}
    if repeat.count is not None:
        kwargs["count"] = repeat.count
    else:
        kwargs["until"] = datetime.combine(repeat.until, time(23, 59, 59))
    if repeat.every == "weeks":
        rule = rrule.rrule(rrule.WEEKLY, interval=repeat.interval, **kwargs)
    else:  # same day of the month; months without that day (the 31st) are skipped, as in RFC 5545
        rule = rrule.rrule(rrule.MONTHLY, bymonthday=when.day.day, **kwargs)
    starts = list(rule[:SERIES_MAX + 1])
    if len(starts) > SERIES_MAX:
        raise MeetingError(_l("Een reeks heeft hoogstens 52 bijeenkomsten. Kies een eerdere einddatum."),
                           field="repeat_until")
    if len(starts) < SERIES_MIN:
        raise MeetingError(_l("Met deze einddatum is er maar één bijeenkomst. Kies een latere einddatum."),
                           field="repeat_until")
    text = next(line for line in str(rule).splitlines() if line.startswith("RRULE:"))
    return starts, text.removeprefix("RRULE:")


# --- Creating ------------------------------------------------------------------------------------

def _apply(meeting: Meeting, fields: dict) -> None:
    for name in (*_SIMPLE, *_PARTNERS):
        if name in fields:
            setattr(meeting, name, fields[name])


def create_meeting(creator, *, when: When, circle: Circle | None = None, invited=(), repeat: Repeat | None = None,
                   **fields) -> list[Meeting]:
    """Schedule a meeting of ``circle`` (or, without a circle, a regional meeting for ``invited``
    circles in ``fields['region_code']``), once or as a series. Returns the meetings, first first."""
    check_when(when)
    check_capacity(fields.get("capacity"))
    if circle is None:
        if not fields.get("region_code"):
            raise MeetingError(_l("Kies de arbeidsmarktregio."), field="region")
        if not invited:
            raise MeetingError(_l("Nodig minstens één leercirkel uit."), field="invited")
        fields["kind"] = MeetingKind.REGIONAL
    elif fields.get("kind", MeetingKind.CIRCLE) not in (MeetingKind.CIRCLE, MeetingKind.WEBINAR):
        raise MeetingError(_l("Kies een geldige soort bijeenkomst."), field="kind")
    if repeat is None:
        local_starts, rule_text, series_id = [datetime.combine(when.day, when.start)], "", None
    else:
        local_starts, rule_text = series_starts(when, repeat)
        series_id = str(uuid.uuid4())
    duration = datetime.combine(when.day, when.end) - datetime.combine(when.day, when.start)
    deadline_before = when.starts_at - when.rsvp_deadline if when.rsvp_deadline else None
    meetings = []
    for local in local_starts:
        starts_at = local_to_utc(local.date(), local.time())
        end_local = local + duration
        meeting = Meeting(circle=circle, starts_at=starts_at, ends_at=local_to_utc(end_local.date(), end_local.time()),
                          series_id=series_id, series_rule=rule_text, sequence=0,
                          created_by_id=getattr(creator, "id", None),
                          rsvp_deadline=starts_at - deadline_before if deadline_before is not None else None)
        _apply(meeting, {"kind": MeetingKind.CIRCLE, **fields})
        if circle is None:
            meeting.invited_circles = list(invited)
        db.session.add(meeting)
        meetings.append(meeting)
    db.session.flush()
    audit.record("meeting.create", actor=creator, obj_type="meeting", obj_id=meetings[0].id,
                 title=meetings[0].title, occurrences=len(meetings))
    return meetings


# --- Editing -------------------------------------------------------------------------------------

def _snapshot(meeting: Meeting) -> dict:
    return {
        **{name: getattr(meeting, name) for name in _SIMPLE},
        "time": (meeting.starts_at, meeting.ends_at),
        "rsvp_deadline": meeting.rsvp_deadline,
        "partners": tuple(getattr(meeting, name) for name in _PARTNERS),
        "invited": sorted(c.id for c in meeting.invited_circles) if meeting.circle_id is None else [],
    }


def later_in_series(meeting: Meeting) -> list[Meeting]:
    """The occurrences of the meeting's series after it that are not cancelled."""
    if not meeting.series_id:
        return []
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.series_id == meeting.series_id, Meeting.starts_at > meeting.starts_at,
                                 Meeting.cancelled_at.is_(None), Meeting.id != meeting.id)
        .order_by(Meeting.starts_at)))


def update_meeting(editor, meeting: Meeting, *, when: When, scope: str = "this", invited=None,
                   **fields) -> list[tuple[Meeting, list[str]]]:
    """Save the edit; with ``scope="following"`` the changed fields (and the same shift of the date
    and of the local start and end times) also go to every later occurrence of the series. Every
    meeting that changed gets ``sequence + 1`` and its yes/maybe attendees an e-mail with the new
    .ics. Returns (meeting, changed field names) for each meeting that changed."""
    if meeting.is_cancelled:
        raise MeetingError(_l("Deze bijeenkomst is afgezegd en kan niet meer worden gewijzigd."), status=409)
    check_when(when)
    check_capacity(fields.get("capacity"))
    if meeting.circle_id is None:
        fields["kind"] = MeetingKind.REGIONAL
        if invited is not None and not invited:
            raise MeetingError(_l("Nodig minstens één leercirkel uit."), field="invited")
    elif fields.get("kind", meeting.kind) not in (MeetingKind.CIRCLE, MeetingKind.WEBINAR):
        raise MeetingError(_l("Kies een geldige soort bijeenkomst."), field="kind")
    old_when = When.of(meeting)
    before = _snapshot(meeting)
    _apply(meeting, fields)
    meeting.starts_at, meeting.ends_at, meeting.rsvp_deadline = when.starts_at, when.ends_at, when.rsvp_deadline
    if invited is not None and meeting.circle_id is None:
        meeting.invited_circles = list(invited)
    after = _snapshot(meeting)
    changed = [name for name in after if after[name] != before[name]]
    results = []
    if changed:
        results.append((meeting, changed))
    if scope == "following" and changed:
        results += _update_following(meeting, old_when, when, before, after, changed)
    for m, names in results:
        m.sequence = (m.sequence or 0) + 1
        audit.record("meeting.update", actor=editor, obj_type="meeting", obj_id=m.id, fields=names)
    db.session.flush()
    for m, names in results:
        notify_change(m, names)
        if "capacity" in names:
            _give_new_places(m)
    return results


def _give_new_places(meeting: Meeting) -> None:
    """A larger (or no) capacity: the first people on the waiting list move up and are told."""
    rsvp_services.lock_meeting(meeting)
    rsvp_services.fill_free_places(meeting)


def _update_following(meeting: Meeting, old: When, new: When, before: dict, after: dict,
                      changed: list[str]) -> list[tuple[Meeting, list[str]]]:
    """Apply the fields that changed on ``meeting`` to later occurrences: values as they are, time
    as the same shift of the date and the new local start and end time of day."""
    day_shift = new.day - old.day
    deadline_before = new.starts_at - new.rsvp_deadline if new.rsvp_deadline else None
    results = []
    for other in later_in_series(meeting):
        other_before = _snapshot(other)
        for name in changed:
            if name in _SIMPLE:
                setattr(other, name, getattr(meeting, name))
            elif name == "partners":
                for p in _PARTNERS:
                    setattr(other, p, getattr(meeting, p))
            elif name == "invited":
                other.invited_circles = list(meeting.invited_circles)
        if "time" in changed:
            day = to_local(other.starts_at).date() + day_shift
            other.starts_at, other.ends_at = local_to_utc(day, new.start), local_to_utc(day, new.end)
        if "time" in changed or "rsvp_deadline" in changed:
            other.rsvp_deadline = other.starts_at - deadline_before if deadline_before is not None else None
        names = [n for n, v in _snapshot(other).items() if v != other_before[n]]
        if names:
            results.append((other, names))
    return results


# --- Cancelling ----------------------------------------------------------------------------------

def cancel_meeting(user, meeting: Meeting, message: str = "") -> None:
    """Cancel: the meeting stays, marked cancelled; yes/maybe attendees get an e-mail with a CANCEL .ics."""
    if meeting.is_cancelled:
        raise MeetingError(_l("Deze bijeenkomst is al afgezegd."), status=409)
    meeting.cancelled_at = utcnow()
    meeting.sequence = (meeting.sequence or 0) + 1
    audit.record("meeting.cancel", actor=user, obj_type="meeting", obj_id=meeting.id, title=meeting.title)
    db.session.flush()
    _notify(meeting, "meetings/email/cancelled", _l("Afgezegd: %(title)s", title=meeting.title), "CANCEL",
            message=message)


# --- E-mail --------------------------------------------------------------------------------------

def attendees_to_notify(meeting: Meeting) -> list:
    """Everyone who said yes (also on the waiting list) or maybe, by name."""
    rsvps = db.session.scalars(
        sa.select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.answer.in_([Answer.YES, Answer.MAYBE]))
    ).all()
    return sorted((r.user for r in rsvps), key=lambda u: (u.name, u.id))


def _ics(meeting: Meeting, method: str) -> list[tuple[str, str, bytes]]:
    """The .ics attachment: calendars add, move or strike out the meeting (METHOD REQUEST or CANCEL)."""
    return [("bijeenkomst.ics", f"text/calendar; method={method}",
             calendar_services.meeting_ics(meeting, method=method))]


def _notify(meeting: Meeting, template: str, subject, method: str, **context) -> int:
    attachments = _ics(meeting, method)
    sent = 0
    for user in attendees_to_notify(meeting):
        if not wants(user, "meeting_changes"):
            continue
        queue_mail(user.email, subject, template, locale=user.locale, attachments=attachments,
                   recipient=user, meeting=meeting, **context)
        sent += 1
    return sent


def notify_change(meeting: Meeting, changed: list[str]) -> int:
    labels = [FIELD_LABELS[name] for name in changed if name in FIELD_LABELS]
    return _notify(meeting, "meetings/email/changed", _l("Gewijzigd: %(title)s", title=meeting.title), "REQUEST",
                   changes=labels)


# --- Overlaps ------------------------------------------------------------------------------------

def _same_organiser(meeting: Meeting):
    """SQL: a meeting of the same circle; for a regional meeting, a regional meeting of the same region."""
    if meeting.circle_id is not None:
        return Meeting.circle_id == meeting.circle_id
    return sa.and_(Meeting.circle_id.is_(None), Meeting.region_code == meeting.region_code)


def overlapping(meetings: list[Meeting]) -> list[Meeting]:
    """Other meetings (not cancelled) of the same circle, or regional meetings of the same region,
    whose time overlaps one of ``meetings``. One query."""
    conditions = []
    for m in meetings:
        if m.is_cancelled:
            continue
        conditions.append(sa.and_(_same_organiser(m), Meeting.starts_at < m.ends_at, Meeting.ends_at > m.starts_at))
    if not conditions:
        return []
    own = [m.id for m in meetings]
    return list(db.session.scalars(
        sa.select(Meeting).where(sa.or_(*conditions), Meeting.cancelled_at.is_(None), Meeting.id.not_in(own))
        .order_by(Meeting.starts_at)))


# --- Loading -------------------------------------------------------------------------------------

def visible_meetings(user) -> sa.Select:
    """A select of the meetings ``user`` may see, with their circles loaded in fixed extra queries."""
    return (sa.select(Meeting).where(visible_meetings_clause(user))
            .options(selectinload(Meeting.circle), selectinload(Meeting.invited_circles),
                     selectinload(Meeting.region)))


def circles_by_ids(ids) -> list[Circle]:
    """The circles with these ids, by name (the circles a regional meeting's form invites)."""
    ids = [int(i) for i in ids or []]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Circle).where(Circle.id.in_(ids)).order_by(Circle.name)))


def invited_after_edit(meeting: Meeting, chosen: list[Circle], offered: set[str]) -> list[Circle]:
    """The circles a regional meeting invites after an edit: the chosen ones, and the circles invited before
    that the editor cannot see. Those were not offered as choices, so leaving them out is not a choice to
    uninvite them."""
    hidden = [c for c in meeting.invited_circles if str(c.id) not in offered]
    return chosen + hidden


def of_circle(circle_id):
    """SQL: the meeting belongs to the circle, as its own or as an invited circle: a union of two index lookups
    (an OR of the two makes PostgreSQL read every meeting)."""
    own = aliased(Meeting)
    return Meeting.id.in_(sa.union(
        sa.select(own.id).where(own.circle_id == circle_id),
        sa.select(meeting_circles.c.meeting_id).where(meeting_circles.c.circle_id == circle_id)))


def upcoming_for_circle(circle: Circle, limit: int = 3) -> list[Meeting]:
    """The next meetings of the circle (its own and regional ones it is invited to) that are not
    cancelled, soonest first. One query."""
    return list(db.session.scalars(
        sa.select(Meeting).where(of_circle(circle.id), Meeting.starts_at >= utcnow(), Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting (not cancelled) of the same circle; for a regional meeting, the
    latest earlier regional meeting of the same region."""
    return db.session.scalar(
        sa.select(Meeting).where(_same_organiser(meeting), Meeting.starts_at < meeting.starts_at,
                                 Meeting.cancelled_at.is_(None), Meeting.id != meeting.id)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))


def next_meeting_starts(circle_ids: list[int] | None = None) -> dict[int, datetime]:
    """Circle id -> start of its next meeting (not cancelled), in one query: of ``circle_ids`` (the circles a
    page shows), or of every circle."""
    now = utcnow()
    own = (sa.select(Meeting.circle_id.label("circle_id"), Meeting.starts_at.label("starts_at"))
           .where(Meeting.circle_id.is_not(None), Meeting.starts_at >= now, Meeting.cancelled_at.is_(None)))
    invited = (sa.select(meeting_circles.c.circle_id.label("circle_id"), Meeting.starts_at.label("starts_at"))
               .join(Meeting, Meeting.id == meeting_circles.c.meeting_id)
               .where(Meeting.starts_at >= now, Meeting.cancelled_at.is_(None)))
    if circle_ids is not None:
        own = own.where(Meeting.circle_id.in_(circle_ids))
        invited = invited.where(meeting_circles.c.circle_id.in_(circle_ids))
    both = sa.union_all(own, invited).subquery()
    rows = db.session.execute(sa.select(both.c.circle_id, sa.type_coerce(sa.func.min(both.c.starts_at), UTCDateTime))
                              .group_by(both.c.circle_id)).all()
    return dict(rows)


def upcoming_for_user(user, limit: int = 5) -> list[Meeting]:
    """The next meetings (not cancelled) of the circles the user is an active member of. One query: the ids of
    their circles' meetings and of the regional meetings they are invited to, as a union of index lookups (an
    OR per meeting made PostgreSQL walk every upcoming meeting of the platform until it found five)."""
    mine = sa.select(Membership.circle_id).where(Membership.user_id == user.id,
                                                 Membership.state == MembershipState.ACTIVE)
    ids = sa.union(sa.select(Meeting.id).where(Meeting.circle_id.in_(mine)),
                   sa.select(meeting_circles.c.meeting_id).where(meeting_circles.c.circle_id.in_(mine)))
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.id.in_(sa.select(ids.subquery())), Meeting.starts_at >= utcnow(),
                                 Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)))


#: Cache namespace (core.cache) of the meeting list's totals.
COUNT_CACHE = "meeting_counts"
cache.watch(COUNT_CACHE, "meetings", "circles", "memberships", "meeting_circles")


def count_listed(query: sa.Select, *, key) -> int:
    """How many meetings ``query`` lists; ``key`` names the reader and the filters. Kept for a while (core.cache):
    at national scale counting every visible upcoming meeting was a third of the list's time, and each page of
    the list asks again. A meeting that starts meanwhile leaves the upcoming total within CACHE_SECONDS."""
    return cache.cached(COUNT_CACHE, key, lambda: count_rows(query))


def filter_meetings(query: sa.Select, *, past: bool = False, region: str | None = None, sector: str | None = None,
                    circle: Circle | None = None, kind: str | None = None) -> sa.Select:
    """Narrow a select of meetings: upcoming (soonest first) or past (latest first), and by region
    (a regional meeting's region or a circle's region), sector (of its circles), circle and kind."""
    now = utcnow()
    if past:
        query = query.where(Meeting.starts_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        query = query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)
    if region:
        query = query.where(sa.or_(
            Meeting.region_code == region,
            sa.exists().where(circle_regions.c.circle_id == Meeting.circle_id, circle_regions.c.region_code == region)))
    if sector:
        query = query.where(sa.or_(
            sa.exists().where(circle_sectors.c.circle_id == Meeting.circle_id, circle_sectors.c.sector_code == sector),
            sa.exists().where(meeting_circles.c.meeting_id == Meeting.id,
                              circle_sectors.c.circle_id == meeting_circles.c.circle_id,
                              circle_sectors.c.sector_code == sector)))
    if circle is not None:
        query = query.where(of_circle(circle.id))
    if kind:
        query = query.where(Meeting.kind == kind)
    return query


# --- The meeting list's filters ------------------------------------------------------------------

#: The list's filters as they appear in its address.
FILTER_NAMES = ("regio", "sector", "leercirkel", "soort")


@dataclass
class ListFilters:
    """The meeting list's filters after checking: ``args`` holds every filter (an unknown value emptied, with
    a notice saying it was not applied), ``circle`` the chosen circle."""

    args: dict[str, str]
    past: bool
    circle: Circle | None
    notices: list[str]

    @property
    def chosen(self) -> dict[str, str]:
        """The filters that are set (for links that keep them)."""
        return {k: v for k, v in self.args.items() if v}


def list_filters(user, given: Mapping[str, str], *, regions, sectors) -> ListFilters:
    """Read the list's filters from ``given`` (the query string): a region, sector, circle or kind that does
    not exist, or a circle ``user`` may not see, is not applied and gets a notice instead of an error page."""
    args = {k: str(given.get(k, "") or "").strip()[:120] for k in FILTER_NAMES}
    past = given.get("wanneer", "") == "voorbij"
    notices = []
    circle = visible_circle_by_slug(user, args["leercirkel"]) if args["leercirkel"] else None
    known = {
        "regio": (args["regio"] in {r.code for r in regions},
                  _("De gekozen regio bestaat niet; er is niet op regio gefilterd.")),
        "sector": (args["sector"] in {s.code for s in sectors},
                   _("De gekozen sector bestaat niet; er is niet op sector gefilterd.")),
        "leercirkel": (circle is not None, _("De gekozen leercirkel bestaat niet of is niet zichtbaar; er is niet "
                                              "op leercirkel gefilterd.")),
        "soort": (args["soort"] in {k.value for k in MeetingKind},
                  _("De gekozen soort bijeenkomst bestaat niet; er is niet op soort gefilterd.")),
    }
    for name, (exists, notice) in known.items():
        if args[name] and not exists:
            notices.append(notice)
            args[name] = ""
    return ListFilters(args=args, past=past, circle=circle, notices=notices)


def listed_meetings(user, filters: ListFilters) -> sa.Select:
    """The meetings the list shows ``user`` with these filters, in list order."""
    args = filters.args
    return filter_meetings(visible_meetings(user), past=filters.past, region=args["regio"] or None,
                           sector=args["sector"] or None, circle=filters.circle, kind=args["soort"] or None)


def filter_circle_choices(choices: list, chosen: Circle | None) -> list:
    """The circles to filter the list by: active ones, and the chosen one even when archived or not among them
    (a bookmark, a circle page's link), in name order."""
    shown = [c for c in choices if c.status == CircleStatus.ACTIVE and (chosen is None or c.id != chosen.id)]
    return sorted([*shown, chosen], key=lambda c: (c.name, c.id)) if chosen else shown
