"""Meeting services without HTTP: times, series, edits, cancelling, overlaps and the loaders."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
from circles.meetings import services
from circles.meetings.models import Answer, Meeting, Rsvp
from circles.meetings.services import MeetingError, Repeat, When

AMS = ZoneInfo("Europe/Amsterdam")


def local(meeting_time: datetime) -> datetime:
    return meeting_time.astimezone(AMS)


def next_weekday(weekday: int, after: date | None = None) -> date:
    day = (after or date.today()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def last_sunday_of_october_ahead() -> date:
    """The next last Sunday of October that is at least three weeks away."""
    year = date.today().year
    while True:
        day = date(year, 10, 31)
        while day.weekday() != 6:
            day -= timedelta(days=1)
        if day - date.today() > timedelta(days=21):
            return day
        year += 1


def when(day: date | None = None, start=(14, 0), end=(16, 0), deadline=None) -> When:
    day = day or date.today() + timedelta(days=14)
    return When(day, time(*start), time(*end), *(deadline or (None, None)))


def test_factory_makes_a_meeting(create_meeting):
    meeting = create_meeting()
    assert meeting.id and meeting.circle is not None
    regional = create_meeting(kind="regional", invited=[meeting.circle])
    assert regional.circles == [meeting.circle] and regional.region_code == "AM22"


def test_local_time_is_stored_as_utc(create_circle):
    circle = create_circle()
    winter = date(date.today().year + 1, 1, 15)
    [meeting] = services.create_meeting(None, circle=circle, when=when(winter), title="Winteroverleg")
    assert meeting.starts_at == datetime(winter.year, 1, 15, 13, 0, tzinfo=UTC)
    assert meeting.ends_at == datetime(winter.year, 1, 15, 15, 0, tzinfo=UTC)
    assert meeting.series_id is None and meeting.sequence == 0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"when": when(start=(16, 0), end=(14, 0))}, "end_time"),
    ({"when": when(start=(14, 0), end=(14, 0))}, "end_time"),
    ({"when": when(date.today() + timedelta(days=3), deadline=(date.today() + timedelta(days=3), time(15, 0)))},
     "rsvp_deadline_date"),
    ({"when": when(date.today() - timedelta(days=400))}, "date"),
    ({"when": when(date.today() + timedelta(days=4 * 365))}, "date"),
    ({"when": when(), "capacity": 0}, "capacity"),
    ({"when": when(), "capacity": -5}, "capacity"),
    ({"when": when(), "capacity": 10**6}, "capacity"),
    ({"when": when(), "kind": "regional"}, "kind"),
])
def test_bad_input_is_refused_with_the_field(create_circle, kwargs, field):
    with pytest.raises(MeetingError) as err:
        services.create_meeting(None, circle=create_circle(), title="X", **kwargs)
    assert err.value.field == field and err.value.status == 422


def test_within_reason_is_allowed(create_circle):
    """Half a year back (to record a meeting for its minutes) and two years ahead are fine."""
    circle = create_circle()
    services.create_meeting(None, circle=circle, when=when(date.today() - timedelta(days=180)), title="Terug")
    services.create_meeting(None, circle=circle, when=when(date.today() + timedelta(days=700)), title="Vooruit",
                            capacity=5000)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 2


def test_weekly_series_keeps_14_00_local_across_the_end_of_summer_time(create_circle):
    switch = last_sunday_of_october_ahead()
    first = switch - timedelta(days=10)  # a Thursday, ten days before the switch
    meetings = services.create_meeting(None, circle=create_circle(), when=when(first), title="Reeks",
                                       repeat=Repeat("weeks", interval=1, count=4))
    assert len(meetings) == 4
    assert [local(m.starts_at).time() for m in meetings] == [time(14, 0)] * 4
    assert [local(m.ends_at).time() for m in meetings] == [time(16, 0)] * 4
    assert [local(m.starts_at).date() for m in meetings] == [first + timedelta(weeks=i) for i in range(4)]
    # summer time (UTC+2) before the switch, winter time (UTC+1) after
    assert [m.starts_at.hour for m in meetings] == [12, 12, 13, 13]
    assert len({m.series_id for m in meetings}) == 1 and meetings[0].series_id
    assert "FREQ=WEEKLY" in meetings[0].series_rule and "COUNT=4" in meetings[0].series_rule


def test_series_every_six_weeks_and_monthly_until(create_circle):
    circle = create_circle()
    start = date.today() + timedelta(days=7)
    six = services.create_meeting(None, circle=circle, when=when(start), title="Zes",
                                  repeat=Repeat("weeks", interval=6, count=8))
    assert len(six) == 8 and "INTERVAL=6" in six[0].series_rule
    assert local(six[-1].starts_at).date() == start + timedelta(weeks=42)
    day = date(date.today().year + 1, 1, 10)
    monthly = services.create_meeting(None, circle=circle, when=when(day), title="Maand",
                                      repeat=Repeat("month", until=date(day.year, 6, 30)))
    assert [local(m.starts_at).date() for m in monthly] == [date(day.year, mo, 10) for mo in range(1, 7)]
    assert "FREQ=MONTHLY" in monthly[0].series_rule


def test_series_deadline_moves_with_each_occurrence(create_circle):
    start = date.today() + timedelta(days=10)
    meetings = services.create_meeting(None, circle=create_circle(), title="Met termijn",
                                       when=when(start, deadline=(start - timedelta(days=2), time(12, 0))),
                                       repeat=Repeat("weeks", interval=2, count=3))
    assert [m.starts_at - m.rsvp_deadline for m in meetings] == [meetings[0].starts_at - meetings[0].rsvp_deadline] * 3


@pytest.mark.parametrize(("repeat", "field"), [
    (Repeat("weeks", interval=0, count=4), "repeat_interval"),
    (Repeat("weeks", interval=13, count=4), "repeat_interval"),
    (Repeat("weeks", interval=1, count=1), "repeat_count"),
    (Repeat("weeks", interval=1, count=53), "repeat_count"),
    (Repeat("weeks", interval=1), "repeat_count"),
    (Repeat("weeks", interval=1, count=3, until=date.today() + timedelta(days=60)), "repeat_count"),
    (Repeat("weeks", interval=1, until=date.today()), "repeat_until"),
    (Repeat("weeks", interval=1, until=date.today() + timedelta(days=16)), "repeat_until"),  # one meeting only
    (Repeat("weeks", interval=1, until=date.today() + timedelta(days=3 * 365)), "repeat_until"),  # > 52
    (Repeat("daily", count=3), "repeat"),
])
def test_malformed_repetition_is_refused(create_circle, repeat, field):
    with pytest.raises(MeetingError) as err:
        services.create_meeting(None, circle=create_circle(), when=when(), title="X", repeat=repeat)
    assert err.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_regional_meeting_needs_region_and_invited_circles(create_circle):
    circle = create_circle()
    with pytest.raises(MeetingError) as err:
        services.create_meeting(None, when=when(), title="Regio", region_code="AM22", invited=[])
    assert err.value.field == "invited"
    [meeting] = services.create_meeting(None, when=when(), title="Regio", region_code="AM22", invited=[circle],
                                        partner_wsp=True, partner_uwv=True, kind="circle")
    assert meeting.kind == "regional" and meeting.circle_id is None and meeting.circles == [circle]


def _rsvp(meeting, user, answer):
    db.session.add(Rsvp(meeting=meeting, user=user, answer=answer))
    db.session.flush()


def test_update_one_bumps_sequence_and_queues_mail_for_yes_and_maybe(create_meeting, create_user):
    meeting = create_meeting(title="Oud")
    yes, maybe, no, muted = create_user(), create_user(), create_user(), create_user()
    muted.muted_notifications = ["meeting_changes"]
    for person, answer in [(yes, Answer.YES), (maybe, Answer.MAYBE), (no, Answer.NO), (muted, Answer.YES)]:
        _rsvp(meeting, person, answer)
    assert {u.id for u in services.attendees_to_notify(meeting)} == {yes.id, maybe.id, muted.id}
    results = services.update_meeting(None, meeting, when=When.of(meeting), title="Nieuw", location_name="Zaal 2")
    assert [(m.id, names) for m, names in results] == [(meeting.id, ["title", "location_name"])]
    assert meeting.sequence == 1 and meeting.title == "Nieuw"
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    assert sorted(m.to_address for m in mails) == sorted([yes.email, maybe.email])
    assert all(m.attachments and m.attachments[0]["filename"].endswith(".ics") for m in mails)


def test_saving_without_changes_changes_nothing(create_meeting):
    meeting = create_meeting()
    assert services.update_meeting(None, meeting, when=When.of(meeting), title=meeting.title) == []
    assert meeting.sequence == 0


def test_this_and_all_following_shifts_the_time_of_day(create_circle):
    start = date.today() + timedelta(days=7)
    meetings = services.create_meeting(None, circle=create_circle(), when=when(start), title="Reeks",
                                       repeat=Repeat("weeks", interval=2, count=4))
    db.session.commit()
    second = meetings[1]
    new = When(local(second.starts_at).date(), time(15, 30), time(17, 0))
    results = services.update_meeting(None, second, when=new, scope="following", title="Reeks (nieuw)")
    assert [m.id for m, _names in results] == [m.id for m in meetings[1:]]
    assert local(meetings[0].starts_at).time() == time(14, 0) and meetings[0].title == "Reeks"
    for i, m in enumerate(meetings[1:], start=1):
        assert local(m.starts_at).time() == time(15, 30) and local(m.ends_at).time() == time(17, 0)
        assert local(m.starts_at).date() == start + timedelta(weeks=2 * i)
        assert m.title == "Reeks (nieuw)" and m.sequence == 1
    assert meetings[0].sequence == 0


def test_only_this_one_leaves_the_rest_of_the_series(create_circle):
    meetings = services.create_meeting(None, circle=create_circle(), when=when(), title="Reeks",
                                       repeat=Repeat("weeks", interval=1, count=3))
    services.update_meeting(None, meetings[0], when=When.of(meetings[0]), scope="this", title="Alleen deze")
    assert [m.title for m in meetings] == ["Alleen deze", "Reeks", "Reeks"]


def test_cancel_once_then_409(create_meeting, create_user):
    meeting = create_meeting()
    _rsvp(meeting, create_user(), Answer.YES)
    services.cancel_meeting(None, meeting, "Te weinig aanmeldingen.")
    assert meeting.is_cancelled and meeting.sequence == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 1
    with pytest.raises(MeetingError) as err:
        services.cancel_meeting(None, meeting)
    assert err.value.status == 409
    with pytest.raises(MeetingError) as err:
        services.update_meeting(None, meeting, when=When.of(meeting), title="Toch")
    assert err.value.status == 409


def test_overlapping_same_circle_or_region_only(create_meeting, create_circle):
    circle, other_circle = create_circle(), create_circle()
    start = utcnow().replace(microsecond=0) + timedelta(days=5)
    a = create_meeting(circle, start=start, title="A")
    b = create_meeting(circle, start=start + timedelta(hours=1), title="B")
    create_meeting(circle, start=start + timedelta(hours=2), title="Aansluitend")  # starts when A ends
    create_meeting(other_circle, start=start, title="Andere cirkel")
    cancelled = create_meeting(circle, start=start, title="Afgezegd")
    cancelled.cancelled_at = utcnow()
    r1 = create_meeting(kind="regional", start=start, title="R1", invited=[circle])
    create_meeting(kind="regional", region="AM05", start=start, title="Andere regio", invited=[circle])
    r2 = create_meeting(kind="regional", start=start + timedelta(minutes=30), title="R2", invited=[other_circle])
    assert [m.title for m in services.overlapping([a])] == ["B"]
    assert [m.title for m in services.overlapping([r1])] == ["R2"]
    assert [m.title for m in services.overlapping([b])] == ["A", "Aansluitend"]
    assert r2 not in services.overlapping([a])


def test_loaders(create_meeting, create_circle, create_user, add_member):
    circle = create_circle()
    now = utcnow()
    past = create_meeting(circle, start=now - timedelta(days=30), title="Vorige")
    older = create_meeting(circle, start=now - timedelta(days=60), title="Oudere")
    upcoming = [create_meeting(circle, start=now + timedelta(days=d), title=f"Over {d}") for d in (20, 5, 10, 40)]
    regional = create_meeting(kind="regional", start=now + timedelta(days=1), title="Regio", invited=[circle])
    cancelled = create_meeting(circle, start=now + timedelta(days=2), title="Afgezegd")
    cancelled.cancelled_at = now
    db.session.commit()
    assert [m.title for m in services.upcoming_for_circle(circle)] == ["Regio", "Over 5", "Over 10"]
    assert services.previous_meeting(upcoming[1]) == past
    assert services.previous_meeting(past) == older
    assert services.previous_meeting(older) is None
    assert services.next_meeting_starts()[circle.id] == regional.starts_at
    elsewhere = create_circle("Elders")
    create_meeting(elsewhere, start=now + timedelta(days=3), title="Elders")
    # a page of cards asks for its own circles only: the answer does not grow with the platform
    assert services.next_meeting_starts([circle.id]) == {circle.id: regional.starts_at}
    assert set(services.next_meeting_starts()) == {circle.id, elsewhere.id}
    member = create_user()
    add_member(circle, member)
    assert [m.title for m in services.upcoming_for_user(member, 5)] == ["Regio", "Over 5", "Over 10", "Over 20",
                                                                       "Over 40"]
    assert services.upcoming_for_user(create_user()) == []


def test_demo_meetings_are_idempotent(app):
    from circles.accounts.models import User
    from circles.demo import seed_demo
    from circles.groups.models import Circle
    from circles.meetings.demo import seed as seed_meetings

    seed_demo()
    circles = {c.name: c for c in db.session.scalars(sa.select(Circle))}
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    already = db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))  # in case the lead wired it in
    added = seed_meetings(circles, users)
    db.session.commit()
    assert added + already >= 12 and seed_meetings(circles, users) == 0
    twente = db.session.scalars(sa.select(Meeting).where(Meeting.title == "Leercirkel Gemeenten Twente")
                                .order_by(Meeting.starts_at)).all()
    assert len(twente) == 6 and len({m.series_id for m in twente}) == 1
    assert all(local(m.starts_at).weekday() == 3 and local(m.starts_at).time() == time(14, 0) for m in twente)
    regional = db.session.scalar(sa.select(Meeting).where(Meeting.kind == "regional"))
    assert regional.capacity == 2 and regional.partner_wsp and regional.partner_uwv and regional.region_code == "AM22"
    assert {c.name for c in regional.invited_circles} == {"Gemeenten Rijnmond",
                                                          "Hogescholen en inclusief werkgeverschap"}
    rijnmond = circles["Gemeenten Rijnmond"]
    own = db.session.scalars(sa.select(Meeting).where(Meeting.circle_id == rijnmond.id)).all()
    assert sum(m.starts_at < utcnow() for m in own) == 2 and sum(m.starts_at > utcnow() for m in own) == 2
