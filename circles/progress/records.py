"""Recording an organisation's target and realised jobs, and its sharing settings.

Records are append-only: a correction is a new record for the same year and quarter, so the history of
what an organisation said, and when, stays readable.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from circles.accounts.models import Organisation, User
from circles.core import audit
from circles.core.db import db, utcnow
from circles.core.timefmt import local_today
from circles.progress import figures
from circles.progress.models import FIRST_YEAR, ProgressRecord, ProgressSettings, Recorders, Source

#: Larger than any sector's target (the government sector as a whole has 25,000): a typo, not a figure.
MAX_JOBS = Decimal(125000)


class ProgressError(Exception):
    """Input the rules refuse; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def latest_allowed_year(on: date | None = None) -> int:
    """Targets may be recorded for next year at the latest (they are set in advance)."""
    return (on or local_today()).year + 1


def check_period(year: int | None, quarter: int | None, realised, on: date | None = None) -> None:
    """Refuse a period the figures cannot be about, with a message the person can act on."""
    on = on or local_today()
    if year is None:
        raise ProgressError("year", _l("Vul het jaar in waarover de cijfers gaan."))
    if year < FIRST_YEAR:
        raise ProgressError("year", _l("De banenafspraak telt banen vanaf %(first)s; kies %(first)s of later.",
                                       first=FIRST_YEAR))
    if year > latest_allowed_year(on):
        raise ProgressError("year", _l("Kies uiterlijk volgend jaar (%(year)s): verder vooruit kunt u nog geen "
                                       "cijfers opgeven.", year=latest_allowed_year(on)))
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ProgressError("quarter", _l("Kies een kwartaal (1 tot en met 4) of het hele jaar."))
    if realised is not None:
        started = year < on.year or (year == on.year and (quarter or 1) <= (on.month - 1) // 3 + 1)
        if not started:
            raise ProgressError("realised", _l("Deze periode is nog niet begonnen: vul alleen de taakstelling in, "
                                               "of kies een periode die al loopt."))


def check_numbers(target, realised) -> None:
    if target is None and realised is None:
        raise ProgressError("target", _l("Vul de taakstelling, het aantal gerealiseerde banen of allebei in."))
    for name, value in (("target", target), ("realised", realised)):
        if value is not None and value < 0:
            raise ProgressError(name, _l("Een aantal banen kan niet negatief zijn."))
        if value is not None and value > MAX_JOBS:
            raise ProgressError(name, _l("Dat aantal is groter dan de hele banenafspraak (125.000 banen); "
                                         "controleer het getal."))


def record(org: Organisation, user: User, *, year: int | None, quarter: int | None, target: Decimal | None,
           realised: Decimal | None, source: str, note: str = "") -> ProgressRecord:
    """Add a record (the newest record for a year and quarter is the one that counts)."""
    check_period(year, quarter, realised)
    check_numbers(target, realised)
    if source not in set(Source):
        raise ProgressError("source", _l("Kies waar de cijfers vandaan komen."))
    entry = ProgressRecord(organisation_id=org.id, year=year, quarter=quarter, target=target, realised=realised,
                           source=source, note=note.strip(), recorded_by_id=user.id, recorded_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    figures.refresh(org.id, year)
    audit.record("progress.recorded", actor=user, obj_type="organisation", obj_id=org.id,
                 year=year, quarter=quarter, target=None if target is None else str(target),
                 realised=None if realised is None else str(realised))
    return entry


def history(org: Organisation) -> list[ProgressRecord]:
    """Every record, newest period first, the newest record first within a period."""
    return list(db.session.scalars(
        sa.select(ProgressRecord).where(ProgressRecord.organisation_id == org.id)
        .options(selectinload(ProgressRecord.recorded_by))
        .order_by(ProgressRecord.year.desc(), sa.func.coalesce(ProgressRecord.quarter, 5).desc(),
                  ProgressRecord.recorded_at.desc(), ProgressRecord.id.desc())))


def superseded_ids(records: list[ProgressRecord]) -> set[int]:
    """The records a later record for the same year and quarter corrected (``records`` as ``history`` orders)."""
    seen: set[tuple[int, int | None]] = set()
    replaced = set()
    for entry in records:
        key = (entry.year, entry.quarter)
        if key in seen:
            replaced.add(entry.id)
        seen.add(key)
    return replaced


@dataclass
class SettingsChange:
    hidden: bool
    recorders: str


def change_settings(org: Organisation, user: User, change: SettingsChange) -> bool:
    """Store how the organisation shares its figures; False when nothing changed."""
    if change.recorders not in set(Recorders):
        raise ProgressError("recorders", _l("Kies wie de cijfers mag invoeren."))
    settings = db.session.get(ProgressSettings, org.id)
    if settings is None:
        settings = ProgressSettings(organisation_id=org.id, hidden=False, recorders=Recorders.COORDINATORS)
        db.session.add(settings)
    if settings.hidden == change.hidden and settings.recorders == change.recorders:
        return False
    audit.record("progress.settings_changed", actor=user, obj_type="organisation", obj_id=org.id,
                 hidden=change.hidden, recorders=change.recorders, was_hidden=settings.hidden,
                 recorders_were=settings.recorders)
    settings.hidden, settings.recorders, settings.updated_by_id = change.hidden, change.recorders, user.id
    return True
