"""Demo data for the newsletter: subscribers in every state, news submissions (some waiting), two
issues that went out (in the archive, with a send report), and the next issue drafted from what is new."""

from datetime import timedelta

import sqlalchemy as sa

from circles.core import activity, mail
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
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

#: (email, name, language, sectors, regions, status, days ago)
SUBSCRIBERS = [
    ("projectleider.utrecht@voorbeeld.nl", "Mirjam de Wit", "nl", ["gemeenten"], [], "confirmed", 120),
    ("hr.scholen@voorbeeld.nl", "", "nl", ["po", "vo"], [], "confirmed", 90),
    ("wsp.twente@voorbeeld.nl", "Werkgeversservicepunt Twente", "nl", [], ["AM05"], "confirmed", 75),
    ("inclusion.office@example.org", "Alex Morgan", "en", ["wo"], [], "confirmed", 60),
    ("beleid.waterschap@voorbeeld.nl", "Karin Smits", "nl", ["waterschappen", "provincies"], [], "confirmed", 45),
    ("jobcoach.rijnmond@voorbeeld.nl", "Ahmed Benali", "nl", [], ["AM22"], "confirmed", 30),
    ("nieuw.abonnee@voorbeeld.nl", "", "nl", [], [], "pending", 2),
    ("twijfelaar@voorbeeld.nl", "Sam", "en", [], [], "pending", 9),
    ("oud.abonnee@voorbeeld.nl", "Bert Vos", "nl", ["gemeenten"], [], "unsubscribed", 200),
    ("vervallen.adres@voorbeeld.nl", "", "nl", [], [], "bouncing", 150),
]

#: (title, body, link, sector, region, submitter, status, note, days ago)
NEWS = [
    ("Webinar: de no-riskpolis uitgelegd",
     "UWV en de werkgeversservicepunten leggen in een uur uit hoe de no-riskpolis werkt bij ziekte van een "
     "medewerker uit de doelgroep, en wat u als werkgever moet regelen.",
     "https://www.uwv.nl/werkgevers", None, None, "lid@demo.leercirkels.nl", "approved", "", 20),
    ("Scholen in Twente delen hun werkpakket voor de schoolkantine",
     "Drie schoolbesturen in Twente werken samen aan één werkpakket voor de schoolkantine. Wie wil aansluiten, "
     "kan contact opnemen via de leercirkel voortgezet onderwijs.",
     "", "vo", "AM05", "school@demo.leercirkels.nl", "approved", "", 3),
    ("Gezocht: ervaringen met jobcarving in het archief",
     "Wij willen archiefwerk opsplitsen in taken voor medewerkers uit de doelgroep. Wie heeft dit al gedaan en "
     "wil zijn ervaringen delen in de volgende bijeenkomst?",
     "", "gemeenten", "AM22", "p.dekker@demo.leercirkels.nl", "pending", "", 1),
    ("Subsidieregeling voor aanpassingen op de werkplek",
     "Een overzicht van de regelingen voor werkplekaanpassingen, met de voorwaarden per regeling.",
     "https://www.uwv.nl/werkgevers", None, None, "m.bos@demo.leercirkels.nl", "pending", "", 0),
    ("Ons jubileumfeest",
     "We vieren ons jubileum met alle collega's.", "", None, None, "j.mulder@demo.leercirkels.nl", "declined",
     "Dit is vooral nieuws voor uw eigen organisatie; de nieuwsbrief gaat over banen voor de doelgroep.", 10),
]


def _subscribers(now) -> None:
    for email, name, language, sectors, regions, status, days in SUBSCRIBERS:
        if db.session.scalar(sa.select(Subscriber.id).where(Subscriber.email == email)):
            continue
        created = now - timedelta(days=days)
        subscriber = Subscriber(email=email, name=name, language=language, sectors=sectors, regions=regions,
                                status=status, source="demo", created_at=created, consent_version=CONSENT_VERSION,
                                confirm_sent_at=created)
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
            subscriber.bounce_reason = "550 5.1.1 <vervallen.adres@voorbeeld.nl>: mailbox unavailable"
        for action, moment in events:
            db.session.add(ConsentEvent(subscriber_id=subscriber.id, action=action, text_version=CONSENT_VERSION,
                                        channel="demo", created_at=moment))


def _news(now, users: dict) -> None:
    for title, body, link, sector, region, email, status, note, days in NEWS:
        if db.session.scalar(sa.select(NewsItem.id).where(NewsItem.title == title)):
            continue
        author = users.get(email)
        created = now - timedelta(days=days, hours=2)
        item = NewsItem(title=title, body=body, link=link, sector_code=sector, region_code=region,
                        submitted_by_id=author.id if author else None,
                        organisation_id=author.organisation_id if author else None,
                        status=status, decision_note=note, created_at=created, updated_at=created)
        if status != NewsStatus.PENDING:
            item.decided_at = created + timedelta(hours=1)
            item.decided_by_id = users["redacteur@demo.leercirkels.nl"].id
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


def seed_newsletter(users: dict) -> int:
    """Subscribers, news, two sent issues and a draft; nothing is added twice. Returns records added."""
    now = utcnow()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) or 0
    _subscribers(now)
    _news(now, users)
    added = (db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) or 0) - before
    if db.session.scalar(sa.select(sa.func.count()).select_from(Issue)):
        return added
    editor = users["redacteur@demo.leercirkels.nl"]
    # The first two issues told about part of what is on the platform; the draft proposes the rest.
    proposals = services.proposals(None, now)
    by_kind: dict[str, list[int]] = {}
    for item, _changed in proposals:
        by_kind.setdefault(item.kind, []).append(item.object_id)
    first = [("package", i) for i in by_kind.get("package", [])[:3]] + \
            [("case", i) for i in by_kind.get("case", [])[:1]]
    second = [("package", i) for i in by_kind.get("package", [])[3:5]] + \
             [("case", i) for i in by_kind.get("case", [])[1:2]] + \
             [("news", i) for i in by_kind.get("news", [])[:1]]
    one = _sent_issue(1, now - timedelta(days=28), None, editor, first,
                      "Welkom bij de eerste nieuwsbrief van de leercirkels. Elke twee weken leest u hier wat "
                      "werkgevers in overheid en onderwijs met elkaar delen.")
    _sent_issue(2, now - timedelta(days=14), one.cut_off, editor, second,
                "Deze keer: nieuwe werkpakketten uit gemeenten en scholen, en een webinar over de no-riskpolis.")
    services.new_issue(editor, now)
    return added + 3
