"""What the meetings feature tells the rest of the platform is new (circles.core.activity): published
summaries (minutes) of public meetings, and the public regional meetings ahead."""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import selectinload

from circles.core import activity
from circles.core.db import db
from circles.core.markdown import plain_text
from circles.meetings.models import Meeting, MeetingKind, Minutes
from circles.meetings.permissions import visible_meetings_clause

TEASER_LENGTH = 300


def _public_meetings():
    """Meetings anyone may see, also without an account (the newsletter's readers)."""
    return visible_meetings_clause(AnonymousUserMixin())


def _minutes_item(minutes: Minutes) -> activity.Item:
    meeting = minutes.meeting
    return activity.Item(
        kind="minutes", object_id=minutes.id, title=meeting.title,
        teaser=plain_text(minutes.body, TEASER_LENGTH),
        url=activity.public_url("meetings.show", meeting_id=meeting.id, _anchor="verslag"),
        fingerprint=activity.fingerprint(meeting.title, minutes.revision),
        happened_at=max(d for d in (minutes.published_at, minutes.updated_at) if d is not None),
        regions=(meeting.region_code,) if meeting.region_code else (),
        starts_at=meeting.starts_at)


def _minutes(clause) -> list[Minutes]:
    return list(db.session.scalars(
        sa.select(Minutes).join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(Minutes.status == "published", _public_meetings(), clause)
        .options(selectinload(Minutes.meeting)).order_by(Minutes.published_at, Minutes.id)))


def recent_minutes(since: datetime | None, until: datetime) -> list[activity.Item]:
    moment = sa.func.coalesce(Minutes.updated_at, Minutes.published_at)
    window = moment <= until if since is None else sa.and_(moment > since, moment <= until)
    return [_minutes_item(m) for m in _minutes(window)]


def lookup_minutes(ids: Iterable[int]) -> dict[int, activity.Item]:
    return {m.id: _minutes_item(m) for m in _minutes(Minutes.id.in_(list(ids)))}


def _place(meeting: Meeting) -> str:
    parts = [meeting.location_name, meeting.address]
    return ", ".join(p for p in parts if p) or (meeting.online_url and "online") or ""


def _meeting_item(meeting: Meeting) -> activity.Item:
    place = _place(meeting)
    return activity.Item(
        kind="meeting", object_id=meeting.id, title=meeting.title,
        teaser=plain_text(meeting.agenda, TEASER_LENGTH),
        url=activity.public_url("meetings.show", meeting_id=meeting.id),
        # What a reader plans by: a moved, relocated or cancelled meeting is a changed item.
        fingerprint=activity.fingerprint(meeting.title, meeting.starts_at.isoformat(), meeting.ends_at.isoformat(),
                                         place, meeting.online_url, meeting.cancelled_at),
        happened_at=meeting.updated_at or meeting.created_at,
        regions=(meeting.region_code,) if meeting.region_code else (),
        starts_at=meeting.starts_at, location=place)


def _regional(clause) -> list[Meeting]:
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.kind == MeetingKind.REGIONAL, Meeting.cancelled_at.is_(None),
                                 _public_meetings(), clause)
        .order_by(Meeting.starts_at, Meeting.id)))


def upcoming_regional(since: datetime | None, until: datetime) -> list[activity.Item]:
    """Regional meetings that start in (since, until]: the weeks ahead."""
    window = Meeting.starts_at <= until if since is None else sa.and_(Meeting.starts_at > since,
                                                                      Meeting.starts_at <= until)
    return [_meeting_item(m) for m in _regional(window)]


def lookup_meetings(ids: Iterable[int]) -> dict[int, activity.Item]:
    return {m.id: _meeting_item(m) for m in _regional(Meeting.id.in_(list(ids)))}


activity.register(activity.Source(kind="minutes", recent=recent_minutes, lookup=lookup_minutes, order=30))
activity.register(activity.Source(kind="meeting", recent=upcoming_regional, lookup=lookup_meetings,
                                  upcoming=True, order=40))
