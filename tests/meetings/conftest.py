"""Factories for the meetings feature, shared by every meetings test file."""

from datetime import UTC, datetime, timedelta

import pytest

from circles.core.db import db, utcnow
from circles.meetings.models import Meeting, MeetingKind
from tests.groups.conftest import add_member, create_circle  # noqa: F401  (fixtures re-exported)


def in_days(days: int, hour: int = 13) -> datetime:
    """An aware UTC datetime ``days`` from today at ``hour``:00 UTC."""
    day = utcnow() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def create_meeting(app, create_circle):  # noqa: F811  (the fixture imported above)
    """``create_meeting(circle=None, *, start=None, hours=2, ...)``: a meeting row, committed.

    Without a circle a circle meeting gets a new circle; a regional meeting (``kind="regional"``) has
    no circle but a ``region`` (default AM22, Rijnmond) and ``invited`` circles. ``start`` is aware UTC
    (default: in 7 days at 13:00 UTC)."""
    counter = iter(range(1, 10_000))

    def make(circle=None, *, start: datetime | None = None, hours: float = 2, title: str | None = None,
             kind: str = "circle", region: str | None = None, invited=(), capacity: int | None = None,
             rsvp_deadline: datetime | None = None, creator=None) -> Meeting:
        start = start or in_days(7)
        assert start.tzinfo is not None, "start must be aware UTC"
        start = start.astimezone(UTC)
        if kind == MeetingKind.REGIONAL:
            circle = None
            region = region or "AM22"
        elif circle is None:
            circle = create_circle()
        meeting = Meeting(
            title=title or f"Bijeenkomst {next(counter)}", kind=kind, circle=circle, region_code=region,
            starts_at=start, ends_at=start + timedelta(hours=hours), capacity=capacity,
            rsvp_deadline=rsvp_deadline, created_by_id=creator.id if creator is not None else None,
            location_name="Stadhuis", address="Coolsingel 40, Rotterdam",
        )
        meeting.invited_circles = list(invited)
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make
