"""Benchmark of the newsletter: ``python -m bench.newsletter [--packages 5000] [--subscribers 20000] [--database ...]``.

Builds a fresh database (a SQLite file in a temporary folder, or the PostgreSQL database given, whose tables
are dropped and made again: use a throwaway one, such as the one ``scripts/with-postgres.sh`` starts) and
measures, in one run:

* **Composing.** A platform a year old: N public published work packages (``--packages``; and a quarter as many
  that are not public), 0.4 N cases, 1.6 N meetings (some regional, many with published minutes), 0.06 N
  approved news items, and 20 issues that went out, every two weeks up to two weeks ago, whose items are in
  ``newsletter_items`` (the memory of what went out: some of it changed since). About two weeks' worth of
  content falls after the last cut-off. Timed over several runs (the draft deleted between runs), each step as
  the composer's view calls it (in a request context, with the view's one commit): ``services.new_issue``,
  ``services.findings`` on the whole draft, ``services.save`` (the editor keeps 25 items, two of them in a
  regional section), ``services.findings`` on those, ``services.approve`` (the checks again and every
  rendering) and ``services.freeze`` alone. Each step's SQL statements are counted at N/10 and at N (a fresh
  database each): the counts must not grow with the data.
* **Sending.** S confirmed subscribers (``--subscribers``; plus pending, unsubscribed and bouncing ones who must
  get nothing), the approved issue, ``sending.start`` (fix the recipients, write the outbox rows), then
  ``mail.deliver(batch_prefix="newsletter:")`` in one process to a local SMTP server (aiosmtpd, in a process of
  its own) that counts the messages and throws them away. The floor: a bare ``smtplib`` loop over one connection
  sending the same messages (built beforehand from the outbox rows with ``mail.build_message``; only
  ``send_message`` is timed) to the same server. The two take turns, a thousand messages each (the floor's
  turns are off the platform's clock), so that other work on the machine weighs on both alike. The server
  counts per envelope sender: S messages to S different addresses for each.

Content goes in with bulk inserts (SQLAlchemy Core). The earlier issues' items are what the app's own activity
sources answer for each earlier period, so their fingerprints are the app's. The figures go to
``bench/RESULTS.md`` between markers: a run replaces only its own database's block.
"""

import argparse
import datetime as dt
import email.utils
import multiprocessing
import os
import platform
import random
import re
import smtplib
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from bench import results
from bench.search import PLACES, SETTINGS, cpu_model, fresh_schema

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
PASSWORD = "bench-wachtwoord-niet-geheim"
EDITOR_EMAIL = "redactie@bench.example"
BATCH = 2000

FORTNIGHT = dt.timedelta(days=14)
YEAR = dt.timedelta(days=365)
#: Issues that went out before, one every two weeks; the last one's cut-off was two weeks ago.
EARLIER_ISSUES = 20
#: Per N (``--packages``): the other content.
CASES_PER_PACKAGE = 0.4
HIDDEN_PER_PACKAGE = 0.25  # drafts, and packages only for members or for one circle
MEETINGS_PER_PACKAGE = 1.6
NEWS_PER_PACKAGE = 0.06
#: Share of each kind published in the last two weeks (3 % of 5,000 packages: 150; 2 % of 2,000 cases: 40).
#: Messages in the sample that splits the floor into flattening and the SMTP exchange.
RAW_SAMPLE = 2000
#: The platform and the floor take turns, this many messages each.
CHUNK = 1000
#: The floor's envelope sender, so the server counts its messages apart from the platform's.
FLOOR_SENDER = "floor@bench.example"
RECENT = {"package": 0.03, "case": 0.02, "news": 0.04}
#: Share of packages that went out earlier and were edited in the last two weeks (half of them changed since).
EDITED = 0.01
#: Which items the editors of the earlier issues kept (the rest were proposed and left out).
KEPT_BEFORE = {"package": 0.15, "case": 0.3, "minutes": 0.3, "meeting": 0.8, "news": 0.6}
#: What the editor keeps of the draft: 25 items.
KEEP = {"package": 8, "case": 4, "minutes": 3, "meeting": 6, "news": 4}
REGION = "AM22"
INTRO = ("Welkom bij deze editie. Twee weken vol nieuwe **werkpakketten** en goede voorbeelden, en een paar "
         "regionale bijeenkomsten waar u collega-werkgevers ontmoet.\n\n"
         "Heeft u zelf nieuws? [Meld het bij de redactie](https://leercirkels.example/nieuwsbrief/melden).")
STEPS = {
    "new_issue": "`services.new_issue`: the draft, from the activity sources and the memory of what went out",
    "findings_all": "`services.findings`, the whole draft (every proposal included; renders it twice)",
    "save": "`services.save`: the editor keeps 25 items, two of them in a regional section",
    "findings": "`services.findings`, the 25 items",
    "approve": "`services.approve`: the checks again, then every rendering stored",
    "freeze": "`services.freeze` alone (the renderings)",
}
STAGES = {"claim": "claim (UPDATE … RETURNING, commit)", "build": "build (`build_message`)",
          "send": "send (`send_message`)", "finish": "finish (UPDATE, commit)"}

AGENDA = ["Welkom en kennismaking", "Ervaringen met werkpakketten in de facilitaire dienst",
          "De no-riskpolis en loonkostensubsidie in de praktijk", "Rondleiding op de werkvloer",
          "Wat vraagt de begeleiding van een jobcoach?", "Afspraken voor de volgende bijeenkomst",
          "Presentatie van het werkgeversservicepunt", "Vragen aan UWV"]
MINUTES = ["De deelnemers deelden hun ervaringen met het opsplitsen van taken.",
           "Het werkgeversservicepunt gaf uitleg over de regelingen.",
           "Er is afgesproken om de werkpakketten in de bibliotheek te zetten.",
           "Twee organisaties gaan een proefplaatsing starten.",
           "De jobcoach vertelde wat goede begeleiding op de werkvloer vraagt.",
           "Volgende keer bespreken we de ervaringen na drie maanden."]
NEWS_TITLES = ["Webinar over de no-riskpolis", "Nieuwe subsidieregeling voor werkplekaanpassingen",
               "Scholen delen hun werkpakket voor de kantine", "Gezocht: ervaringen met jobcarving",
               "Open dag bij het werkgeversservicepunt", "Handreiking inclusief werkgeverschap verschenen"]
CASE_TITLES = ["Van stagiair naar vaste kracht", "Een postkamer die werkt voor iedereen",
               "Groenonderhoud met vaste ploegen", "De schoolkantine als leerwerkplek",
               "Scannen en archiveren in eigen beheer", "Gastvrijheid aan de balie"]


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- the app and the database ----------------------------------------------------------------------------------

def make_app(uri: str, smtp_port: int):
    from circles import create_app

    return create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_RATE_PER_SECOND": 0,  # no rate limit: the benchmark is about what one sender can do
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "RATELIMIT_ENABLED": False,
    })


class Statements:
    """Counts the SQL statements the engine sends (``before_cursor_execute``) since the last ``take``."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1

    def take(self) -> int:
        count, self.count = self.count, 0
        return count

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


# --- the SMTP server: aiosmtpd in its own process ----------------------------------------------------------------

class _Counting:
    """aiosmtpd handler: per envelope sender, counts messages and their recipients; keeps nothing else."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen: dict[str, list] = {}

    def reset(self):
        with self.lock:
            self.seen = {}

    def figures(self) -> dict[str, tuple[int, int]]:
        with self.lock:
            return {sender: (messages, len(recipients)) for sender, (messages, recipients) in self.seen.items()}

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            counts = self.seen.setdefault(envelope.mail_from, [0, set()])
            counts[0] += 1
            counts[1].update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _serve(conn, port: int) -> None:
    """The server process: answers "count", "reset" and "stop" on ``conn``."""
    from aiosmtpd.controller import Controller

    handler = _Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    conn.send("ready")
    while True:
        command = conn.recv()
        if command == "count":
            conn.send(handler.figures())
        elif command == "reset":
            handler.reset()
            conn.send("ok")
        else:
            break
    controller.stop()
    conn.send("stopped")


class SmtpServer:
    """A local SMTP server in a separate process (as the real one would be: it does not share the sender's
    interpreter), like the ``smtp_server`` fixture of the tests but counting only."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.port), daemon=True)
        self.process.start()
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            raise RuntimeError("the SMTP server did not start")

    def count(self) -> dict[str, tuple[int, int]]:
        """Envelope sender -> (messages accepted, different recipients), since the last reset."""
        self.conn.send("count")
        return self.conn.recv()

    def reset(self) -> None:
        self.conn.send("reset")
        self.conn.recv()

    def stop(self) -> None:
        self.conn.send("stop")
        self.conn.recv()
        self.process.join(10)


# --- generating a platform -------------------------------------------------------------------------------------

def moments(rng: random.Random, count: int, share: float, now: dt.datetime) -> list[dt.datetime]:
    """``count`` moments in the past year; ``share`` of them in the last two weeks (after the last cut-off)."""
    recent = set(rng.sample(range(count), round(share * count)))
    out = []
    for i in range(count):
        if i in recent:
            out.append(now - dt.timedelta(seconds=rng.uniform(600, FORTNIGHT.total_seconds() - 600)))
        else:
            out.append(now - dt.timedelta(seconds=rng.uniform(FORTNIGHT.total_seconds() + 600,
                                                              YEAR.total_seconds())))
    return out


def insert(table, rows: list[dict]) -> None:
    from circles.core.db import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start:start + BATCH])


def build(app, rng: random.Random, packages: int, now: dt.datetime) -> dict:
    """Fill a fresh database for ``packages`` public published packages (and everything in proportion)."""
    from circles.accounts import services as accounts
    from circles.accounts.models import Organisation, Role
    from circles.core.db import db
    from circles.groups.models import Circle
    from circles.meetings.models import Meeting, Minutes, meeting_circles
    from circles.newsletter.models import NewsItem
    from circles.reference.models import Municipality, Region, Sector
    from circles.workpackages.models import Case, WorkPackage, package_sectors

    fresh_schema(app)
    started = time.perf_counter()
    with app.app_context():
        municipalities = db.session.execute(sa.select(Municipality.id, Municipality.region_code)).all()
        sectors = list(db.session.scalars(sa.select(Sector.code)))
        regions = list(db.session.scalars(sa.select(Region.code)))
        organisations = []
        for n in range(max(20, packages // 25)):
            municipality_id, region = rng.choice(municipalities)
            organisations.append({"id": n + 1, "name": f"Werkgever {n + 1}", "slug": f"werkgever-{n + 1}",
                                  "sector_code": rng.choice(sectors), "municipality_id": municipality_id,
                                  "website": "", "created_at": now - YEAR})
        insert(Organisation.__table__, organisations)
        editor = accounts.register_user(name="Redacteur Bench", email=EDITOR_EMAIL, password=PASSWORD,
                                        function="redacteur", organisation=db.session.get(Organisation, 1))
        editor.role = Role.EDITOR
        db.session.flush()

        circles = [{"id": n + 1, "slug": f"leercirkel-{n + 1}", "name": f"Leercirkel {n + 1}",
                    "description": "Bench.", "goals": "",
                    "visibility": rng.choices(["public", "platform", "circle"], [5, 3, 2])[0],
                    "join_policy": "request", "status": "active", "created_at": now - YEAR, "updated_at": now - YEAR}
                   for n in range(max(10, packages // 12))]
        insert(Circle.__table__, circles)

        # Work packages: N public and published, the rest drafts or not public.
        hidden = round(packages * HIDDEN_PER_PACKAGE)
        published = moments(rng, packages + hidden, RECENT["package"], now)
        rows, sector_rows = [], []
        for n in range(packages + hidden):
            setting = rng.choice(list(SETTINGS))
            titles, tasks, _common = SETTINGS[setting]
            title = f"{rng.choice(titles)} {rng.choice(PLACES)}"
            public = n < packages
            status = "published" if public else rng.choice(["draft", "in_review", "published"])
            visibility = "public" if public or status != "published" else rng.choice(["platform", "circle"])
            rows.append({
                "id": n + 1, "slug": re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:120], "title": title,
                "summary": f"{title}: {rng.choice(tasks).lower()}. {rng.randint(8, 24)} uur per week."[:300],
                "setting": setting, "hours_min": 12.0, "hours_max": 20.0, "organisation_id": rng.choice(
                    organisations)["id"], "circle_id": rng.choice(circles)["id"] if visibility == "circle" else None,
                "family_id": n + 1, "status": status, "visibility": visibility,
                "language": "en" if rng.random() < 0.03 else "nl", "revision": 1,
                "published_at": published[n] if status == "published" else None,
                "created_at": published[n], "updated_at": published[n]})
            sector_rows += [{"package_id": n + 1, "sector_code": code} for code in rng.sample(sectors, 2)]
        # Some packages that went out in an earlier issue were edited in the last two weeks.
        earliest = now - FORTNIGHT * (EARLIER_ISSUES + 1)
        candidates = [row for row in rows[:packages] if earliest < row["published_at"] < now - FORTNIGHT]
        edited = rng.sample(candidates, round(packages * EDITED))
        for row in edited:
            row["updated_at"] = now - dt.timedelta(seconds=rng.uniform(600, FORTNIGHT.total_seconds() - 600))
            row["revision"] = 2
        insert(WorkPackage.__table__, rows)
        insert(package_sectors, sector_rows)

        cases = round(packages * CASES_PER_PACKAGE)
        published = moments(rng, cases, RECENT["case"], now)
        insert(Case.__table__, [{
            "id": n + 1, "slug": f"voorbeeld-{n + 1}", "title": f"{rng.choice(CASE_TITLES)} ({n + 1})",
            "summary": "Een werkgever vertelt hoe het werk werd opgesplitst en wat het opleverde.",
            "organisation_id": rng.choice(organisations)["id"], "sector_code": rng.choice(sectors),
            "region_code": rng.choice(regions), "setting": "overig", "status": "published",
            "visibility": "public", "language": "nl", "revision": 1, "published_at": published[n],
            "created_at": published[n], "updated_at": published[n]} for n in range(cases)])

        # Meetings over the past year and the next three months; regional ones invite circles.
        meetings, invited, minutes = [], [], []
        for n in range(round(packages * MEETINGS_PER_PACKAGE)):
            starts = now + dt.timedelta(seconds=rng.uniform(-YEAR.total_seconds(), 90 * 86400))
            starts = starts.replace(minute=0, second=0, microsecond=0)
            kind = rng.choices(["circle", "regional", "webinar"], [91, 6, 3])[0]
            created = min(starts - dt.timedelta(days=30), now - dt.timedelta(hours=1))
            meetings.append({
                "id": n + 1, "title": f"{'Regionale bijeenkomst' if kind == 'regional' else 'Bijeenkomst'} {n + 1}",
                "kind": kind, "circle_id": None if kind == "regional" else rng.choice(circles)["id"],
                "region_code": rng.choice(regions) if kind == "regional" else None,
                "starts_at": starts, "ends_at": starts + dt.timedelta(hours=2),
                "location_name": "Stadhuis", "address": f"Markt {rng.randint(1, 99)}, {rng.choice(PLACES)}",
                "online_url": "", "agenda": "\n".join(f"- {line}" for line in rng.sample(AGENDA, 4)),
                "cancelled_at": created if rng.random() < 0.03 else None, "sequence": 0,
                "created_at": created, "updated_at": created})
            if kind == "regional":
                invited += [{"meeting_id": n + 1, "circle_id": c["id"]} for c in rng.sample(circles, 3)]
            if starts < now - dt.timedelta(days=1) and rng.random() < 0.5:
                at = starts + dt.timedelta(days=rng.uniform(1, 10))
                done = at < now and rng.random() < 0.85
                minutes.append({
                    "id": len(minutes) + 1, "meeting_id": n + 1, "body": " ".join(rng.sample(MINUTES, 4)),
                    "status": "published" if done else "draft", "published_at": at if done else None,
                    "revision": 1, "updated_at": at if done else starts})
        insert(Meeting.__table__, meetings)
        insert(meeting_circles, invited)
        insert(Minutes.__table__, minutes)

        approved = round(packages * NEWS_PER_PACKAGE)
        others = round(approved / 3)
        decided = moments(rng, approved + others, RECENT["news"], now)
        insert(NewsItem.__table__, [{
            "id": n + 1, "title": rng.choice(NEWS_TITLES), "body": "Lees meer over dit initiatief. " * 8,
            "link": "https://www.uwv.nl/werkgevers", "sector_code": rng.choice(sectors + [None]),
            "region_code": rng.choice(regions + [None]), "submitted_by_id": None,
            "organisation_id": rng.choice(organisations)["id"],
            "status": "approved" if n < approved else rng.choice(["pending", "declined"]), "decision_note": "",
            "decided_by_id": editor.id if n < approved else None, "decided_at": decided[n] if n < approved else None,
            "created_at": decided[n] - dt.timedelta(days=2), "updated_at": decided[n]}
            for n in range(approved + others)])
        db.session.commit()
        inserted = time.perf_counter() - started

        memory = earlier_issues(app, rng, now, editor.id, {row["id"] for row in edited[: len(edited) // 2]})
        if db.engine.dialect.name == "postgresql":
            # The rows above were given their ids: move the sequences past them for the rows the app adds.
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key and isinstance(table.c.id.type, sa.Integer):
                    db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                               f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        public_regional_ahead = db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(
            Meeting.kind == "regional", Meeting.cancelled_at.is_(None), Meeting.starts_at > now,
            Meeting.starts_at <= now + dt.timedelta(weeks=6),
            sa.exists().where(meeting_circles.c.meeting_id == Meeting.id, meeting_circles.c.circle_id == Circle.id,
                              Circle.visibility == "public")))
        return {
            "editor_id": editor.id, "packages": packages, "hidden": hidden, "cases": cases,
            "recent_packages": sum(1 for row in rows[:packages] if row["published_at"] > now - FORTNIGHT),
            "recent_cases": round(cases * RECENT["case"]), "edited": len(edited),
            "meetings": len(meetings), "regional": sum(1 for m in meetings if m["kind"] == "regional"),
            "regional_ahead": public_regional_ahead,
            "minutes": sum(1 for m in minutes if m["status"] == "published"), "news": approved,
            "recent_news": round(approved * RECENT["news"]), **memory,
            "seconds": time.perf_counter() - started, "insert_seconds": inserted,
        }


def earlier_issues(app, rng: random.Random, now: dt.datetime, editor_id: int, changed_packages: set[int]) -> dict:
    """Issues 1..20, sent every two weeks, the last cut-off two weeks ago. Their items are what the activity
    sources answer for each period (as ``services.proposals`` would have), some kept by the editor. The edited
    packages were kept; half of them (``changed_packages``) changed since, and so did a fifth of the meetings
    the last issue announced ("moved")."""
    from circles.core import activity
    from circles.core.db import db
    from circles.newsletter import services
    from circles.newsletter.models import Issue, IssueItem, IssueSection

    issues, sections, items = [], [], []
    announced: set[int] = set()
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        for number in range(1, EARLIER_ISSUES + 1):
            cut_off = now - FORTNIGHT * (EARLIER_ISSUES + 1 - number)
            issues.append({"id": number, "number": number, "issue_date": cut_off.date(),
                           "subject": f"Nieuwsbrief {number}", "intro": INTRO, "period_start": cut_off - FORTNIGHT,
                           "cut_off": cut_off, "status": "sent", "created_by_id": editor_id, "created_at": cut_off,
                           "updated_at": cut_off, "approved_at": cut_off, "approved_by_id": editor_id,
                           "snapshot": None, "send_started_at": cut_off + dt.timedelta(hours=1),
                           "send_deadline": cut_off + dt.timedelta(hours=49),
                           "sent_at": cut_off + dt.timedelta(hours=2), "recipient_count": 0})
            section_of = {}
            for position, kind in enumerate(services.DEFAULT_SECTIONS):
                section_of[kind] = len(sections) + 1
                sections.append({"id": len(sections) + 1, "issue_id": number, "position": position, "kind": kind,
                                 "title": "", "sectors": [], "regions": []})
            positions: Counter = Counter()
            for source in activity.sources():
                if source.upcoming:
                    found = [i for i in source.recent(cut_off, cut_off + services.UPCOMING_WINDOW)
                             if i.object_id not in announced]
                else:
                    found = source.recent(cut_off - FORTNIGHT, cut_off)
                for item in found:
                    kept = rng.random() < KEPT_BEFORE[item.kind]
                    fingerprint = item.fingerprint
                    if item.kind == "package" and item.object_id in changed_packages:
                        kept, fingerprint = True, activity.fingerprint("as it was", item.object_id)
                    elif item.kind == "meeting":
                        if kept:
                            announced.add(item.object_id)
                        if kept and number == EARLIER_ISSUES and rng.random() < 0.2:
                            fingerprint = activity.fingerprint("before it moved", item.object_id)
                    section = section_of[services.SECTION_FOR_KIND[item.kind]]
                    items.append({
                        "issue_id": number, "section_id": section, "position": positions[section],
                        "included": kept, "kind": item.kind, "object_id": item.object_id,
                        "fingerprint": fingerprint, "title": item.title[:300], "teaser": item.teaser,
                        "url": item.url, "starts_at": item.starts_at, "location": item.location[:300],
                        "language": item.language, "changed": False, "added_at": cut_off})
                    positions[section] += 1
        insert(Issue.__table__, issues)
        insert(IssueSection.__table__, sections)
        insert(IssueItem.__table__, items)
        db.session.commit()
    return {"earlier_items": len(items), "earlier_kept": sum(1 for i in items if i["included"])}


def add_subscribers(app, rng: random.Random, count: int) -> dict:
    """``count`` confirmed subscribers (a fifth in English, some with interests) and a tenth as many in the
    other states, who must get nothing."""
    from circles.core.db import db
    from circles.newsletter.models import CONSENT_VERSION, Subscriber

    now = now_utc()
    others = count // 10
    statuses = ["confirmed"] * count + [rng.choice(["pending", "unsubscribed", "bouncing"]) for _ in range(others)]
    rng.shuffle(statuses)
    started = time.perf_counter()
    with app.app_context():
        insert(Subscriber.__table__, [{
            "email": f"lezer{n + 1}@bench.example", "name": "", "language": "en" if rng.random() < 0.2 else "nl",
            "sectors": rng.sample(["gemeenten", "vo", "rijk", "umc"], rng.choice([0, 0, 0, 1, 2])),
            "regions": [REGION] if rng.random() < 0.1 else [], "status": status, "source": "website",
            "consent_version": CONSENT_VERSION, "created_at": now, "confirmed_at": now if status != "pending" else None,
            "bounce_reason": ""} for n, status in enumerate(statuses)])
        db.session.commit()
    return {"confirmed": count, "others": others, "seconds": time.perf_counter() - started}


# --- composing -------------------------------------------------------------------------------------------------

def choose(issue, targeted_id: int) -> dict[int, dict]:
    """The editor's choice: the first items of each kind as proposed (``KEEP``), two meetings moved into the
    regional section."""
    kept: Counter = Counter()
    moved = 0
    choice = {}
    for item in sorted(issue.items, key=lambda i: (i.section.position, i.position)):
        included = kept[item.kind] < KEEP.get(item.kind, 0)
        kept[item.kind] += included
        values = {"included": included, "teaser": item.teaser}
        if included and item.kind == "meeting" and moved < 2:
            values["section_id"] = targeted_id
            moved += 1
        choice[item.id] = values
    return choice


def compose(app, editor_id: int, runs: int, keep_last: bool = False) -> dict:
    """``runs`` timed runs of the composer's steps after one warm-up, the draft deleted after each; with
    ``keep_last``, one more run whose issue stays approved (to be sent). Times in seconds, statement counts
    per step (the largest seen; they are the same in every run unless something grows)."""
    from circles.accounts.models import User
    from circles.core.db import db, utcnow
    from circles.newsletter import services
    from circles.newsletter.models import Issue

    seconds = {step: [] for step in STEPS}
    statements = {step: [] for step in STEPS}
    facts = {}
    with app.test_request_context():
        counter = Statements(db.engine)

        def step(name, run, call, *args, **kwargs):
            counter.take()
            start = time.perf_counter()
            result = call(*args, **kwargs)
            db.session.commit()
            elapsed = time.perf_counter() - start
            if 0 < run <= runs:  # not the warm-up, nor the issue kept for sending
                seconds[name].append(elapsed)
                statements[name].append(counter.take())
            return result

        def fresh(model, key):
            """What the next view loads first (outside the clock): the object, refreshed after the commit."""
            obj = db.session.get(model, key)
            db.session.refresh(obj)
            return obj

        for run in range(runs + 1 + keep_last):
            last = keep_last and run == runs + 1
            issue = step("new_issue", run, services.new_issue, fresh(User, editor_id), utcnow())
            issue_id = issue.id
            facts["proposals"] = len(issue.items)
            facts["changed"] = sum(1 for i in issue.items if i.changed)
            facts["by_kind"] = dict(Counter(i.kind for i in issue.items))
            found = step("findings_all", run, services.findings, fresh(Issue, issue_id), utcnow())
            facts["findings_all"] = dict(Counter(f.code for f in found))

            section = services.add_section(fresh(Issue, issue_id), title="Regio Rijnmond", sectors=[],
                                           regions=[REGION])
            db.session.commit()
            issue = fresh(Issue, issue_id)
            step("save", run, services.save, issue, subject=issue.subject, issue_date=issue.issue_date, intro=INTRO,
                 items=choose(issue, section.id), sections={})
            found = step("findings", run, services.findings, fresh(Issue, issue_id), utcnow())
            facts["findings"] = dict(Counter(f.code for f in found))
            if any(f.blocks for f in found):
                raise SystemExit("the 25 items do not pass the checks: " + "; ".join(
                    str(f.message) for f in found if f.blocks))
            step("approve", run, services.approve, fresh(Issue, issue_id), fresh(User, editor_id), utcnow())
            issue = fresh(Issue, issue_id)
            facts["renderings"] = 2 * len(services.all_variants(issue.snapshot))
            facts["size"] = max(len(r.body.body_html.encode()) + len(r.body.body_text.encode())
                                for r in db.session.scalars(sa.select(services.IssueRendering).where(
                                    services.IssueRendering.issue_id == issue_id)))
            if last:
                facts["issue_id"] = issue_id
                break
            services.reopen(issue, fresh(User, editor_id))
            db.session.commit()
            step("freeze", run, services.freeze, fresh(Issue, issue_id), fresh(User, editor_id), utcnow())
            issue, editor = fresh(Issue, issue_id), fresh(User, editor_id)
            services.reopen(issue, editor)
            services.delete_draft(issue, editor)
            db.session.commit()
        counter.close()
    return {"seconds": seconds, "statements": {k: max(v) for k, v in statements.items()},
            "statements_all": statements, **facts}


# --- sending ---------------------------------------------------------------------------------------------------

class Stopwatch:
    """Wraps the outbox worker's steps to see where the time per message goes (a few µs of overhead)."""

    def __init__(self):
        from circles.core import mail

        self.seconds, self.saved = Counter(), {}
        for name, owner, attribute in (("claim", mail, "_claim_next"), ("build", mail, "build_message"),
                                       ("send", mail._Transport, "send"), ("finish", mail, "_finish")):
            original = getattr(owner, attribute)
            self.saved[(owner, attribute)] = original
            setattr(owner, attribute, self._timed(name, original))

    def _timed(self, name, original):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
        return timed

    def restore(self) -> None:
        for (owner, attribute), original in self.saved.items():
            setattr(owner, attribute, original)


def send(app, server: SmtpServer, editor_id: int, issue_id: int, subscribers: int) -> dict:
    """``sending.start``, then the outbox worker, then the floor; every count checked on the server."""
    from circles.accounts.models import User
    from circles.core import mail
    from circles.core.db import db, utcnow
    from circles.core.models import OutgoingMail
    from circles.newsletter import sending
    from circles.newsletter.models import Issue

    out = {}
    with app.test_request_context():  # as the "send" view calls it
        counter = Statements(db.engine)
        editor, issue = db.session.get(User, editor_id), db.session.get(Issue, issue_id)
        counter.take()
        start = time.perf_counter()
        recipients = sending.start(issue, editor, utcnow())
        db.session.commit()
        out["start"] = time.perf_counter() - start
        out["start_statements"] = counter.take()
        counter.close()
        assert recipients == subscribers, (recipients, subscribers)

    with app.app_context():  # as `flask newsletter send` runs it
        rows = db.session.execute(sa.select(OutgoingMail.__table__).where(
            OutgoingMail.batch == f"newsletter:{issue_id}").order_by(OutgoingMail.id)).all()
        sender = email.utils.parseaddr(app.config["MAIL_DEFAULT_SENDER"])[1]
        floor = Floor(server.port, rows)
        counter = Statements(db.engine)
        server.reset()
        watch = Stopwatch()
        done = 0
        claims: list[float] = []  # the claims' seconds per turn: does claiming get slower as rows are sent?

        def after_each(_outcome):
            """Every ``CHUNK`` messages the platform sent, the floor sends as many (off the platform's clock)."""
            nonlocal done
            done += 1
            if done % CHUNK == 0 or done == len(rows):
                claims.append(watch.seconds["claim"] - sum(claims))
                floor.send_upto(done)

        start = time.perf_counter()
        try:
            counts = mail.deliver(batch_prefix=sending.BATCH_PREFIX, on_progress=after_each)
        finally:
            elapsed = time.perf_counter() - start
            watch.restore()
        floor.send_upto(len(rows))
        floor.close()
        out["deliver"] = elapsed - floor.paused
        out["deliver_statements"] = counter.take() - floor.statements
        counter.close()
        out.update(stages=dict(watch.seconds), claims=claims, counts=counts, floor=floor.seconds,
                   prebuild=floor.building, message_bytes=statistics.median(floor.sizes), server=server.count())
        sending.finish()
        db.session.commit()
        out["outbox"] = mail.batch_counts(db.session.get(Issue, issue_id).batch)
        assert counts["sent"] == subscribers, counts
        assert out["server"] == {sender: (subscribers, subscribers), FLOOR_SENDER: (subscribers, subscribers)}, (
            out["server"])

        # What the floor is made of, on a sample: flattening a message to bytes, and handing over bytes
        # already flattened (the SMTP exchange and the server alone).
        sample = [mail.build_message(row, {}) for row in rows[:RAW_SAMPLE]]
        start = time.perf_counter()
        raw = [(m["To"], m.as_bytes(policy=m.policy.clone(linesep="\r\n"))) for m in sample]
        out["flatten"] = time.perf_counter() - start
        server.reset()
        conn = smtplib.SMTP("127.0.0.1", server.port, timeout=30)
        start = time.perf_counter()
        for to, data in raw:
            conn.sendmail(FLOOR_SENDER, [to], data)
        out["raw"] = time.perf_counter() - start
        conn.quit()
        out["raw_count"] = len(sample)
        assert server.count() == {FLOOR_SENDER: (len(sample), len(sample))}
    return out


class Floor:
    """The bare loop: the same messages, built beforehand from the outbox rows with ``mail.build_message``
    (off the clock), then ``send_message`` for each over one connection to the same server (timed). Run in
    chunks between the platform's, so that other work on the machine weighs on both alike."""

    def __init__(self, port: int, rows):
        from circles.core import mail

        self.build = mail.build_message  # the function itself, not the platform's stopwatch around it
        self.conn = smtplib.SMTP("127.0.0.1", port, timeout=30)
        self.rows, self.sent, self.bodies = rows, 0, {}
        self.seconds = self.building = self.paused = 0.0
        self.statements, self.sizes = 0, []

    def send_upto(self, count: int) -> None:
        from circles.core.db import db

        if count <= self.sent:
            return
        paused = time.perf_counter()
        counter = Statements(db.engine)
        start = time.perf_counter()
        messages = [self.build(row, self.bodies) for row in self.rows[self.sent:count]]
        self.building += time.perf_counter() - start
        self.statements += counter.take()
        counter.close()
        if len(self.sizes) < 200:
            self.sizes += [len(m.as_bytes()) for m in messages[:200]]
        start = time.perf_counter()
        for message in messages:
            self.conn.send_message(message, from_addr=FLOOR_SENDER)
        self.seconds += time.perf_counter() - start
        self.sent = count
        self.paused += time.perf_counter() - paused

    def close(self) -> None:
        self.conn.quit()


# --- the report ------------------------------------------------------------------------------------------------

def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} / {max(values) * 1000:.0f}"


def report(r: dict) -> str:
    small, large, s, db_ = r["small"], r["large"], r["sending"], r["database"]
    world = large["world"]
    n = r["subscribers"]
    lines = [
        f"<!-- newsletter:{db_['engine']}:start -->",
        f"### {db_['name']} {db_['version']}: {r['packages']:,} packages, {n:,} subscribers",
        "",
        f"Run on {r['date']} with `{r['command']}` — {r['machine']}; Python {r['python']}, SQLAlchemy "
        f"{r['sqlalchemy']}, SQLite library {r['sqlite_library']}, aiosmtpd {r['aiosmtpd']}. Database size at N: "
        f"{db_['size'] / 1e6:.0f} MB. Whole run: {r['total']:.0f} s. Load average (1 min) at the start "
        f"{r['load'][0]:.1f}, at the end {r['load'][1]:.1f}: other work on the machine shows in the figures.",
        "",
        f"Generated at N (N/10 has a tenth of everything but the 20 earlier issues): {world['packages']:,} public "
        f"published packages (+{world['hidden']:,} drafts or not public), {world['cases']:,} cases, "
        f"{world['meetings']:,} meetings ({world['regional']:,} regional; {world['regional_ahead']} public regional "
        f"ones in the next six weeks) with {world['minutes']:,} published minutes, {world['news']:,} approved news "
        f"items, and {EARLIER_ISSUES} issues that went out with {world['earlier_items']:,} items in "
        f"`newsletter_items` ({world['earlier_kept']:,} kept by the editor). After the last cut-off: "
        f"{world['recent_packages']} new packages, {world['recent_cases']} new cases, {world['recent_news']} news "
        f"items and {world['edited']} edited packages that went out before (half changed since). Bulk inserts took "
        f"{world['insert_seconds']:.0f} s; the earlier issues (through the activity sources) "
        f"{world['seconds'] - world['insert_seconds']:.0f} s.",
        "",
        "#### Composing",
        "",
        f"The draft proposes {small['proposals']} items at N/10 and {large['proposals']} at N "
        f"({', '.join(f'{k} {v}' for k, v in sorted(large['by_kind'].items()))}; {large['changed']} flagged as "
        f"changed since they went out). The editor keeps 25 and adds a section for one region, so approval stores "
        f"{large['renderings']} renderings (2 languages × {large['renderings'] // 2} variants); the largest is "
        f"{large['size'] / 1024:.0f} KB (HTML and text). Checks on the whole draft: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(large['findings_all'].items())) or 'none'}; on the 25 items: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(large['findings'].items())) or 'none'}.",
        "",
        f"Milliseconds, median / slowest of {r['runs']} runs after one warm-up (the draft deleted after each), each "
        "step as its view calls it, with the view's commit; and the step's SQL statements.",
        "",
        "| Step | N/10: p50 / max (ms) | N/10: SQL | N: p50 / max (ms) | N: SQL |",
        "|---|---:|---:|---:|---:|",
    ]
    for step, label in STEPS.items():
        lines.append(f"| {label} | {ms(small['seconds'][step])} | {small['statements'][step]} | "
                     f"{ms(large['seconds'][step])} | {large['statements'][step]} |")
    grown = [step for step in STEPS if small["statements"][step] != large["statements"][step]]
    lines += ["", "The statement counts are " + (
        "equal at both sizes." if not grown else
        "**not** equal for " + ", ".join(f"`{step}`" for step in grown)
        + f" ({small['proposals']} and {large['proposals']} proposals): see the notes at the top of this section.")]

    per = 1000 / n
    stages = s["stages"]
    other = s["deliver"] - sum(stages.values())
    floor_rate, rate = n / s["floor"], n / s["deliver"]
    lines += [
        "",
        "#### Sending",
        "",
        f"{n:,} confirmed subscribers (and {r['other_subscribers']:,} pending, unsubscribed or bouncing ones, who "
        f"get nothing); messages of {s['message_bytes'] / 1024:.0f} KB at the median. The SMTP server (aiosmtpd) runs "
        "in its own process on the same machine, counts and discards.",
        "",
        "| What | Seconds | Messages/s | × floor (time) |",
        "|---|---:|---:|---:|",
        f"| `sending.start`: fix the recipients, write {n:,} outbox rows ({s['start_statements']} SQL statements) "
        f"| {s['start']:.1f} | {n / s['start']:,.0f} | |",
        f"| Platform: `mail.deliver(batch_prefix=\"newsletter:\")`, one process "
        f"| {s['deliver']:.1f} | {rate:,.0f} | {s['deliver'] / s['floor']:.1f}× |",
        f"| Floor: bare `smtplib` loop, `send_message` over one connection, the same messages, the same server "
        f"| {s['floor']:.1f} | {floor_rate:,.0f} | 1× |",
        "",
        "Counted on the server, per envelope sender: " + "; ".join(
            f"{sender} {messages:,} messages to {addresses:,} different addresses"
            for sender, (messages, addresses) in sorted(s["server"].items())) + ". The outbox afterwards: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(s["outbox"].items())) + ".",
        "",
        "Where the platform's time per message goes (ms; measured by wrapping the worker's functions):",
        "",
        "| Stage | ms per message | share |",
        "|---|---:|---:|",
    ]
    for stage, label in STAGES.items():
        lines.append(f"| {label} | {stages.get(stage, 0) * per:.2f} | {stages.get(stage, 0) / s['deliver']:.0%} |")
    lines += [
        f"| other (the loop, counting statements) | {other * per:.2f} | {other / s['deliver']:.0%} |",
        f"| **total** | **{s['deliver'] * per:.2f}** | |",
        f"| floor: `send_message` alone | {s['floor'] * per:.2f} | |",
        "",
        f"{s['deliver_statements'] / n:.1f} SQL statements per message. A claim took "
        f"{s['claims'][0] * 1000 / min(CHUNK, n):.2f} ms in the first {min(CHUNK, n):,} messages and "
        f"{s['claims'][-1] * 1000 / (n - (len(s['claims']) - 1) * CHUNK):.2f} ms in the last. The platform "
        f"and the floor took turns, {CHUNK:,} messages each; the floor's messages were built before each "
        f"turn, off its clock ({s['prebuild'] * per:.2f} ms each). Of the floor's {s['floor'] * per:.2f} ms "
        f"per message, flattening the message to bytes takes {s['flatten'] * 1000 / s['raw_count']:.2f} ms "
        f"and handing over bytes already flattened (`sendmail`, the first {s['raw_count']:,} messages) "
        f"{s['raw'] * 1000 / s['raw_count']:.2f} ms: the SMTP exchange with aiosmtpd, itself Python.",
        f"<!-- newsletter:{db_['engine']}:end -->",
    ]
    return "\n".join(lines)


def write_results(path: Path, block: str, engine: str) -> None:
    results.write_results(path, "newsletter", "Newsletter", block, engine)


def database_facts(app, files: list[Path]) -> dict:
    from circles.core.db import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            return {"engine": "postgresql", "name": "PostgreSQL",
                    "version": db.session.scalar(sa.text("SHOW server_version")),
                    "size": db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))}
        return {"engine": "sqlite", "name": "SQLite", "version": db.session.scalar(sa.text("SELECT sqlite_version()")),
                "size": sum(f.stat().st_size for f in files if f.exists())}


# --- main ------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.newsletter", description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=5_000,
                        help="public published packages; the rest of the platform in proportion (5000)")
    parser.add_argument("--subscribers", type=int, default=20_000, help="confirmed subscribers to send to (20000)")
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' (a temporary file), 'postgres' ($CIRCLES_TEST_DATABASE_URL, as set by "
                             "scripts/with-postgres.sh) or a postgresql:// URL; its tables are DROPPED first")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the composer at each size (5)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the results file (bench/RESULTS.md)")
    args = parser.parse_args(argv)
    if args.packages < 500:
        parser.error("use at least 500 packages")
    if args.subscribers < 100 or args.runs < 1:
        parser.error("use at least 100 subscribers and 1 run")

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    tmp = None
    if args.database == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="circles-bench-"))
        uris = [f"sqlite:///{tmp / 'small.db'}", f"sqlite:///{tmp / 'large.db'}"]
    elif args.database == "postgres":
        uri = os.environ.get("CIRCLES_TEST_DATABASE_URL") or parser.error("CIRCLES_TEST_DATABASE_URL is not set")
        uris = [uri, uri]
    else:
        uris = [args.database, args.database]

    server = SmtpServer()
    results = {}
    try:
        for label, packages, uri in (("small", args.packages // 10, uris[0]), ("large", args.packages, uris[1])):
            print(f"Building a platform with {packages:,} packages...", file=sys.stderr, flush=True)
            app = make_app(uri, server.port)
            world = build(app, random.Random(args.seed), packages, now_utc())
            print(f"  {world['seconds']:.0f} s. Composing...", file=sys.stderr, flush=True)
            results[label] = {"world": world, **compose(app, world["editor_id"], args.runs,
                                                        keep_last=label == "large")}
            if label == "small":
                from circles.core.db import db

                with app.app_context():
                    db.engine.dispose()
        print(f"Sending to {args.subscribers:,} subscribers...", file=sys.stderr, flush=True)
        extra = add_subscribers(app, random.Random(args.seed + 1), args.subscribers)
        results["sending"] = send(app, server, results["large"]["world"]["editor_id"],
                                  results["large"]["issue_id"], args.subscribers)
    finally:
        server.stop()

    import aiosmtpd

    command = f"python -m bench.newsletter --packages {args.packages} --subscribers {args.subscribers}" + (
        "" if args.database == "sqlite" else " --database postgres")
    results.update(
        packages=args.packages, subscribers=args.subscribers, other_subscribers=extra["others"], runs=args.runs,
        database=database_facts(app, [tmp / name for name in ("large.db", "large.db-wal")] if tmp else []),
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), command=command,
        machine=f"{platform.system()} {platform.release()}, {cpu_model()}, {os.cpu_count()} CPUs",
        python=platform.python_version(), sqlalchemy=sa.__version__, sqlite_library=sqlite3.sqlite_version,
        aiosmtpd=aiosmtpd.__version__, total=time.perf_counter() - started, load=(load_before, os.getloadavg()[0]),
    )
    block = report(results)
    write_results(args.output, block, results["database"]["engine"])
    print(block)
    print(f"\nWritten to {args.output} ({results['total']:.0f} s).", file=sys.stderr)
    if tmp is not None:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
