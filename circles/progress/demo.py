"""Demo figures: five years of targets and realised jobs for the demo organisations and a few more
municipalities and school boards (some of them hiding their figures), and this year's quarters so far.
Idempotent: an organisation that already has records is left alone."""

import hashlib
from decimal import Decimal

import sqlalchemy as sa

from circles.accounts import services as accounts
from circles.accounts.models import Organisation, Role, User
from circles.core.db import db
from circles.core.timefmt import local_today
from circles.progress import records
from circles.progress.models import ProgressRecord, ProgressSettings, Recorders, Source
from circles.reference.models import Municipality

#: Organisations that only report figures (no accounts): enough municipalities that hidden figures can
#: count in the sector total. (name, sector, municipality, hides its figures)
MORE_ORGANISATIONS = [
    ("Gemeente Utrecht", "gemeenten", "Utrecht", False),
    ("Gemeente Groningen", "gemeenten", "Groningen", True),
    ("Gemeente Zwolle", "gemeenten", "Zwolle", True),
    ("Gemeente Almere", "gemeenten", "Almere", True),
    ("Gemeente Eindhoven", "gemeenten", "Eindhoven", False),
    ("Gemeente Hengelo", "gemeenten", "Hengelo (O.)", False),
    ("Stichting VO Haaglanden", "vo", "'s-Gravenhage", True),
    ("Onderwijsgroep Noord", "vo", "Groningen", False),
]

#: Demo organisations (from circles/demo.py) that hide their figures, and the ones where every member records.
HIDDEN = {"Gemeente Schiedam", "Praktijkschool De Zwaai"}
MEMBERS_RECORD = {"Gemeente Enschede", "UMC Utrecht"}

#: Rough size of an organisation's target, by sector (jobs).
TARGET_BY_SECTOR = {"gemeenten": 40, "rijk": 600, "defensie": 150, "politie": 120, "wo": 45, "hbo": 25, "umc": 70,
                    "vo": 12, "po": 18, "mbo": 20, "provincies": 15, "waterschappen": 10}


def _wobble(name: str, year: int, spread: int) -> int:
    """A fixed pseudo-random number in [-spread, spread] (the demo looks the same every time)."""
    digest = hashlib.sha256(f"{name}:{year}".encode()).digest()
    return digest[0] % (2 * spread + 1) - spread


def _ensure_organisations() -> None:
    municipalities = {m.name: m.id for m in db.session.scalars(sa.select(Municipality))}
    for name, sector, municipality, _hidden in MORE_ORGANISATIONS:
        if accounts.find_organisation_by_name(name) is None:
            accounts.create_organisation(name, sector, municipalities[municipality], "")
    db.session.flush()


def seed_progress(users: dict[str, User]) -> int:
    """Add the demo figures; returns how many records were added."""
    _ensure_organisations()
    admin = next(u for u in users.values() if u.role == Role.ADMINISTRATOR)
    hidden = HIDDEN | {name for name, _s, _m, h in MORE_ORGANISATIONS if h}
    reported = set(db.session.scalars(sa.select(ProgressRecord.organisation_id).distinct()))
    this_year = local_today().year
    quarter_now = (local_today().month - 1) // 3 + 1
    added = 0
    for org in db.session.scalars(sa.select(Organisation).order_by(Organisation.name)):
        if org.sector_code not in TARGET_BY_SECTOR or org.id in reported:
            continue
        if org.name in hidden or org.name in MEMBERS_RECORD:
            db.session.add(ProgressSettings(organisation_id=org.id, hidden=org.name in hidden,
                                            recorders=Recorders.MEMBERS if org.name in MEMBERS_RECORD
                                            else Recorders.COORDINATORS))
        reporter = next((m for m in org.members), admin)
        base = TARGET_BY_SECTOR[org.sector_code]
        for n, year in enumerate(range(this_year - 5, this_year)):
            target = Decimal(base + n * base // 10 + _wobble(org.name, year, max(1, base // 10)))
            share = Decimal(70 + n * 5 + _wobble(org.name, -year, 12)) / 100
            realised = (target * share).quantize(Decimal("0.1"))
            source = Source.SECTOR_MONITOR if year < this_year - 1 else Source.OWN_COUNT
            records.record(org, reporter, year=year, quarter=None, target=target, realised=realised, source=source)
            added += 1
        if org.name == "Gemeente Rotterdam":  # a correction: the sector monitor came in higher
            records.record(org, reporter, year=this_year - 1, quarter=None, target=None,
                           realised=realised + Decimal(2), source=Source.SECTOR_MONITOR,
                           note="Gecorrigeerd na de sectormonitor: twee plaatsingen via de praktijkroute telden mee.")
            added += 1
        target = Decimal(base + 5 * base // 10)
        records.record(org, reporter, year=this_year, quarter=None, target=target, realised=None,
                       source=Source.OWN_COUNT, note="Taakstelling uit de werkagenda.")
        for quarter in range(1, quarter_now):
            realised = (target * Decimal(quarter * 22 + _wobble(org.name, quarter, 5)) / 100).quantize(Decimal("0.1"))
            records.record(org, reporter, year=this_year, quarter=quarter, target=None, realised=realised,
                           source=Source.OWN_COUNT)
            added += 1
        added += 1
    return added
