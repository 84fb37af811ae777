"""Totals of targets and realised jobs per sector, region, circle and year, without giving away hidden figures.

Which record counts: per organisation and year, the newest record of the latest period (the whole year
counts before the fourth quarter, a quarter before the one before it); target and realised each come from
the first such record that has them, so a target set in January and a realised count in the third quarter
make one figure.

Hidden figures. An organisation that hides its figures is never shown on its own, and may only count in a
total from which nobody can work its figure out. Visible figures are public, so a total minus the visible
figures in it is the hidden part: it must be the sum of several hidden organisations, not one or two (with
two, either one could subtract its own). Hence: hidden figures count in a total of at least
``MIN_ORGANISATIONS`` organisations of which at least ``MIN_HIDDEN`` hide theirs, and this holds for the target
and the realised number each (a hidden organisation that gave only a target adds nothing to the realised total,
so it cannot be one of the three that hide someone's realised number). And they count in ONE
family of totals only, the sectors (and the national total, which is the sum of the sector totals as shown):
were they also in region and circle totals, which cut the same organisations differently, subtracting one
from another could isolate a single organisation. Region and circle totals therefore count visible figures
and say how many organisations they leave out.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa

from circles.accounts.models import Organisation
from circles.core import cache
from circles.core.db import db
from circles.groups.models import Membership, MembershipState
from circles.progress.models import ProgressFigure, ProgressRecord, ProgressSettings
from circles.reference.models import Municipality
from circles.workpackages.services import adopted_jobs_by

MIN_ORGANISATIONS = 5
MIN_HIDDEN = 3


def hidden_may_count(organisations: int, hidden: int) -> bool:
    """Whether ``hidden`` hidden figures may count in a total of ``organisations`` (hidden ones included)."""
    return organisations >= MIN_ORGANISATIONS and hidden >= MIN_HIDDEN


@dataclass
class Figure:
    """One cell of a dashboard: a group's target and realised jobs in one year."""

    year: int
    target: Decimal | None = None
    realised: Decimal | None = None
    #: Organisations whose figures are in this total.
    organisations: int = 0
    #: Of those, how many hide their own figures.
    hidden_counted: int = 0
    #: Organisations with figures for this year that hide them and are left out of this total.
    hidden_left_out: int = 0
    #: Counted organisations whose realised number is a quarter's, not the whole year's.
    provisional: int = 0
    #: Jobs reported through adopted work packages (taken into use that year).
    adopted_jobs: int = 0

    @property
    def percentage(self) -> int | None:
        if not self.target or self.realised is None:
            return None
        return int((self.realised / self.target * 100).to_integral_value())

    @property
    def empty(self) -> bool:
        return self.target is None and self.realised is None

    def add(self, other: "Figure") -> None:
        self.target = _plus(self.target, other.target)
        self.realised = _plus(self.realised, other.realised)
        self.organisations += other.organisations
        self.hidden_counted += other.hidden_counted
        self.hidden_left_out += other.hidden_left_out
        self.provisional += other.provisional
        self.adopted_jobs += other.adopted_jobs


def _plus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else a + b


def _jobs(tenths) -> Decimal | None:
    return None if tenths is None else Decimal(int(tenths)) / 10


def _raw(column):
    """The stored tenths as a plain integer, so sums stay integers in SQL."""
    return sa.type_coerce(column, sa.Integer)


def effective(*conditions):
    """Per organisation and year (of the records matching ``conditions``) the target and realised numbers that
    count, and the quarter of the realised one (None: the whole year), in stored tenths; a subquery."""
    period = sa.func.coalesce(ProgressRecord.quarter, 5)

    def first(column):
        order = (period.desc(), ProgressRecord.recorded_at.desc(), ProgressRecord.id.desc())
        return (sa.select(ProgressRecord.organisation_id, ProgressRecord.year, _raw(column).label("value"),
                          ProgressRecord.quarter,
                          sa.func.row_number().over(partition_by=(ProgressRecord.organisation_id,
                                                                  ProgressRecord.year), order_by=order).label("rn"))
                .where(column.is_not(None), *conditions).subquery())

    t, r = first(ProgressRecord.target), first(ProgressRecord.realised)
    parts = sa.union_all(
        sa.select(t.c.organisation_id, t.c.year, t.c.value.label("target"), sa.null().label("realised"),
                  sa.null().label("quarter")).where(t.c.rn == 1),
        sa.select(r.c.organisation_id, r.c.year, sa.null(), r.c.value, r.c.quarter).where(r.c.rn == 1),
    ).subquery()
    return (sa.select(parts.c.organisation_id, parts.c.year, sa.func.max(parts.c.target).label("target"),
                      sa.func.max(parts.c.realised).label("realised"), sa.func.max(parts.c.quarter).label("quarter"))
            .group_by(parts.c.organisation_id, parts.c.year))


def refresh(organisation_id: int | None = None, year: int | None = None) -> None:
    """Derive ``progress_figures`` again from the records: for one organisation and year after a record was added,
    or for everything (after a bulk load)."""
    figure = ProgressFigure.__table__
    conditions = []
    if organisation_id is not None:
        conditions.append(ProgressRecord.organisation_id == organisation_id)
    if year is not None:
        conditions.append(ProgressRecord.year == year)
    delete = sa.delete(figure)
    if organisation_id is not None:
        delete = delete.where(figure.c.organisation_id == organisation_id)
    if year is not None:
        delete = delete.where(figure.c.year == year)
    db.session.execute(delete)
    db.session.execute(sa.insert(figure).from_select(
        ["organisation_id", "year", "target", "realised", "quarter"], effective(*conditions)))


_HIDDEN = sa.func.coalesce(ProgressSettings.hidden, sa.false())


class _Part(NamedTuple):
    """The visible or the hidden part of a group's figures in one year."""

    target: Decimal | None
    realised: Decimal | None
    organisations: int
    provisional: int
    #: Of the organisations, how many gave a target, and how many a realised number.
    with_target: int
    with_realised: int


def _grouped(group, *conditions, year: int | None = None) -> dict:
    """{(group value, year): {hidden: _Part}} in one query."""
    e = ProgressFigure
    keys = [group] if group is not None else []
    if year is not None:
        conditions = (*conditions, e.year == year)
    rows = db.session.execute(
        sa.select(*keys, e.year, _HIDDEN, sa.func.sum(_raw(e.target)), sa.func.sum(_raw(e.realised)),
                  sa.func.count(), sa.func.count(e.quarter), sa.func.count(e.target), sa.func.count(e.realised))
        .select_from(e).join(Organisation, Organisation.id == e.organisation_id)
        .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
        .outerjoin(ProgressSettings, ProgressSettings.organisation_id == e.organisation_id)
        .where(*conditions).group_by(*keys, e.year, _HIDDEN))
    cells: dict = defaultdict(dict)
    for row in rows:
        key = row[0] if keys else None
        year, hidden, target, realised, n, provisional, n_target, n_realised = row[-8:]
        cells[(key, int(year))][bool(hidden)] = _Part(_jobs(target), _jobs(realised), int(n), int(provisional),
                                                      int(n_target), int(n_realised))
    return cells


def _hidden_part_may_count(visible: _Part | None, hidden: _Part) -> bool:
    """Whether the hidden part may join the visible one: for the organisations as a whole, and for the target
    and the realised number each (counting the organisations that gave one; none: the part adds nothing there)."""
    visible = visible or _Part(None, None, 0, 0, 0, 0)
    return (hidden_may_count(visible.organisations + hidden.organisations, hidden.organisations)
            and (not hidden.with_target or hidden_may_count(visible.with_target + hidden.with_target,
                                                            hidden.with_target))
            and (not hidden.with_realised or hidden_may_count(visible.with_realised + hidden.with_realised,
                                                              hidden.with_realised)))


def _figure(year: int, parts: dict, *, hidden_counts: bool) -> Figure:
    figure = Figure(year)
    visible, hidden = parts.get(False), parts.get(True)
    if visible:
        figure.target, figure.realised = visible.target, visible.realised
        figure.organisations, figure.provisional = visible.organisations, visible.provisional
    if hidden:
        n_hidden = hidden.organisations
        if hidden_counts and _hidden_part_may_count(visible, hidden):
            figure.add(Figure(year, hidden.target, hidden.realised, n_hidden, n_hidden, 0, hidden.provisional))
        else:
            figure.hidden_left_out = n_hidden
    return figure


def _figures(cells: dict, *, hidden_counts: bool) -> dict:
    """{group value: {year: Figure}}"""
    result: dict = defaultdict(dict)
    for (key, year), parts in cells.items():
        result[key][year] = _figure(year, parts, hidden_counts=hidden_counts)
    return result


def _add_adoptions(by_group: dict, jobs: dict) -> None:
    for (key, year), n in jobs.items():
        by_group[key].setdefault(year, Figure(year)).adopted_jobs += n


def series(by_year: dict[int, Figure]) -> list[Figure]:
    """The figures from the first to the last year with anything in it, years without figures included."""
    years = [y for y, f in by_year.items() if not f.empty or f.adopted_jobs or f.hidden_left_out]
    if not years:
        return []
    return [by_year.get(year) or Figure(year) for year in range(min(years), max(years) + 1)]


# --- the cache of the totals over all organisations -------------------------------------------------
#
# The home page and /voortgang sum every organisation's figures per sector (and per region) on every view: tens of
# milliseconds at a few thousand organisations, growing with them. These totals change only when a record, a
# setting, an adoption or an organisation changes, so they are kept in the process (circles.core.cache): cleared
# at once when this process changes one of those tables, and used for at most CACHE_SECONDS otherwise (changes
# made by another app server). Callers must not change what they get (the same objects go to every reader).

CACHE = "progress_totals"
cache.watch(CACHE, "progress_records", "progress_figures", "progress_settings", "organisations", "adoptions")


# --- the groups -------------------------------------------------------------------------------------

def by_sector() -> dict[str, dict[int, Figure]]:
    """Every sector's figures per year (hidden figures counted where they may be); two queries, or none while
    the totals are cached."""
    return cache.cached(CACHE, "by_sector", _by_sector)


def _by_sector() -> dict[str, dict[int, Figure]]:
    result = _figures(_grouped(Organisation.sector_code), hidden_counts=True)
    _add_adoptions(result, adopted_jobs_by(Organisation.sector_code))
    return result


def national(sectors: dict[str, dict[int, Figure]]) -> dict[int, Figure]:
    """The national figures: the sum of the sector figures as they are shown (so nothing new is revealed)."""
    total: dict[int, Figure] = {}
    for by_year in sectors.values():
        for year, figure in by_year.items():
            total.setdefault(year, Figure(year)).add(figure)
    return total


def sector(code: str) -> dict[int, Figure]:
    result = _figures(_grouped(None, Organisation.sector_code == code), hidden_counts=True)
    _add_adoptions(result, adopted_jobs_by(None, Organisation.sector_code == code))
    return result.get(None, {})


def by_region(year: int | None = None) -> dict[str, dict[int, Figure]]:
    """Every region's figures per year: visible figures only (see the module's docstring). Cached like
    ``by_sector``."""
    return cache.cached(CACHE, ("by_region", year), lambda: _by_region(year))


def _by_region(year: int | None) -> dict[str, dict[int, Figure]]:
    result = _figures(_grouped(Municipality.region_code, year=year), hidden_counts=False)
    _add_adoptions(result, {k: v for k, v in adopted_jobs_by(Municipality.region_code).items()
                            if year is None or k[1] == year})
    return result


def region(code: str) -> dict[int, Figure]:
    result = _figures(_grouped(None, Municipality.region_code == code), hidden_counts=False)
    _add_adoptions(result, adopted_jobs_by(None, Municipality.region_code == code))
    return result.get(None, {})


def _member_organisations(circle_id: int):
    from circles.accounts.models import User

    return (sa.select(User.organisation_id).join(Membership, Membership.user_id == User.id)
            .where(Membership.circle_id == circle_id, Membership.state == MembershipState.ACTIVE,
                   User.organisation_id.is_not(None)).distinct())


#: A circle's totals depend on who is in it, too.
CIRCLE_CACHE = "progress_circle_totals"
cache.watch(CIRCLE_CACHE, "progress_records", "progress_figures", "progress_settings", "organisations",
            "adoptions", "memberships", "users")


def circle(circle_id: int) -> dict[int, Figure]:
    """The circle's member organisations together (visible figures only: members are chosen, not a fixed
    partition, so a circle with and without one organisation would give it away). Kept for a while
    (core.cache): every circle page shows them."""
    return cache.cached(CIRCLE_CACHE, circle_id, lambda: _circle(circle_id))


def _circle(circle_id: int) -> dict[int, Figure]:
    members = _member_organisations(circle_id)
    result = _figures(_grouped(None, Organisation.id.in_(members)), hidden_counts=False)
    _add_adoptions(result, adopted_jobs_by(None, Organisation.id.in_(members)))
    return result.get(None, {})


@dataclass
class OrganisationRow:
    """One organisation in a circle's table for one year."""

    organisation: Organisation
    hidden: bool
    figure: Figure | None = None
    #: The quarter the realised number is about (None: the whole year).
    quarter: int | None = None


def circle_members(circle_id: int, year: int) -> list[OrganisationRow]:
    """The circle's member organisations by name with their figures of ``year``; hidden ones without."""
    orgs = db.session.execute(
        sa.select(Organisation, _HIDDEN)
        .outerjoin(ProgressSettings, ProgressSettings.organisation_id == Organisation.id)
        .where(Organisation.id.in_(_member_organisations(circle_id))).order_by(Organisation.name)).all()
    figures = {row.organisation_id: row for row in db.session.scalars(
        sa.select(ProgressFigure).where(ProgressFigure.year == year,
                                        ProgressFigure.organisation_id.in_(_member_organisations(circle_id))))}
    rows = []
    for org, hidden in orgs:
        row = OrganisationRow(org, bool(hidden))
        found = figures.get(org.id)
        if found is not None and not row.hidden:
            row.figure = Figure(year, found.target, found.realised, 1, 0, 0,
                                int(found.quarter is not None and found.realised is not None))
            row.quarter = found.quarter
        rows.append(row)
    return rows


def organisation(org_id: int) -> tuple[dict[int, Figure], dict[int, int | None]]:
    """One organisation's figures per year and the quarter each realised number is about. Callers check
    ``progress.see_figures`` first."""
    by_year: dict[int, Figure] = {}
    quarters: dict[int, int | None] = {}
    for row in db.session.scalars(sa.select(ProgressFigure).where(ProgressFigure.organisation_id == org_id)):
        by_year[row.year] = Figure(row.year, row.target, row.realised, 1, 0, 0,
                                   int(row.quarter is not None and row.realised is not None))
        quarters[row.year] = row.quarter if row.realised is not None else None
    for (_none, year), n in adopted_jobs_by(None, Organisation.id == org_id).items():
        by_year.setdefault(year, Figure(year)).adopted_jobs += n
    return by_year, quarters


def latest_year(figures: Iterable[Figure], *, up_to: int) -> int | None:
    """The last year up to ``up_to`` with a realised number that is not only quarter counts (what "the
    latest figures" means: a year under way would look like a shortfall)."""
    years = [f.year for f in figures
             if f.realised is not None and f.year <= up_to and f.provisional < f.organisations]
    return max(years) if years else None
