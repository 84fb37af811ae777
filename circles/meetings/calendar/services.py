"""Meetings as iCalendar (RFC 5545): one meeting (a download, or a mail attachment with METHOD REQUEST
or CANCEL), feeds of many meetings, and the secret tokens of personal feed URLs.

Times are written in local Europe/Amsterdam time with TZID and a VTIMEZONE, so calendars keep a
14:00 meeting at 14:00 across the change to and from summer time. Cancelled meetings stay in feeds
with STATUS:CANCELLED and a higher SEQUENCE, so subscribed calendars strike them out instead of
silently losing them.
"""

import hashlib
import secrets
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from circles.accounts.models import User
from circles.core.db import db, utcnow
from circles.groups.models import Circle
from circles.groups.services import memberships_by_circle
from circles.meetings.models import Answer, CalendarToken, Meeting, Rsvp, meeting_circles
from circles.meetings.permissions import visible_meetings_clause

TZID = "Europe/Amsterdam"
AMSTERDAM = ZoneInfo(TZID)
PRODID = "-//Leercirkels banenafspraak//Bijeenkomsten//NL"


# --- Calendars -----------------------------------------------------------------------------------

def amsterdam_vtimezone() -> icalendar.Timezone:
    """The VTIMEZONE of Europe/Amsterdam as the EU rule (since 1996: last Sunday of March 02:00 to
    CEST, last Sunday of October 03:00 back to CET). Two recurring rules instead of icalendar's
    generated list of dates: short, valid after 2038, and what Outlook expects."""
    tz = icalendar.Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    tz.add_component(_observance(icalendar.TimezoneDaylight(), "CEST", 1, 2, datetime(1970, 3, 29, 2, 0)))
    tz.add_component(_observance(icalendar.TimezoneStandard(), "CET", 2, 1, datetime(1970, 10, 25, 3, 0)))
    return tz


def _observance(part, name: str, from_hours: int, to_hours: int, start: datetime):
    """Summer or winter time: from ``start`` on, every year on the last Sunday of that month."""
    part.add("tzname", name)
    part.add("tzoffsetfrom", timedelta(hours=from_hours))
    part.add("tzoffsetto", timedelta(hours=to_hours))
    part.add("dtstart", start)
    part.add("rrule", {"freq": "yearly", "bymonth": start.month, "byday": "-1SU"})
    return part


def _calendar(method: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method.upper())
    return cal


def _meeting_url(meeting: Meeting) -> str:
    """The meeting page as an absolute URL; outside a request (cron, CLI) on the public address."""
    ctx = (nullcontext() if has_request_context()
           else current_app.test_request_context(base_url=current_app.config["BASE_URL"]))
    with ctx:
        return url_for("meetings.show", meeting_id=meeting.id, _external=True)


def _location(meeting: Meeting) -> str:
    place = ", ".join(part for part in (meeting.location_name.strip(), meeting.address.strip()) if part)
    return place or meeting.online_url.strip()


def _description(meeting: Meeting, url: str) -> str:
    """Plain text: the agenda (Markdown reads fine as text), an online link next to a room, the page."""
    parts = [meeting.agenda.strip()]
    if meeting.online_url and (meeting.location_name or meeting.address):
        parts.append(meeting.online_url.strip())
    if meeting.accessibility.strip():
        parts.append(meeting.accessibility.strip())
    parts.append(url)
    return "\n\n".join(p for p in parts if p)


def _event(meeting: Meeting, stamp: datetime, method: str | None = None) -> icalendar.Event:
    url = _meeting_url(meeting)
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", meeting.ends_at.astimezone(AMSTERDAM))
    title = meeting.title
    if meeting.is_cancelled:
        # Some calendar apps ignore STATUS in subscribed feeds: say it in the title as well.
        title = _("Afgezegd: %(title)s", title=meeting.title)
    event.add("summary", title)
    event.add("description", _description(meeting, url))
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("sequence", meeting.sequence or 0)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if meeting.created_at:
        event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", (meeting.updated_at or stamp).astimezone(UTC))
    if method:
        # iTIP (RFC 5546) needs an organiser on REQUEST and CANCEL: the platform's own address.
        name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
        organizer = icalendar.vCalAddress(f"mailto:{address}")
        if name:
            organizer.params["cn"] = name
        event.add("organizer", organizer)
    return event


def meeting_ics(meeting: Meeting, *, method: str | None = None) -> bytes:
    """One meeting as a calendar file; ``method`` "REQUEST" or "CANCEL" for a mail attachment."""
    cal = _calendar(method)
    cal.add_component(amsterdam_vtimezone())
    cal.add_component(_event(meeting, utcnow(), method))
    return cal.to_ical()


def feed_ics(meetings: Iterable[Meeting], name: str) -> bytes:
    """Many meetings in one calendar named ``name`` (what a subscribed calendar app shows)."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    # Calendar apps ask again about every 15 minutes to a day; this says what we would like.
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(amsterdam_vtimezone())
    stamp = utcnow()
    for meeting in meetings:
        cal.add_component(_event(meeting, stamp))
    return cal.to_ical()


# --- Personal feed tokens ------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user: User) -> str:
    """A fresh secret for the user's feed URL, returned once: only its hash is kept, and it replaces
    (revokes) the previous one."""
    token = secrets.token_urlsafe(32)
    row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user.id))
    if row is None:
        row = CalendarToken(user_id=user.id)
        db.session.add(row)
    row.token_hash = _hash(token)
    row.created_at = utcnow()
    db.session.flush()
    return token


def token_for(user: User) -> CalendarToken | None:
    """The user's current token row (when it was made), or None."""
    return db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user.id))


def user_for_token(token: str | None) -> User | None:
    """The owner of a current token; None for an unknown, malformed or replaced one."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(User).join(CalendarToken, CalendarToken.user_id == User.id)
                             .where(CalendarToken.token_hash == _hash(token)))


# --- What a feed holds ---------------------------------------------------------------------------

#: Feeds show meetings from this many days ago on (and older ones the person said yes to).
FEED_PAST_DAYS = 60


def _feed_select() -> sa.Select:
    return (sa.select(Meeting)
            .options(selectinload(Meeting.circle), selectinload(Meeting.invited_circles))
            .order_by(Meeting.starts_at, Meeting.id))


def personal_feed_meetings(owner: User) -> list[Meeting]:
    """Every meeting ``owner`` may see from 60 days ago on, plus older ones they said yes to; never
    a meeting of a circle they cannot see (leaving a circle-only circle takes its meetings away)."""
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    said_yes = sa.exists().where(Rsvp.meeting_id == Meeting.id, Rsvp.user_id == owner.id, Rsvp.answer == Answer.YES)
    return list(db.session.scalars(
        _feed_select().where(visible_meetings_clause(owner), sa.or_(Meeting.starts_at >= since, said_yes))))


def circle_feed_meetings(circle) -> list[Meeting]:
    """The circle's own meetings and the regional meetings it is invited to, from 60 days ago on."""
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    invited = sa.exists().where(meeting_circles.c.meeting_id == Meeting.id, meeting_circles.c.circle_id == circle.id)
    return list(db.session.scalars(
        _feed_select().where(sa.or_(Meeting.circle_id == circle.id, invited), Meeting.starts_at >= since)))


def feed_circles(user: User) -> list[Circle]:
    """The circles ``user`` is an active member of, by name: each has a feed the account page links to."""
    active = [cid for cid, m in memberships_by_circle(user).items() if m.is_active]
    if not active:
        return []
    return list(db.session.scalars(sa.select(Circle).where(Circle.id.in_(active)).order_by(Circle.name)))
