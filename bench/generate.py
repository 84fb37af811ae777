"""A national network at a scale factor: ``python -m bench.generate --scale 1 [--database sqlite|postgres|URL]``.

Scale 1 is one realistic national network: 2,000 organisations, 10,000 members, 400 circles, 8,000 meetings,
5,000 work packages and 20,000 newsletter subscribers; scale 10 is ten times each. Organisations sit in the
real municipalities (and so regions and provinces) of the reference data, spread over the sectors; members
join circles (one coordinator each), answer meetings (RSVPs), past meetings have minutes, decisions and action
items; work packages are published with task lines, sectors and instruments, and go into the search index
through the feature's own indexer (``circles.core.search`` via ``services.index_package``); organisations
report progress figures for six years (the derived figures rebuilt once, as a bulk import would).

Everything goes in with bulk inserts through SQLAlchemy Core (executemany), never ORM object by object, so
scale 10 takes minutes. ``generate(app, scale, start=...)`` can also add to a database that already holds an
earlier scale (``start``): ids continue where the smaller network stopped, so a benchmark can measure at
scale 1 and then grow the same database to scale 10.

A few fixed objects make the pages a benchmark opens: organisation 1, the member ``lid@bench.example`` (user
1) and coordinator (user 2), circle 1 (public, open) with a share of every scale's members, meeting 1 of that
circle in ten days with RSVPs, and the first public published package.
"""

import argparse
import datetime as dt
import random
import re
import secrets
import sys
import time

import sqlalchemy as sa

from bench.progress import record_rows
from bench.search import PASSWORD, database_uri, fill, fresh_schema, make_app

#: Per unit of scale.
COUNTS = {"organisations": 2000, "users": 10_000, "circles": 400, "meetings": 8000, "packages": 5000,
          "subscribers": 20_000}
#: Share of each increment's new members who join the featured circle 1 (50 at scale 1, 500 at scale 10).
FEATURED_SHARE = 0.005
BATCH = 5000
YEARS = 6
MEMBER_EMAIL = "lid@bench.example"
COORDINATOR_EMAIL = "coordinator@bench.example"

KINDS = {"gemeenten": "Gemeente", "provincies": "Provincie", "waterschappen": "Waterschap", "rijk": "Dienst",
         "zbo": "Uitvoeringsorganisatie", "defensie": "Defensiecomplex", "politie": "Politie-eenheid",
         "rechtspraak": "Rechtbank", "po": "Stichting basisonderwijs", "vo": "Scholengroep", "mbo": "ROC",
         "hbo": "Hogeschool", "wo": "Universiteit", "umc": "Umc", "onderzoek": "Onderzoeksinstituut"}
#: Rough weights: many school boards and municipalities, few ministries.
SECTOR_WEIGHTS = {"gemeenten": 18, "provincies": 1, "waterschappen": 1, "rijk": 4, "zbo": 3, "defensie": 1,
                  "politie": 1, "rechtspraak": 1, "po": 40, "vo": 16, "mbo": 4, "hbo": 3, "wo": 1, "umc": 1,
                  "onderzoek": 1}
FIRST_NAMES = ["Anna", "Bram", "Chantal", "Daan", "Eva", "Fatima", "Gijs", "Hanna", "Ibrahim", "Joke", "Kees",
               "Lotte", "Mohamed", "Noor", "Olga", "Pieter", "Renske", "Sanne", "Thijs", "Yara", "Zeynep", "Wim"]
LAST_NAMES = ["de Vries", "Jansen", "van den Berg", "Bakker", "El Amrani", "Visser", "Smit", "Meijer", "de Boer",
              "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Yilmaz", "Dekker"]
FUNCTIONS = ["projectleider banenafspraak", "HR-adviseur", "teamleider facilitair", "adviseur inclusie",
             "beleidsmedewerker", "directeur bedrijfsvoering", "jobcoach"]
TOPICS = ["Inclusief werkgeven", "Werkpakketten delen", "Banenafspraak", "Jobcarving", "Duurzaam aan het werk",
          "Begeleiding op de werkvloer", "Praktijkleren", "Facilitair en schoonmaak", "Onderwijsondersteuning"]
AGENDA = ["Welkom en kennismaking", "Ervaringen met werkpakketten in de facilitaire dienst",
          "De no-riskpolis en loonkostensubsidie in de praktijk", "Rondleiding op de werkvloer",
          "Wat vraagt de begeleiding van een jobcoach?", "Afspraken voor de volgende bijeenkomst"]
MINUTES = ["De deelnemers deelden hun ervaringen met het opsplitsen van taken.",
           "Het werkgeversservicepunt gaf uitleg over de regelingen.",
           "Er is afgesproken om de werkpakketten in de bibliotheek te zetten.",
           "Twee organisaties gaan een proefplaatsing starten.",
           "De jobcoach vertelde wat goede begeleiding op de werkvloer vraagt."]


def ranges(scale: int, start: int) -> dict[str, range]:
    """The ids each kind of record gets in the increment from scale ``start`` to ``scale``."""
    return {kind: range(n * start + 1, n * scale + 1) for kind, n in COUNTS.items()}


def insert(table, rows: list[dict]) -> None:
    from circles.core.db import db

    for first in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[first:first + BATCH])


def reference(world: dict) -> None:
    from circles.core.db import db
    from circles.reference.models import Municipality, Region, Sector

    if "municipalities" in world:
        return
    world["municipality_rows"] = db.session.execute(
        sa.select(Municipality.id, Municipality.name, Municipality.region_code)).all()
    world["municipalities"] = [name for _id, name, _region in world["municipality_rows"]]
    world["regions"] = list(db.session.scalars(sa.select(Region.code)))
    world["sectors"] = [c for c in db.session.scalars(sa.select(Sector.code)) if c in SECTOR_WEIGHTS]
    world.setdefault("organisations", [])
    world.setdefault("circles", [])
    world.setdefault("circle_members", {})
    world.setdefault("users", 0)


def organisations(rng: random.Random, ids: range, world: dict, now: dt.datetime) -> None:
    from circles.accounts.models import Organisation
    from circles.progress.models import ProgressSettings

    rows, settings = [], []
    weights = [SECTOR_WEIGHTS[s] for s in world["sectors"]]
    for n in ids:
        sector = "gemeenten" if n == 1 else rng.choices(world["sectors"], weights=weights)[0]
        municipality, place, _region = rng.choice(world["municipality_rows"])
        name = f"{KINDS.get(sector, 'Organisatie')} {place} {n}"
        rows.append({"id": n, "name": name, "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
                     "sector_code": sector, "municipality_id": municipality, "website": "", "created_at": now})
        world["organisations"].append((n, sector))
        if n % 10 == 0:
            settings.append({"organisation_id": n, "hidden": True, "recorders": "coordinators", "updated_at": now})
    insert(Organisation.__table__, rows)
    insert(ProgressSettings.__table__, settings)


def users(rng: random.Random, ids: range, world: dict, now: dt.datetime, password_hash: str) -> None:
    from circles.accounts.models import User

    rows = []
    for n in ids:
        email = {1: MEMBER_EMAIL, 2: COORDINATOR_EMAIL}.get(n, f"lid{n}@bench.example")
        organisation = 1 if n <= 2 else rng.choice(world["organisations"])[0]
        rows.append({"id": n, "email": email, "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                     "function": rng.choice(FUNCTIONS), "organisation_id": organisation,
                     "password_hash": password_hash, "role": "coordinator" if n == 2 else "member", "locale": "nl",
                     "show_email": rng.random() < 0.3, "muted_notifications": [],
                     "session_token": secrets.token_hex(16), "created_at": now, "last_login_at": None})
    insert(User.__table__, rows)
    world["users"] = ids.stop - 1


def circles(rng: random.Random, ids: range, users_ids: range, world: dict, now: dt.datetime) -> None:
    """Circles of the increment, their sectors and regions, and memberships: each new member joins one to three
    of them (one coordinator each), and a share of them joins circle 1."""
    from circles.groups.models import Circle, Membership, circle_regions, circle_sectors

    rows, sector_rows, region_rows = [], [], []
    for n in ids:
        sector = "gemeenten" if n == 1 else rng.choices(world["sectors"],
                                                        weights=[SECTOR_WEIGHTS[s] for s in world["sectors"]])[0]
        topic = rng.choice(TOPICS)
        roll = rng.random()
        visibility = "public" if n == 1 or roll < 0.5 else "platform" if roll < 0.85 else "circle"
        name = f"{topic} {KINDS.get(sector, sector).lower()} {n}"
        rows.append({"id": n, "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"), "name": name,
                     "description": f"Een leercirkel over **{topic.lower()}**. We komen elke zes weken samen.",
                     "goals": "Samen meer banen maken en werkpakketten delen.", "visibility": visibility,
                     "join_policy": "open" if n == 1 else rng.choice(["open", "request", "request", "invitation"]),
                     "status": "active" if n == 1 or rng.random() < 0.9 else "archived", "created_by_id": None,
                     "created_at": now, "updated_at": now})
        codes = {sector} | ({rng.choice(world["sectors"])} if rng.random() < 0.3 else set())
        sector_rows += [{"circle_id": n, "sector_code": code} for code in codes]
        if n == 1:
            region_rows.append({"circle_id": n, "region_code": world["municipality_rows"][0][2]})
        elif rng.random() < 0.6:
            region_rows.append({"circle_id": n, "region_code": rng.choice(world["regions"])})
        world["circles"].append(n)
    insert(Circle.__table__, rows)
    insert(circle_sectors, sector_rows)
    insert(circle_regions, region_rows)

    members = world["circle_members"]
    memberships = []

    def join(circle_id: int, user_id: int, role: str = "member") -> None:
        if user_id in members.setdefault(circle_id, {}):
            return
        state = "active" if rng.random() < 0.95 or role == "coordinator" else "pending"
        members[circle_id][user_id] = state
        memberships.append({"circle_id": circle_id, "user_id": user_id, "role": role, "state": state,
                            "motivation": "", "created_at": now, "joined_at": now if state == "active" else None})

    if ids.start == 1:
        join(1, 2, "coordinator")
        join(1, 1)
    new_users, new_circles = list(users_ids), list(ids)
    for n in ids:  # a coordinator for every new circle
        if n != 1:
            join(n, rng.choice(new_users), "coordinator")
    for user_id in new_users:
        for circle_id in rng.sample(new_circles, rng.choice([0, 1, 1, 1, 2, 3])):
            join(circle_id, user_id)
        if rng.random() < FEATURED_SHARE:
            join(1, user_id)
    insert(Membership.__table__, memberships)


def meetings(rng: random.Random, ids: range, world: dict, now: dt.datetime) -> None:
    """Meetings over three years (a third still to come): circle meetings, webinars and regional meetings with
    invited circles; RSVPs of the circles' members; minutes, decisions and action items of past ones."""
    from circles.meetings.models import ActionItem, Decision, Meeting, Minutes, Rsvp, meeting_circles

    rows, invited, rsvps, minutes, decisions, actions = [], [], [], [], [], []
    members = world["circle_members"]
    all_circles = world["circles"]
    for n in ids:
        roll = rng.random()
        kind = "regional" if roll < 0.1 and n != 1 else "webinar" if roll < 0.15 else "circle"
        circle_id = 1 if n == 1 else None if kind == "regional" else rng.choice(all_circles)
        starts = (now + dt.timedelta(days=10) if n == 1 else
                  now + dt.timedelta(hours=rng.randint(-2 * 365 * 24, 365 * 24)))
        starts = starts.replace(minute=0, second=0, microsecond=0)
        capacity = 40 if n == 1 else rng.choice([None, None, 20, 30, 60])
        rows.append({"id": n, "title": f"{rng.choice(TOPICS)}: bijeenkomst {n}", "kind": kind, "circle_id": circle_id,
                     "region_code": rng.choice(world["regions"]) if kind == "regional" else None,
                     "partner_wsp": kind == "regional", "partner_uwv": kind == "regional", "partners_other": "",
                     "starts_at": starts, "ends_at": starts + dt.timedelta(hours=2),
                     "location_name": "" if kind == "webinar" else f"Vergaderzaal {rng.randint(1, 9)}",
                     "address": "" if kind == "webinar" else f"Stationsplein {rng.randint(1, 200)}, "
                                                              f"{rng.choice(world['municipalities'])}",
                     "accessibility": "Rolstoeltoegankelijk; er is een ringleiding.",
                     "online_url": "https://meet.example/bench" if kind == "webinar" else "",
                     "agenda": "\n".join(f"1. {item}" for item in rng.sample(AGENDA, 3)), "capacity": capacity,
                     "rsvp_deadline": None, "series_id": None, "series_rule": "", "sequence": 0, "cancelled_at":
                         starts if rng.random() < 0.03 else None, "minutes_editor_id": None, "needs_purged_at": None,
                     "created_by_id": None, "created_at": now, "updated_at": now})
        if kind == "regional":
            guests = rng.sample(all_circles, min(3, len(all_circles)))
            invited += [{"meeting_id": n, "circle_id": c} for c in guests]
            pool = [u for c in guests for u, s in members.get(c, {}).items() if s == "active"]
        else:
            pool = [u for u, s in members.get(circle_id, {}).items() if s == "active"]
        pool = list(dict.fromkeys(pool))
        answering = pool if n == 1 else rng.sample(pool, min(len(pool), rng.randint(0, 8)))
        yes = 0
        for user_id in answering:
            answer = rng.choices(["yes", "no", "maybe"], weights=[6, 2, 2])[0]
            waiting = None
            if answer == "yes":
                yes += 1
                if capacity is not None and yes > capacity:
                    waiting = yes - capacity
            rsvps.append({"meeting_id": n, "user_id": user_id, "answer": answer, "waiting_position": waiting,
                          "dietary_needs": "", "accessibility_needs": "", "attended": None, "created_at": now,
                          "updated_at": now})
        if starts < now and rng.random() < 0.5:
            minutes.append({"meeting_id": n, "body": "\n\n".join(rng.sample(MINUTES, 3)), "status": "published",
                            "published_at": starts + dt.timedelta(days=2), "revision": 1, "updated_at": now})
            decisions.append({"meeting_id": n, "text": "We delen onze werkpakketten in de bibliotheek.",
                              "created_by_id": None, "created_at": now})
            if answering and rng.random() < 0.6:
                actions.append({"meeting_id": n, "text": "Werkpakket schoonmaak uitwerken.",
                                "owner_id": answering[0], "due_date": (starts + dt.timedelta(days=30)).date(),
                                "status": rng.choice(["open", "done"]), "done_at": None, "created_by_id": None,
                                "created_at": now})
    insert(Meeting.__table__, rows)
    insert(meeting_circles, invited)
    insert(Rsvp.__table__, rsvps)
    insert(Minutes.__table__, minutes)
    insert(Decision.__table__, decisions)
    insert(ActionItem.__table__, actions)


def subscribers(rng: random.Random, ids: range, world: dict, now: dt.datetime) -> None:
    from circles.newsletter.models import CONSENT_VERSION, Subscriber

    rows = []
    for n in ids:
        roll = rng.random()
        status = ("confirmed" if roll < 0.8 else "pending" if roll < 0.9 else "unsubscribed" if roll < 0.97
                  else "bouncing")
        rows.append({"id": n, "email": f"abonnee{n}@bench.example", "name": "", "language": "nl",
                     "sectors": rng.sample(world["sectors"], rng.choice([0, 0, 1, 2])),
                     "regions": rng.sample(world["regions"], rng.choice([0, 0, 1])), "status": status,
                     "source": "website", "user_id": None, "consent_version": CONSENT_VERSION,
                     "confirm_token_hash": None, "confirm_sent_at": now, "created_at": now,
                     "confirmed_at": now if status != "pending" else None,
                     "unsubscribed_at": now if status == "unsubscribed" else None,
                     "bounced_at": now if status == "bouncing" else None, "bounce_reason": ""})
    insert(Subscriber.__table__, rows)


def progress(rng: random.Random, ids: range, now: dt.datetime) -> None:
    """Six years of figures per organisation (a third with quarter records, one in twenty corrected)."""
    rows = []
    for n in ids:
        rows += record_rows(rng, n, range(now.year - YEARS, now.year), now, base=rng.randint(1, 60), spread=8)
    # raw tenths: the bulk insert bypasses the Jobs type on purpose (it is what the column stores)
    insert(sa.table("progress_records", *(sa.column(c) for c in rows[0])), rows)


def fix_sequences() -> None:
    """PostgreSQL: explicit ids leave the sequences behind; move them past the highest id."""
    from circles.core.db import db

    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and isinstance(table.c.id.type, sa.Integer):
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


def generate(app, scale: int, *, start: int = 0, world: dict | None = None, seed: int = 2026) -> dict:
    """Fill the database from scale ``start`` up to ``scale``; returns the world (ids the benchmark opens and the
    seconds each step took). Pass the world of the earlier call when growing a database."""
    from werkzeug.security import generate_password_hash

    from circles.core.db import db, utcnow
    from circles.progress import figures
    from circles.workpackages.models import WorkPackage

    world = world if world is not None else {}
    rng = random.Random(seed + start)
    span = ranges(scale, start)
    now = utcnow()
    timings = world.setdefault("seconds", {})

    def step(name, fn, *args):
        began = time.perf_counter()
        fn(*args)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - began
        print(f"  {name}: {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)

    with app.app_context():
        reference(world)
        password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
        step("organisations", organisations, rng, span["organisations"], world, now)
        step("users", users, rng, span["users"], world, now, password_hash)
        step("circles and memberships", circles, rng, span["circles"], span["users"], world, now)
        step("meetings, RSVPs, minutes", meetings, rng, span["meetings"], world, now)
        step("subscribers", subscribers, rng, span["subscribers"], world, now)
        step("progress records", progress, rng, span["organisations"], now)
        step("progress figures (refresh)", figures.refresh)
        step("sequences", fix_sequences)
        db.session.commit()
    # Packages: bulk inserts and the search index through the feature's indexer (bench.search.fill commits).
    began = time.perf_counter()
    pkg_world = {"organisations": world["organisations"], "circles": world["circles"],
                 "municipalities": world["municipalities"]}
    fill(app, rng, pkg_world, span["packages"].start, span["packages"].stop - 1)
    timings["packages and search index"] = timings.get("packages and search index", 0.0) + (
        time.perf_counter() - began)
    with app.app_context():
        package = db.session.execute(
            sa.select(WorkPackage.id, WorkPackage.slug)
            .where(WorkPackage.status == "published", WorkPackage.visibility == "public")
            .order_by(WorkPackage.id).limit(1)).one()
        circle_slug = db.session.scalar(sa.text("SELECT slug FROM circles WHERE id = 1"))
        if db.engine.dialect.name == "postgresql":
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
    world.update(scale=scale, member_email=MEMBER_EMAIL, coordinator_email=COORDINATOR_EMAIL, circle_slug=circle_slug,
                 meeting_id=1, package_id=package.id, package_slug=package.slug)
    return world


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="scale factor (1: 2,000 organisations ...)")
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' (a temporary file), 'postgres' ($CIRCLES_TEST_DATABASE_URL, as set by "
                             "scripts/with-postgres.sh) or a URL; its tables are DROPPED first")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    uri = database_uri(args.database, parser)
    app = make_app(uri)
    fresh_schema(app)
    began = time.perf_counter()
    world = generate(app, args.scale, seed=args.seed)
    print(f"Scale {args.scale} in {time.perf_counter() - began:.0f} s: {uri}", file=sys.stderr)
    print({k: v for k, v in world.items() if k in ("circle_slug", "meeting_id", "package_id")}, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
