"""Reminders sent exactly once (also after a crash or an overlapping run) and needs deleted after the
meeting: the cron commands, with a real SMTP server."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from circles.core import mail
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
from circles.meetings.models import CircleMeetingSettings, ReminderSent, Rsvp
from circles.meetings.rsvp import services as rsvp_services


@pytest.fixture
def attendees(create_user, add_member):
    """``attendees(meeting, "yes", "maybe", ...)``: one new member of the meeting's circle per answer."""

    def make(meeting, *answers, circle=None):
        people = []
        for value in answers:
            user = create_user()
            add_member(circle or meeting.circle, user)
            rsvp_services.set_answer(user, meeting, value, dietary_needs="Vegetarisch")
            db.session.commit()
            people.append(user)
        return people

    return make


def soon(hours: float = 24):
    return (utcnow() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def run(runner, command="send-reminders"):
    result = runner.invoke(args=["meetings", command])
    assert result.exit_code == 0, result.output
    return result


def reminders_to(mailbox, user):
    return [m for m in mailbox.to(user.email) if m["Subject"].startswith("Herinnering")]


def test_running_twice_sends_one_reminder_per_attendee(runner, create_meeting, attendees, mailbox):
    meeting = create_meeting(start=soon(), capacity=2, title="Netwerkochtend")
    yes1, yes2, waiting, maybe, no = attendees(meeting, "yes", "yes", "yes", "maybe", "no")
    run(runner)
    run(runner)
    for person in (yes1, yes2, maybe):
        assert len(reminders_to(mailbox, person)) == 1
    assert reminders_to(mailbox, waiting) == [] and reminders_to(mailbox, no) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 3


def test_a_crash_half_way_still_sends_exactly_one_each(runner, create_meeting, attendees, mailbox, monkeypatch):
    meeting = create_meeting(start=soon())
    people = attendees(meeting, "yes", "yes", "maybe", "yes")
    real_queue_mail, calls = mail.queue_mail, []

    def crash_after_two(*args, **kwargs):
        if len(calls) == 2:
            raise RuntimeError("the server was switched off")
        calls.append(args)
        return real_queue_mail(*args, **kwargs)

    monkeypatch.setattr(mail, "queue_mail", crash_after_two)
    result = runner.invoke(args=["meetings", "send-reminders"])
    assert isinstance(result.exception, RuntimeError)
    db.session.rollback()  # the process died: its open transaction is gone
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 2
    assert mailbox.messages == []  # nothing was delivered before the crash

    monkeypatch.setattr(mail, "queue_mail", real_queue_mail)
    run(runner)
    run(runner)
    assert [len(reminders_to(mailbox, p)) for p in people] == [1, 1, 1, 1]


def test_an_overlapping_run_is_skipped_by_the_unique_constraint(runner, create_meeting, attendees, mailbox,
                                                                monkeypatch):
    meeting = create_meeting(start=soon())
    people = attendees(meeting, "yes", "maybe")
    run(runner)
    # Another run that chose its people before this one wrote its rows: it sees no rows, finds the
    # constraint when inserting, rolls back and moves on.
    everyone = lambda m: list(db.session.scalars(sa.select(Rsvp).where(Rsvp.meeting_id == m.id)))  # noqa: E731
    monkeypatch.setattr(rsvp_services, "_to_remind", everyone)
    result = run(runner)
    assert "queued: 0" in result.output and "skipped: 2" in result.output
    assert [len(reminders_to(mailbox, p)) for p in people] == [1, 1]


def test_the_reminder_has_the_local_time_and_the_link(runner, create_meeting, attendees, mailbox):
    start = soon(30)
    meeting = create_meeting(start=start, title="Werkbezoek haven")
    (person,) = attendees(meeting, "yes")
    run(runner)
    (message,) = reminders_to(mailbox, person)
    assert "Werkbezoek haven" in message["Subject"]
    text = mailbox.text(message)
    local = start.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert f"{local:%H:%M}" in text and str(local.year) in text and f"{local.day} " in text
    assert f"{start:%H:%M}" not in text or local.utcoffset() == timedelta(0)
    assert any(link.endswith(f"/bijeenkomsten/{meeting.id}") for link in mailbox.links(message))
    assert "Ja, ik kom" in text and "Stadhuis" in text
    assert f"/bijeenkomsten/{meeting.id}" in mailbox.html(message)


def test_reminder_days_follow_the_circle_setting(runner, create_meeting, create_circle, attendees, mailbox):
    default = create_meeting(start=soon(24 * 3))  # default 2 days: not yet
    five = create_meeting(start=soon(24 * 4))
    db.session.add(CircleMeetingSettings(circle_id=five.circle_id, reminder_days=5))
    none = create_meeting(start=soon(6))
    db.session.add(CircleMeetingSettings(circle_id=none.circle_id, reminder_days=0))
    db.session.commit()
    (d,), (f,), (n,) = attendees(default, "yes"), attendees(five, "yes"), attendees(none, "yes")
    run(runner)
    assert reminders_to(mailbox, d) == [] and len(reminders_to(mailbox, f)) == 1 and reminders_to(mailbox, n) == []


def test_regional_meetings_remind_two_days_ahead(runner, create_meeting, create_circle, attendees, mailbox):
    circle = create_circle()
    near = create_meeting(kind="regional", invited=[circle], start=soon(40))
    far = create_meeting(kind="regional", invited=[circle], start=soon(24 * 3))
    (a,), (b,) = attendees(near, "maybe", circle=circle), attendees(far, "yes", circle=circle)
    run(runner)
    assert len(reminders_to(mailbox, a)) == 1 and reminders_to(mailbox, b) == []


def test_no_reminders_for_cancelled_started_or_muted(runner, create_meeting, attendees, mailbox):
    cancelled = create_meeting(start=soon())
    started = create_meeting(start=soon(2))
    fine = create_meeting(start=soon())
    (c,), (s,), (m, ok) = attendees(cancelled, "yes"), attendees(started, "yes"), attendees(fine, "yes", "yes")
    cancelled.cancelled_at = utcnow()
    started.starts_at = utcnow() - timedelta(minutes=10)
    m.muted_notifications = ["reminders"]
    db.session.commit()
    run(runner)
    assert [len(reminders_to(mailbox, p)) for p in (c, s, m, ok)] == [0, 0, 0, 1]


# --- Deleting needs after the meeting ------------------------------------------------------------

def test_purge_needs_deletes_needs_of_ended_meetings_once(runner, create_meeting, attendees):
    past = create_meeting(start=soon(24))
    future = create_meeting(start=soon(24 * 10))
    (p,), (f,) = attendees(past, "yes"), attendees(future, "maybe")
    past.starts_at, past.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.commit()

    assert "meetings purged: 1" in run(runner, "purge-needs").output
    db.session.expire_all()
    purged_at = past.needs_purged_at
    assert purged_at is not None and future.needs_purged_at is None
    rows = {r.user_id: r for r in db.session.scalars(sa.select(Rsvp))}
    assert (rows[p.id].dietary_needs, rows[p.id].accessibility_needs) == ("", "")
    assert rows[f.id].dietary_needs == "Vegetarisch"

    assert "meetings purged: 0" in run(runner, "purge-needs").output
    db.session.expire_all()
    assert past.needs_purged_at == purged_at


def test_send_reminders_also_purges(runner, create_meeting, attendees, app):
    past = create_meeting(start=soon(24))
    (p,) = attendees(past, "yes")
    past.starts_at, past.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2, hours=-2)
    db.session.commit()
    assert "purged: 1" in run(runner).output
    db.session.expire_all()
    assert db.session.scalar(sa.select(Rsvp.dietary_needs).where(Rsvp.user_id == p.id)) == ""
    help_text = runner.invoke(args=["meetings", "send-reminders", "--help"]).output
    assert "purge-needs" in help_text
