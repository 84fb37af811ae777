"""Demo meetings, answers and minutes for ``flask --app circles seed-demo``; the data is in meetings.toml.
The caller (circles/demo/) passes the circles and the people by name and e-mail. Idempotent: a meeting is
looked up by title and start, an answer by person, minutes by meeting."""

import tomllib
from datetime import date, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from circles.core.db import db, utcnow

# The meeting services this seeder uses.
from circles.meetings import services
from circles.meetings.minutes import services as minutes
from circles.meetings.models import Meeting, MeetingKind
from circles.meetings.rsvp import services as rsvp
from circles.meetings.services import Repeat, When, local_to_utc, to_local


def _exists(title: str, day: date, start: time) -> bool:
    return db.session.scalar(sa.select(Meeting.id).where(Meeting.title == title,
                                                          Meeting.starts_at == local_to_utc(day, start))) is not None


def _first_weekday_after(today: date, weekday: int) -> date:
    day = today + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def _meetings(plans: list[dict], places: dict, circles_by_name: dict, people: dict) -> int:
    """Create the meetings that are missing; returns how many meeting rows were added."""
    today = to_local(utcnow()).date()
    added = 0
    for plan in plans:
        plan = dict(plan)
        creator = people[plan.pop("creator")]
        title, start, end = plan.pop("title"), plan.pop("starts"), plan.pop("ends")
        if "first_weekday_after_today" in plan:
            day = _first_weekday_after(today, plan.pop("first_weekday_after_today"))
        else:
            day = today + timedelta(days=plan.pop("days_from_today"))
        if _exists(title, day, start):
            continue
        circle = circles_by_name[plan.pop("circle")] if "circle" in plan else None
        invited = [circles_by_name[name] for name in plan.pop("invited", [])]
        repeat = Repeat(**plan.pop("repeat")) if "repeat" in plan else None
        fields = {**places.get(plan.pop("place", None), {}), **plan}
        if "kind" in fields:
            fields["kind"] = MeetingKind(fields["kind"])
        added += len(services.create_meeting(creator, circle=circle, when=When(day, start, end), title=title,
                                             repeat=repeat, invited=invited, **fields))
    db.session.flush()
    return added


def _meeting(title: str) -> Meeting:
    return db.session.scalar(sa.select(Meeting).where(Meeting.title == title).order_by(Meeting.starts_at))


def _activity(data: dict, people: dict) -> None:
    """Answers (a full meeting gets a waiting list), and minutes, decisions and action items for the most
    recent past meeting. Each step is skipped when it was done before."""
    for answer in data["answers"]:
        meeting = _meeting(answer["meeting"])
        for email in answer["yes"]:
            if rsvp.rsvp_of(people[email], meeting) is None:
                rsvp.set_answer(people[email], meeting, "yes")
    plan = data["minutes"]
    past, author = _meeting(plan["meeting"]), people[plan["by"]]
    if minutes.minutes_of(past) is not None:
        return
    minutes.save_minutes(past, author, plan["body"], based_on=0)
    minutes.publish_minutes(past, author)
    for text in plan["decisions"]:
        minutes.add_decision(past, author, text)
    for action in plan["action_items"]:
        owner = people[action["owner"]]
        item = minutes.add_action_item(past, author, text=action["text"], owner=owner, due_date=None)
        if "status" in action:
            minutes.set_action_status(owner, item, action["status"])


def seed(circles_by_name: dict, people: dict) -> int:
    """Create the demo meetings, answers and minutes that are missing; returns how many meeting rows were
    added. ``people``: the demo accounts by e-mail. Flushes; the caller commits."""
    data = tomllib.loads((Path(__file__).parent / "meetings.toml").read_text(encoding="utf-8"))
    added = _meetings(data["meetings"], data["places"], circles_by_name, people)
    _activity(data, people)
    return added
