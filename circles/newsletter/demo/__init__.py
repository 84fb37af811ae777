"""Demo data for the newsletter for ``flask --app circles seed-demo``; the data is in newsletter.toml:
subscribers in every state, news submissions (some waiting), two issues that went out (in the archive, with
a send report), and the next issue drafted from what is new. The caller (circles/demo/) passes the people
by e-mail."""

import tomllib
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from circles.accounts.models import User
from circles.core import activity, mail
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail

# The newsletter services this seeder uses.
from circles.newsletter import services
from circles.newsletter.models import (
    CONSENT_VERSION,
    ConsentEvent,
    Issue,
    IssueStatus,
    NewsItem,
    NewsStatus,
    Subscriber,
    SubscriberStatus,
)


def _subscribers(rows: list[dict], now) -> None:
    for row in rows:
        if db.session.scalar(sa.select(Subscriber.id).where(Subscriber.email == row["email"])):
            continue
        created = now - timedelta(days=row["days_ago"])
        status = row["status"]
        subscriber = Subscriber(email=row["email"], name=row["name"], language=row["language"],
                                sectors=row["sectors"], regions=row["regions"], status=status, source="demo",
                                created_at=created, consent_version=CONSENT_VERSION, confirm_sent_at=created)
        db.session.add(subscriber)
        db.session.flush()
        events = [("subscribe", created)]
        if status != SubscriberStatus.PENDING:
            subscriber.confirmed_at = created + timedelta(hours=1)
            events.append(("confirm", subscriber.confirmed_at))
        if status == SubscriberStatus.UNSUBSCRIBED:
            subscriber.unsubscribed_at = now - timedelta(days=20)
            events.append(("unsubscribe", subscriber.unsubscribed_at))
        if status == SubscriberStatus.BOUNCING:
            subscriber.bounced_at = now - timedelta(days=14)
            subscriber.bounce_reason = row["bounce_reason"]
        for action, moment in events:
            db.session.add(ConsentEvent(subscriber_id=subscriber.id, action=action, text_version=CONSENT_VERSION,
                                        channel="demo", created_at=moment))


def _news(rows: list[dict], now, people: dict, editor: User) -> None:
    for row in rows:
        if db.session.scalar(sa.select(NewsItem.id).where(NewsItem.title == row["title"])):
            continue
        author = people.get(row["submitter"])
        created = now - timedelta(days=row["days_ago"], hours=2)
        item = NewsItem(title=row["title"], body=row["body"], link=row["link"], sector_code=row.get("sector"),
                        region_code=row.get("region"), submitted_by_id=author.id if author else None,
                        organisation_id=author.organisation_id if author else None,
                        status=row["status"], decision_note=row["note"], created_at=created, updated_at=created)
        if row["status"] != NewsStatus.PENDING:
            item.decided_at = created + timedelta(hours=1)
            item.decided_by_id = editor.id
        db.session.add(item)
    db.session.flush()


def _sent_issue(number: int, cut_off, previous_cut_off, editor, wanted: list[tuple[str, int]], intro: str):
    """An issue that went out at ``cut_off`` with these items, frozen and delivered to the demo readers."""
    issue = Issue(number=number, issue_date=cut_off.date(), cut_off=cut_off, period_start=previous_cut_off,
                  created_by_id=editor.id, subject=f"Nieuwsbrief Leercirkels banenafspraak {number}", intro=intro,
                  created_at=cut_off - timedelta(days=1))
    db.session.add(issue)
    for position, kind in enumerate(services.DEFAULT_SECTIONS):
        issue.sections.append(services.IssueSection(kind=kind, title="", position=position))
    db.session.flush()
    found = []
    for kind, object_id in wanted:
        item = activity.lookup(kind, [object_id]).get(object_id)
        if item is not None:
            found.append((item, False))
    services._add_items(issue, found)
    services.freeze(issue, editor, cut_off)
    recipients = list(db.session.scalars(sa.select(Subscriber).where(
        Subscriber.status == SubscriberStatus.CONFIRMED, Subscriber.created_at < cut_off)))
    body = services.frozen(issue, "nl").body
    mail.queue_many([{"to": s.email, "dedupe_key": f"newsletter:{issue.id}:{s.id}", "headers": {}, "fields": {}}
                     for s in recipients], body=body, batch=issue.batch)
    db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.batch == issue.batch)
                       .values(status="sent", sent_at=cut_off, attempts=1))
    issue.status, issue.send_started_at, issue.sent_at = IssueStatus.SENT, cut_off, cut_off + timedelta(minutes=3)
    issue.send_deadline = cut_off + services.send_window()
    issue.recipient_count = len(recipients)
    db.session.flush()
    return issue


def seed(people: dict) -> int:
    """Subscribers, news, the sent issues and a draft; nothing is added twice. ``people``: the demo accounts
    by e-mail. Returns records added."""
    data = tomllib.loads((Path(__file__).parent / "newsletter.toml").read_text(encoding="utf-8"))
    now = utcnow()
    editor = people[data["editor"]]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) or 0
    _subscribers(data["subscribers"], now)
    _news(data["news"], now, people, editor)
    added = (db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) or 0) - before
    if db.session.scalar(sa.select(sa.func.count()).select_from(Issue)):
        return added
    # The sent issues told about part of what is on the platform, each taking the next proposals of each
    # kind; the draft proposes the rest.
    by_kind: dict[str, list[int]] = {}
    for item, _changed in services.proposals(None, now):
        by_kind.setdefault(item.kind, []).append(item.object_id)
    taken: dict[str, int] = {}
    previous_cut_off = None
    for plan in data["issues"]:
        wanted = []
        for kind, count in plan["take"].items():
            start = taken.get(kind, 0)
            wanted += [(kind, i) for i in by_kind.get(kind, [])[start:start + count]]
            taken[kind] = start + count
        issue = _sent_issue(plan["number"], now - timedelta(days=plan["days_ago"]), previous_cut_off, editor,
                            wanted, plan["intro"])
        previous_cut_off = issue.cut_off
    services.new_issue(editor, now)
    return added + len(data["issues"]) + 1
