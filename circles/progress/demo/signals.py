"""Demo signals for ``flask --app circles seed-demo`` (through circles.progress.demo.seed); the data is in
signals.toml. The caller passes the people by e-mail.

Idempotent: a signal is looked up by its title, a recognition by signal and person, and the duplicate is
merged only once, so running it twice adds nothing. Responses are set directly (not through
``signals.respond``) so that seeding sends no e-mail.
"""

import tomllib
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from circles.accounts.models import User
from circles.core import audit
from circles.core.db import db, utcnow
from circles.progress.models import Category, Recognition, Signal, SignalStatus

# The signal services this seeder uses.
from circles.progress.signals import services as signals


def seed_signals(people: dict[str, User]) -> None:
    """Create the demo signals, recognitions, responses and the merged duplicate that are missing.
    Flushes; the caller commits."""
    data = tomllib.loads((Path(__file__).parent / "signals.toml").read_text(encoding="utf-8"))
    now = utcnow()
    coordinator = people.get(data["coordinator"])
    for plan in data["signals"]:
        reporter = people.get(plan["reporter"])
        if reporter is None:
            continue
        status = SignalStatus(plan["status"])
        signal = db.session.scalar(sa.select(Signal).where(Signal.title == plan["title"]))
        if signal is None:
            signal = signals.report_signal(reporter, title=plan["title"], category=Category(plan["category"]),
                                           description=plan["description"], sector_code=plan.get("sector"),
                                           region_code=plan.get("region"))
            signal.created_at = signal.updated_at = now - timedelta(days=plan["days_ago"])
            if status != SignalStatus.NEW and coordinator is not None:
                signal.status, signal.response = status, plan["response"]
                signal.responded_at = now - timedelta(days=plan["days_ago"] // 3)
                signal.responded_by_id = coordinator.id
                audit.record("signal.responded", actor=coordinator, obj_type="signal", obj_id=signal.id,
                             old=SignalStatus.NEW, new=status, response_changed=True)
        if signal.merged_into_id is not None:
            continue
        for recognition in plan["recognitions"]:
            person = people.get(recognition["by"])
            if person is None or person.id == signal.reported_by_id:
                continue
            if db.session.scalar(sa.select(Recognition.id).where(Recognition.signal_id == signal.id,
                                                                 Recognition.user_id == person.id)) is None:
                db.session.add(Recognition(signal_id=signal.id, user_id=person.id,
                                           organisation_id=person.organisation_id, note=recognition["note"],
                                           created_at=signal.created_at + timedelta(days=3)))
        db.session.flush()

    merge = data["merge"]
    duplicate = db.session.scalar(sa.select(Signal).where(Signal.title == merge["duplicate"]))
    original = db.session.scalar(sa.select(Signal).where(Signal.title == merge["into"]))
    if duplicate is not None and original is not None and duplicate.merged_into_id is None and coordinator:
        signals.merge(coordinator, duplicate, original.id)
        db.session.flush()
