"""Demo figures and signals for ``flask --app circles seed-demo``; the data is in figures.toml and
signals.toml. Five years of targets and realised jobs for the demo organisations and a few more
municipalities and school boards (some of them hiding their figures), and this year's quarters so far.
The caller (circles/demo/) passes the people by e-mail. Idempotent: an organisation that already has
records is left alone."""

import hashlib
import tomllib
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from circles.accounts import services as accounts
from circles.accounts.models import Organisation, Role, User
from circles.core.db import db
from circles.core.timefmt import local_today

# The progress services this seeder uses.
from circles.progress import records
from circles.progress.demo.signals import seed_signals
from circles.progress.models import ProgressRecord, ProgressSettings, Recorders, Source
from circles.reference.models import Municipality

__all__ = ["seed", "seed_signals"]


def _wobble(name: str, year: int, spread: int) -> int:
    """A fixed pseudo-random number in [-spread, spread] (the demo looks the same every time)."""
    digest = hashlib.sha256(f"{name}:{year}".encode()).digest()
    return digest[0] % (2 * spread + 1) - spread


def _ensure_organisations(rows: list[dict]) -> None:
    municipalities = {m.name: m.id for m in db.session.scalars(sa.select(Municipality))}
    for row in rows:
        if accounts.find_organisation_by_name(row["name"]) is None:
            accounts.create_organisation(row["name"], row["sector"], municipalities[row["municipality"]], "")
    db.session.flush()


def _seed_figures(people: dict[str, User]) -> int:
    """Add the demo figures; returns how many records were added."""
    data = tomllib.loads((Path(__file__).parent / "figures.toml").read_text(encoding="utf-8"))
    _ensure_organisations(data["organisations"])
    admin = next(u for u in people.values() if u.role == Role.ADMINISTRATOR)
    hidden = set(data["hidden"]) | {row["name"] for row in data["organisations"] if row["hidden"]}
    members_record = set(data["members_record"])
    target_by_sector, correction = data["target_by_sector"], data["correction"]
    reported = set(db.session.scalars(sa.select(ProgressRecord.organisation_id).distinct()))
    this_year = local_today().year
    quarter_now = (local_today().month - 1) // 3 + 1
    added = 0
    for org in db.session.scalars(sa.select(Organisation).order_by(Organisation.name)):
        if org.sector_code not in target_by_sector or org.id in reported:
            continue
        if org.name in hidden or org.name in members_record:
            db.session.add(ProgressSettings(organisation_id=org.id, hidden=org.name in hidden,
                                            recorders=Recorders.MEMBERS if org.name in members_record
                                            else Recorders.COORDINATORS))
        reporter = next((m for m in org.members), admin)
        base = target_by_sector[org.sector_code]
        for n, year in enumerate(range(this_year - 5, this_year)):
            target = Decimal(base + n * base // 10 + _wobble(org.name, year, max(1, base // 10)))
            share = Decimal(70 + n * 5 + _wobble(org.name, -year, 12)) / 100
            realised = (target * share).quantize(Decimal("0.1"))
            source = Source.SECTOR_MONITOR if year < this_year - 1 else Source.OWN_COUNT
            records.record(org, reporter, year=year, quarter=None, target=target, realised=realised, source=source)
            added += 1
        if org.name == correction["organisation"]:
            records.record(org, reporter, year=this_year - 1, quarter=None, target=None,
                           realised=realised + Decimal(correction["extra"]), source=Source.SECTOR_MONITOR,
                           note=correction["note"])
            added += 1
        target = Decimal(base + 5 * base // 10)
        records.record(org, reporter, year=this_year, quarter=None, target=target, realised=None,
                       source=Source.OWN_COUNT, note=data["target_note"])
        for quarter in range(1, quarter_now):
            realised = (target * Decimal(quarter * 22 + _wobble(org.name, quarter, 5)) / 100).quantize(Decimal("0.1"))
            records.record(org, reporter, year=this_year, quarter=quarter, target=None, realised=realised,
                           source=Source.OWN_COUNT)
            added += 1
        added += 1
    return added


def seed(people: dict[str, User]) -> int:
    """The demo figures, then the demo signals; returns how many progress records were added.
    ``people``: the demo accounts by e-mail. Flushes; the caller commits."""
    added = _seed_figures(people)
    seed_signals(people)
    return added
