"""Benchmark of the progress dashboards: ``python -m bench.progress [--organisations 2000] [--database ...]``.

Builds a fresh database (a temporary SQLite file, or the PostgreSQL database given, whose tables are dropped and
made again) with N organisations across the sectors and municipalities, each with a record per year for Y years
(a third also with quarter records, one in twenty with a correction), one in ten hiding its figures, and a
circle whose members work for forty of the organisations. The records go in with bulk inserts, after which the
derived figures are rebuilt once (``figures.refresh()``), as a bulk import would. Then, in one run:

* the SQL statements each dashboard page runs at N/10 organisations and at N (they must be equal);
* p50 and p95 of each page through Flask's test client, as a ratio to a hello-world route of the same app in
  the same run (the floor: what any request costs here, with sessions and security headers).

The figures go to ``bench/RESULTS.md`` between markers: a run replaces only its own database's block.
"""

import argparse
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench import results
from bench.search import (
    PASSWORD,
    count_statements,
    cpu_model,
    database_uri,
    fresh_schema,
    logged_in_client,
    make_app,
    time_pages,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTORS = ["gemeenten", "po", "vo", "mbo", "hbo", "wo", "umc", "rijk", "provincies", "waterschappen", "defensie",
           "politie"]


def record_rows(rng: random.Random, n: int, years: range, now, *, base: int, spread: int) -> list[dict]:
    """Organisation ``n``'s progress records for ``years``, as raw rows (tenths of jobs, what the column
    stores): a yearly record each year, quarter records for one in three, a UWV correction for one in twenty."""
    rows = []
    for year in years:
        target = base + rng.randint(0, spread)
        rows.append({"organisation_id": n, "year": year, "quarter": None, "target": target * 10,
                     "realised": int(target * rng.uniform(0.5, 1.1) * 10), "source": "own_count", "note": "",
                     "recorded_at": now})
        if n % 3 == 0:
            for quarter in (1, 2, 3):
                rows.append({"organisation_id": n, "year": year, "quarter": quarter, "target": None,
                             "realised": int(target * quarter * 0.2 * 10), "source": "own_count", "note": "",
                             "recorded_at": now})
        if n % 20 == 0:
            rows.append({"organisation_id": n, "year": year, "quarter": None, "target": None,
                         "realised": target * 10, "source": "uwv", "note": "correctie", "recorded_at": now})
    return rows


def generate(app, rng: random.Random, first: int, last: int, years: int, world: dict) -> None:
    """Organisations ``first``..``last`` with their records and settings, in bulk (SQLAlchemy Core)."""
    from circles.accounts.models import Organisation
    from circles.core.db import db, utcnow
    from circles.progress import figures
    from circles.progress.models import ProgressSettings
    from circles.reference.models import Municipality

    with app.app_context():
        municipalities = world.setdefault("municipalities", list(db.session.scalars(sa.select(Municipality.id))))
        now, this_year = utcnow(), utcnow().year
        orgs, settings, rows = [], [], []
        for n in range(first, last + 1):
            orgs.append({"id": n, "name": f"Organisatie {n:05d}", "slug": f"organisatie-{n:05d}",
                         "sector_code": rng.choice(SECTORS), "municipality_id": rng.choice(municipalities),
                         "website": "", "created_at": now})
            if n % 10 == 0:
                settings.append({"organisation_id": n, "hidden": True, "recorders": "coordinators", "updated_at": now})
            rows += record_rows(rng, n, range(this_year - years, this_year), now, base=rng.randint(5, 200), spread=20)
        db.session.execute(sa.insert(Organisation.__table__), orgs)
        if settings:
            db.session.execute(sa.insert(ProgressSettings.__table__), settings)
        # raw tenths: the bulk insert bypasses the Jobs type on purpose (it is what the column stores)
        records = sa.table("progress_records", *(sa.column(c) for c in rows[0]))
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(records), rows[start:start + 5000])
        figures.refresh()  # what a migration that loads records in bulk would do
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()


def people(app, world: dict) -> None:
    """A member who reads, and a circle of forty organisations' members."""
    from circles.accounts import services as accounts
    from circles.accounts.models import Organisation
    from circles.core.db import db
    from circles.groups import services as circles
    from circles.groups.models import Membership

    with app.app_context():
        orgs = list(db.session.scalars(sa.select(Organisation).order_by(Organisation.id).limit(40)))
        users = [accounts.register_user(name=f"Lid {n}", email=f"lid{n}@bench.example", password=PASSWORD,
                                        function="projectleider", organisation=org) for n, org in enumerate(orgs)]
        users[0].role = "coordinator"
        circle = circles.create_circle(users[0], name="Leercirkel Benchmark", description="", goals="",
                                       sector_codes=["gemeenten"], region_codes=[], visibility="public",
                                       join_policy="open")
        for user in users[1:]:
            db.session.add(Membership(circle=circle, user=user))
        db.session.commit()
        world.update(member_email=users[1].email, circle_slug=circle.slug, org_slug=orgs[1].slug,
                     region=orgs[1].region.code if orgs[1].region else "AM13")


def pages(world: dict) -> dict[str, str]:
    return {
        "home": "/",
        "overview": "/voortgang",
        "sector": "/voortgang/sectoren/gemeenten",
        "region": f"/voortgang/regios/{world['region']}",
        "circle": f"/voortgang/leercirkels/{world['circle_slug']}",
        "organisation": f"/voortgang/organisaties/{world['org_slug']}",
        "sectors CSV": "/voortgang/sectoren.csv",
    }


def counts(app, world: dict) -> dict[str, int]:
    client = app.test_client()
    return {name: count_statements(app, client, url) for name, url in pages(world).items()}


def report(r: dict) -> str:
    lines = [
        f"<!-- progress:{r['engine']}:start -->",
        f"### {r['engine_name']}",
        "",
        f"{r['organisations']:,} organisations × {r['years']} years ({r['records']:,} records, one in ten hidden); "
        f"{r['requests']} requests per page; {r['cpu']}, load {r['load']:.1f} before the run; "
        f"{r['seconds']:.0f} s in all. Floor (hello-world route, same app): p50 {r['floor']['p50']:.2f} ms, "
        f"p95 {r['floor']['p95']:.2f} ms.",
        "",
        "| page | p50 ms | p95 ms | p50 / floor | statements at N/10 | at N |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, t in r["times"].items():
        small, large = r["counts"][0][name], r["counts"][1][name]
        lines.append(f"| {name} | {t['p50']:.1f} | {t['p95']:.1f} | {t['p50'] / r['floor']['p50']:.0f}× | "
                     f"{small} | {large} |")
    same = r["counts"][0] == r["counts"][1]
    lines += ["", "The statement counts are " + ("equal at both sizes." if same else
                                                 "**not** equal: a page grows with the data."),
              f"<!-- progress:{r['engine']}:end -->"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.progress", description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=2000, help="how many organisations (2000)")
    parser.add_argument("--years", type=int, default=12, help="years of figures each (12)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (60)")
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' (a temporary file), 'postgres' ($CIRCLES_TEST_DATABASE_URL, as set by "
                             "scripts/with-postgres.sh) or a postgresql:// URL; its tables are DROPPED first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=RESULTS, help="the results file (bench/RESULTS.md)")
    args = parser.parse_args(argv)
    if args.organisations < 100:
        parser.error("use at least 100 organisations")
    if args.requests < 10:
        parser.error("time at least 10 requests per page")
    started, load = time.perf_counter(), os.getloadavg()[0]
    uri = database_uri(args.database, parser)
    rng = random.Random(args.seed)
    app = make_app(uri)
    fresh_schema(app)
    world: dict = {}
    tenth = args.organisations // 10
    print(f"Generating {tenth:,} organisations...", file=sys.stderr)
    generate(app, rng, 1, tenth, args.years, world)
    people(app, world)
    small = counts(app, world)
    print(f"Generating up to {args.organisations:,}...", file=sys.stderr)
    generate(app, rng, tenth + 1, args.organisations, args.years, world)
    large = counts(app, world)
    print("Measuring...", file=sys.stderr)
    anonymous, member = app.test_client(), logged_in_client(app, world["member_email"])
    floor = time_pages(anonymous, ["/_bench/hallo"] * args.requests)
    times = {}
    for name, url in pages(world).items():
        times[name] = time_pages(member if name == "home" else anonymous, [url] * args.requests)
    from circles.core.db import db
    from circles.progress.models import ProgressRecord

    with app.app_context():
        n_records = db.session.scalar(sa.select(sa.func.count()).select_from(ProgressRecord))
        engine = db.engine.dialect.name
    block = report({"engine": "postgresql" if engine == "postgresql" else "sqlite",
                    "engine_name": "PostgreSQL" if engine == "postgresql" else f"SQLite {sqlite3.sqlite_version}",
                    "organisations": args.organisations, "years": args.years, "records": n_records,
                    "requests": args.requests, "cpu": cpu_model(), "load": load,
                    "seconds": time.perf_counter() - started, "floor": floor, "times": times,
                    "counts": (small, large)})
    results.write_results(args.output, "progress", "Progress dashboards", block, engine if engine == "postgresql"
                          else "sqlite")
    print(block)
    return 0 if small == large else 1


if __name__ == "__main__":
    sys.exit(main())
