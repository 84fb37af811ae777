"""Signals ("signalen"): bottlenecks members meet in practice, recognised by others, answered by coordinators.

Plain functions: they never commit, flash or read the request. Lists and summaries count in SQL with grouped
subqueries, so a page runs the same number of queries however many signals and recognitions there are.
A signal that was merged into another (``merged_into_id``) drops out of every list, count and summary; its
recognitions moved to the signal it was merged into.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from circles.accounts.models import User
from circles.core import audit, notifications
from circles.core.activity import public_url
from circles.core.db import db, utcnow
from circles.core.mail import queue_mail
from circles.core.markdown import plain_text
from circles.core.notifications import wants
from circles.core.permissions import can
from circles.core.rules import RuleBroken
from circles.core.timefmt import LOCAL, local_today
from circles.progress.models import (
    CATEGORY_LABELS,
    FIRST_YEAR,
    SIGNAL_STATUS_LABELS,
    Category,
    Recognition,
    Signal,
    SignalStatus,
)
from circles.reference.models import Region, Sector

#: The notification kind people can switch off in their profile.
NOTIFY_KIND = "signal_updates"
notifications.register(NOTIFY_KIND, _l("Een nieuwe status of reactie op een signaal dat ik meldde of herken"))

#: Signals per page of the list.
PAGE_SIZE = 20
#: How many signals per sector the summary shows below its table.
TOP_PER_SECTOR = 3
#: Sort orders of the list: URL value -> meaning.
SORTS = {"herkend": _l("Meest herkend"), "nieuwste": _l("Nieuwste eerst")}
#: The region filter value for signals that are not bound to a region.
NATIONAL = "landelijk"


class SignalError(RuleBroken, ValueError):
    """A rule was broken; the message says which, in words the user understands."""


# --- reporting, editing ------------------------------------------------------------------------------

def _check_codes(category: str, sector_code: str | None, region_code: str | None) -> None:
    if category not in set(Category):
        raise SignalError(_l("Kies een categorie uit de lijst."), 422)
    if sector_code and db.session.get(Sector, sector_code) is None:
        raise SignalError(_l("Kies een sector uit de lijst."), 422)
    if region_code and db.session.get(Region, region_code) is None:
        raise SignalError(_l("Kies een arbeidsmarktregio uit de lijst."), 422)


def report_signal(user: User, *, title: str, category: str, description: str, sector_code: str | None = None,
                  region_code: str | None = None) -> Signal:
    """A member reports a bottleneck; it is stored with the organisation they work for now."""
    _check_codes(category, sector_code, region_code)
    signal = Signal(title=title, category=category, description=description, sector_code=sector_code or None,
                    region_code=region_code or None, status=SignalStatus.NEW, response="",
                    reported_by_id=user.id, organisation_id=user.organisation_id)
    db.session.add(signal)
    db.session.flush()
    return signal


def update_signal(editor: User, signal: Signal, *, title: str, category: str, description: str,
                  sector_code: str | None = None, region_code: str | None = None) -> None:
    """Change what the signal says (the rule "signal.edit" decides who may). A coordinator's change to
    someone else's signal is written to the audit log."""
    if signal.merged_into_id is not None:
        raise SignalError(_l("Dit signaal is samengevoegd met een ander signaal en kan niet meer worden gewijzigd."))
    _check_codes(category, sector_code, region_code)
    signal.title, signal.category, signal.description = title, category, description
    signal.sector_code, signal.region_code = sector_code or None, region_code or None
    if editor.id != signal.reported_by_id:
        audit.record("signal.edited", actor=editor, obj_type="signal", obj_id=signal.id)


# --- recognising -------------------------------------------------------------------------------------

def recognition_of(user, signal: Signal) -> Recognition | None:
    """The user's recognition of ``signal``, from its loaded recognitions."""
    if user is None or not user.is_authenticated:
        return None
    return next((r for r in signal.recognitions if r.user_id == user.id), None)


def check_may_recognise(user, signal: Signal) -> None:
    """Raise ``SignalError`` unless ``user`` may recognise ``signal``: never one's own signal, never one that
    was merged into another. A rule of signals, not a permission: administrators obey it too."""
    if signal.merged_into_id is not None:
        raise SignalError(_l("Dit signaal is samengevoegd met een ander signaal. Herken dat signaal."))
    if signal.reported_by_id == user.id:
        raise SignalError(_l("U meldde dit signaal zelf; herkennen kan alleen iemand anders."), 403)


def may_recognise(user, signal: Signal) -> bool:
    """Whether the page offers ``user`` the recognition form (``check_may_recognise`` without the error)."""
    if user is None or not user.is_authenticated:
        return False
    try:
        check_may_recognise(user, signal)
    except SignalError:
        return False
    return True


def recognise(user: User, signal: Signal, note: str = "") -> Recognition:
    """"Wij herkennen dit", once per person: a second time updates the note (``check_may_recognise``
    says who may not)."""
    check_may_recognise(user, signal)
    existing = db.session.scalar(sa.select(Recognition).where(Recognition.signal_id == signal.id,
                                                             Recognition.user_id == user.id))
    if existing is not None:
        existing.note = note
        return existing
    recognition = Recognition(signal_id=signal.id, user_id=user.id, organisation_id=user.organisation_id, note=note)
    db.session.add(recognition)
    return recognition


def withdraw(user: User, signal: Signal) -> bool:
    """Take back one's recognition; False when there was none."""
    existing = db.session.scalar(sa.select(Recognition).where(Recognition.signal_id == signal.id,
                                                             Recognition.user_id == user.id))
    if existing is None:
        return False
    db.session.delete(existing)
    return True


# --- coordinating: status, response, merging -----------------------------------------------------------

def respond(actor: User, signal: Signal, *, status: str, response: str) -> bool:
    """Set the status and the coordinators' response. When either changed: the time and the coordinator are
    kept, the change is audited, and the reporter and everyone who recognised it get an e-mail (unless they
    switched that off). Returns False when nothing changed."""
    if signal.merged_into_id is not None:
        raise SignalError(_l("Dit signaal is samengevoegd met een ander signaal. Geef daar de status en de reactie."))
    if status not in set(SignalStatus):
        raise SignalError(_l("Kies een status uit de lijst."), 422)
    status_changed, response_changed = status != signal.status, response != (signal.response or "")
    if not (status_changed or response_changed):
        return False
    old_status = signal.status
    signal.status, signal.response = status, response
    signal.responded_at, signal.responded_by_id = utcnow(), actor.id
    audit.record("signal.responded", actor=actor, obj_type="signal", obj_id=signal.id, old=old_status, new=status,
                 response_changed=response_changed)
    _notify(signal, actor, status_changed=status_changed, response_changed=response_changed)
    return True


def _notify(signal: Signal, actor: User, *, status_changed: bool, response_changed: bool) -> None:
    """Mail the reporter and the people who recognise the signal (not the coordinator who made the change)."""
    people: dict[int, tuple[User, bool]] = {}
    if signal.reported_by is not None:
        people[signal.reported_by.id] = (signal.reported_by, True)
    for recognition in signal.recognitions:
        if recognition.user is not None and recognition.user.id not in people:
            people[recognition.user.id] = (recognition.user, False)
    url = public_url("progress.signal_show", signal_id=signal.id)
    for person, is_reporter in people.values():
        if person.id == actor.id or not wants(person, NOTIFY_KIND):
            continue
        queue_mail(person.email, _l("Nieuws over het signaal: %(title)s", title=signal.title),
                   "progress/email/signal_update", locale=person.locale, recipient=person, signal=signal,
                   is_reporter=is_reporter, status_changed=status_changed, response_changed=response_changed,
                   signal_url=url)


def merge_choices(signal: Signal) -> list[tuple[int, str]]:
    """The signals ``signal`` may be merged into: the other signals that were not merged themselves."""
    rows = db.session.execute(
        sa.select(Signal.id, Signal.title).where(Signal.merged_into_id.is_(None), Signal.id != signal.id)
        .order_by(Signal.id.desc())
    ).all()
    return [(row.id, row.title) for row in rows]


def merge(actor: User, duplicate: Signal, target_id: int) -> Signal:
    """Merge ``duplicate`` into the signal ``target_id``: the duplicate's recognitions move there (except
    of people who already recognise it, and of its reporter), and the duplicate's reporter becomes a
    recognition of it (with the duplicate's title as the note). Signals merged earlier into the duplicate
    follow it. Returns the target."""
    if duplicate.merged_into_id is not None:
        raise SignalError(_l("Dit signaal is al samengevoegd met signaal %(id)s.", id=duplicate.merged_into_id))
    if target_id == duplicate.id:
        raise SignalError(_l("Een signaal kan niet met zichzelf worden samengevoegd. Kies een ander signaal."), 422)
    target = db.session.get(Signal, target_id)
    if target is None:
        raise SignalError(_l("Signaal %(id)s bestaat niet. Kies een signaal uit de lijst.", id=target_id), 422)
    node, seen = target, set()
    while node is not None and node.merged_into_id is not None and node.id not in seen:
        if node.merged_into_id == duplicate.id:
            raise SignalError(_l("Signaal %(id)s is al samengevoegd met dit signaal. Andersom samenvoegen kan niet: "
                                 "dan verwijzen ze naar elkaar.", id=target.id))
        seen.add(node.id)
        node = node.merged_into
    if target.merged_into_id is not None:
        raise SignalError(_l("Signaal %(id)s is zelf al samengevoegd met signaal %(into)s. Kies dat signaal.",
                             id=target.id, into=target.merged_into_id))

    recognisers = {r.user_id for r in target.recognitions if r.user_id is not None}
    moved = 0
    for recognition in list(duplicate.recognitions):
        if recognition.user_id is not None and (recognition.user_id in recognisers
                                                or recognition.user_id == target.reported_by_id):
            db.session.delete(recognition)
            continue
        recognition.signal = target
        if recognition.user_id is not None:
            recognisers.add(recognition.user_id)
        moved += 1
    reporter_id = duplicate.reported_by_id
    if reporter_id is not None and reporter_id != target.reported_by_id and reporter_id not in recognisers:
        target.recognitions.append(Recognition(user_id=reporter_id, organisation_id=duplicate.organisation_id,
                                               note=duplicate.title))
        moved += 1
    duplicate.merged_into_id = target.id
    db.session.flush()
    db.session.execute(sa.update(Signal).where(Signal.merged_into_id == duplicate.id)
                       .values(merged_into_id=target.id), execution_options={"synchronize_session": False})
    audit.record("signal.merged", actor=actor, obj_type="signal", obj_id=duplicate.id, into=target.id, moved=moved)
    return target


# --- reading one signal --------------------------------------------------------------------------------

def load_signal(signal_id: int) -> Signal | None:
    """The signal with what its page shows: recognitions with their people and organisations."""
    return db.session.scalar(
        sa.select(Signal).where(Signal.id == signal_id)
        .options(joinedload(Signal.sector), joinedload(Signal.region), joinedload(Signal.organisation),
                 joinedload(Signal.reported_by), joinedload(Signal.responded_by), joinedload(Signal.merged_into),
                 selectinload(Signal.recognitions).joinedload(Recognition.user),
                 selectinload(Signal.recognitions).joinedload(Recognition.organisation))
    )


def merged_from(signal: Signal) -> list[Signal]:
    """The duplicates that were merged into ``signal``."""
    return list(db.session.scalars(sa.select(Signal).where(Signal.merged_into_id == signal.id).order_by(Signal.id)))


# --- counting --------------------------------------------------------------------------------------------

def _recognition_counts():
    """signal_id -> number of recognitions, as a grouped subquery."""
    return (sa.select(Recognition.signal_id.label("signal_id"), sa.func.count(Recognition.id).label("n"))
            .group_by(Recognition.signal_id).subquery("recognition_counts"))


def _organisation_counts():
    """signal_id -> number of distinct organisations that meet it (the reporter's and the recognisers')."""
    involved = sa.union_all(
        sa.select(Signal.id.label("signal_id"), Signal.organisation_id.label("organisation_id")),
        sa.select(Recognition.signal_id.label("signal_id"), Recognition.organisation_id.label("organisation_id")),
    ).subquery("involved")
    return (sa.select(involved.c.signal_id.label("signal_id"),
                      sa.func.count(sa.distinct(involved.c.organisation_id)).label("n"))
            .group_by(involved.c.signal_id).subquery("organisation_counts"))


@dataclass(frozen=True)
class ListFilters:
    """The list's filters, every value checked against what exists ("" means: not filtered)."""

    category: str = ""
    sector: str = ""
    region: str = ""
    status: str = ""
    sort: str = "herkend"

    def url_args(self) -> dict[str, str]:
        """The filters as URL parameters (for paging links and the CSV link), leaving out empty ones."""
        args = {"categorie": self.category, "sector": self.sector, "regio": self.region, "status": self.status,
                "sorteer": self.sort if self.sort != "herkend" else ""}
        return {k: v for k, v in args.items() if v}


def parse_list_filters(args: Mapping[str, str], sector_codes: Iterable[str],
                       region_codes: Iterable[str]) -> tuple[ListFilters, list[str]]:
    """The filters from URL parameters; an unknown value is ignored with a notice for the reader."""
    notices = []

    def pick(name: str, allowed, notice: str, default: str = "") -> str:
        value = (args.get(name) or "").strip()[:40]
        if not value:
            return default
        if value not in allowed:
            notices.append(notice)
            return default
        return value

    filters = ListFilters(
        category=pick("categorie", set(Category), _("De gekozen categorie bestaat niet; er is niet op categorie "
                                                    "gefilterd.")),
        sector=pick("sector", set(sector_codes), _("De gekozen sector bestaat niet; er is niet op sector gefilterd.")),
        region=pick("regio", {*region_codes, NATIONAL}, _("De gekozen regio bestaat niet; er is niet op regio "
                                                          "gefilterd.")),
        status=pick("status", set(SignalStatus), _("De gekozen status bestaat niet; er is niet op status gefilterd.")),
        sort=pick("sorteer", set(SORTS), _("Deze sortering bestaat niet; de lijst staat op meest herkend."),
                  default="herkend"),
    )
    return filters, notices


def list_query(filters: ListFilters = ListFilters()) -> sa.Select:
    """Unmerged signals with their numbers of recognitions and organisations: rows of (Signal, recognitions,
    organisations), filtered and sorted, in one statement."""
    rc, oc = _recognition_counts(), _organisation_counts()
    recognitions = sa.func.coalesce(rc.c.n, 0)
    query = (sa.select(Signal, recognitions.label("recognitions"), sa.func.coalesce(oc.c.n, 0).label("organisations"))
             .outerjoin(rc, rc.c.signal_id == Signal.id).outerjoin(oc, oc.c.signal_id == Signal.id)
             .where(Signal.merged_into_id.is_(None))
             .options(joinedload(Signal.sector), joinedload(Signal.region)))
    if filters.category:
        query = query.where(Signal.category == filters.category)
    if filters.sector:
        query = query.where(Signal.sector_code == filters.sector)
    if filters.region == NATIONAL:
        query = query.where(Signal.region_code.is_(None))
    elif filters.region:
        query = query.where(Signal.region_code == filters.region)
    if filters.status:
        query = query.where(Signal.status == filters.status)
    if filters.sort == "nieuwste":
        return query.order_by(Signal.created_at.desc(), Signal.id.desc())
    return query.order_by(recognitions.desc(), Signal.created_at.desc(), Signal.id.desc())


@dataclass(frozen=True)
class TopSignal:
    """A signal with its number of recognitions, for lists on other pages."""

    signal: Signal
    recognitions: int

    @property
    def id(self) -> int:
        return self.signal.id

    @property
    def title(self) -> str:
        return self.signal.title


def top_signals(user, *, sector_codes: Iterable[str] | None = None, region_codes: Iterable[str] | None = None,
                limit: int = 3) -> list[TopSignal]:
    """The most-recognised open signals (not merged, not solved) for the home page and a circle page, in one
    query. With ``sector_codes``/``region_codes``: signals in those sectors/regions and the ones that are not
    bound to a sector/region. Nothing for readers who may not see signals (anonymous visitors)."""
    if user is None or not can(user, "signal.view"):
        return []
    rc = _recognition_counts()
    recognitions = sa.func.coalesce(rc.c.n, 0)
    query = (sa.select(Signal, recognitions).outerjoin(rc, rc.c.signal_id == Signal.id)
             .where(Signal.merged_into_id.is_(None), Signal.status != SignalStatus.SOLVED)
             .options(joinedload(Signal.sector), joinedload(Signal.region))
             .order_by(recognitions.desc(), Signal.created_at.desc(), Signal.id.desc()).limit(max(0, int(limit))))
    sector_codes, region_codes = list(sector_codes or []), list(region_codes or [])
    if sector_codes:
        query = query.where(sa.or_(Signal.sector_code.in_(sector_codes), Signal.sector_code.is_(None)))
    if region_codes:
        query = query.where(sa.or_(Signal.region_code.in_(region_codes), Signal.region_code.is_(None)))
    return [TopSignal(signal, int(n)) for signal, n in db.session.execute(query).all()]


# --- the summary per sector and category -----------------------------------------------------------------

@dataclass(frozen=True)
class SummaryFilters:
    status: str = ""
    year: int | None = None

    def url_args(self) -> dict[str, str]:
        return {k: v for k, v in {"status": self.status, "jaar": str(self.year or "")}.items() if v}


def first_year() -> int:
    """The first year a signal was reported (this year when there are none), for the year filter."""
    first = db.session.scalar(sa.select(sa.func.min(Signal.created_at)))
    return first.astimezone(LOCAL).year if first else local_today().year


def summary_years(first: int) -> list[int]:
    return list(range(local_today().year, max(FIRST_YEAR, min(first, local_today().year)) - 1, -1))


def parse_summary_filters(args: Mapping[str, str], years: Iterable[int]) -> tuple[SummaryFilters, list[str]]:
    """Status and year from URL parameters; unknown values are ignored with a notice."""
    notices = []
    status = (args.get("status") or "").strip()[:40]
    if status and status not in set(SignalStatus):
        notices.append(_("De gekozen status bestaat niet; er is niet op status gefilterd."))
        status = ""
    raw_year = (args.get("jaar") or "").strip()[:10]
    year = None
    if raw_year:
        if raw_year.isdigit() and int(raw_year) in set(years):
            year = int(raw_year)
        else:
            notices.append(_("Het gekozen jaar staat niet in de lijst; er is niet op jaar gefilterd."))
    return SummaryFilters(status=status, year=year), notices


def _summary_where(query: sa.Select, filters: SummaryFilters) -> sa.Select:
    query = query.where(Signal.merged_into_id.is_(None))
    if filters.status:
        query = query.where(Signal.status == filters.status)
    if filters.year:
        # A year begins in the Netherlands, not in UTC.
        start = datetime.combine(date(filters.year, 1, 1), time(), LOCAL)
        end = datetime.combine(date(filters.year + 1, 1, 1), time(), LOCAL)
        query = query.where(Signal.created_at >= start, Signal.created_at < end)
    return query


@dataclass
class SummaryRow:
    """One sector (or "all sectors" for signals without one, or the total): signals per category."""

    label: str
    sector_code: str | None = None
    per_category: dict[str, int] = field(default_factory=dict)
    signals: int = 0
    recognitions: int = 0

    def add(self, category: str, signals: int, recognitions: int) -> None:
        self.per_category[category] = self.per_category.get(category, 0) + signals
        self.signals += signals
        self.recognitions += recognitions


@dataclass
class Summary:
    categories: list[tuple[str, str]]
    rows: list[SummaryRow]
    total: SummaryRow
    #: (row label, [TopSignal]) for the sectors that have signals, in table order.
    top: list[tuple[str, list[TopSignal]]]


def summary(filters: SummaryFilters, sectors: list[Sector]) -> Summary:
    """Signals per sector and category with their recognitions, and the most-recognised signals per sector:
    two queries. ``sectors``: every sector, in display order (each is a row, also without signals)."""
    categories = [(c.value, str(CATEGORY_LABELS[c])) for c in Category]
    rows = [SummaryRow(label=s.label, sector_code=s.code) for s in sectors]
    rows.append(SummaryRow(label=_("Alle sectoren (geen sector gekozen)"), sector_code=None))
    by_sector = {row.sector_code: row for row in rows}
    total = SummaryRow(label=_("Totaal"))
    rc = _recognition_counts()
    recognitions = sa.func.coalesce(rc.c.n, 0)
    counted = db.session.execute(_summary_where(
        sa.select(Signal.sector_code, Signal.category, sa.func.count(Signal.id), sa.func.sum(recognitions))
        .outerjoin(rc, rc.c.signal_id == Signal.id), filters)
        .group_by(Signal.sector_code, Signal.category)).all()
    known = {code for code, _label in categories}
    for sector_code, category, n, recognised in counted:
        category = category if category in known else Category.OTHER.value
        row = by_sector.get(sector_code) or by_sector[None]
        row.add(category, int(n), int(recognised or 0))
        total.add(category, int(n), int(recognised or 0))

    ranked = _summary_where(
        sa.select(Signal.id.label("id"), recognitions.label("recognitions"),
                  sa.func.row_number().over(partition_by=Signal.sector_code,
                                            order_by=(recognitions.desc(), Signal.created_at.desc(),
                                                      Signal.id.desc())).label("rank"))
        .outerjoin(rc, rc.c.signal_id == Signal.id), filters).subquery("ranked")
    best = db.session.execute(
        sa.select(Signal, ranked.c.recognitions).join(ranked, ranked.c.id == Signal.id)
        .where(ranked.c.rank <= TOP_PER_SECTOR)
        .order_by(ranked.c.recognitions.desc(), Signal.created_at.desc(), Signal.id.desc())
    ).all()
    top_by_sector: dict[str | None, list[TopSignal]] = {}
    for signal, n in best:
        key = signal.sector_code if signal.sector_code in by_sector else None
        top_by_sector.setdefault(key, []).append(TopSignal(signal, int(n)))
    top = [(row.label, top_by_sector[row.sector_code]) for row in rows if row.sector_code in top_by_sector]
    return Summary(categories=categories, rows=rows, total=total, top=top)


def summary_table(result: Summary) -> tuple[list[str], list[list]]:
    """The summary table as header and rows of plain values (the CSV download, and the page's numbers)."""
    header = [_("Sector"), *[label for _code, label in result.categories], _("Signalen"), _("Herkenningen")]
    rows = [[row.label, *[row.per_category.get(code, 0) for code, _label in result.categories], row.signals,
             row.recognitions] for row in [*result.rows, result.total]]
    return header, rows


# --- the list as a spreadsheet ---------------------------------------------------------------------------

def signals_table(filters: ListFilters = ListFilters()) -> tuple[list[str], list[list]]:
    """One row per unmerged signal, without names of people: what sector funds take to the ministries."""
    header = [_("Nummer"), _("Titel"), _("Categorie"), _("Sector"), _("Arbeidsmarktregio"), _("Status"),
              _("Herkenningen"), _("Organisaties"), _("Gemeld op"), _("Reactie")]
    rows = []
    for signal, recognitions, organisations in db.session.execute(list_query(filters)).all():
        rows.append([signal.id, signal.title, signal.category_label,
                     signal.sector.label if signal.sector else _("Alle sectoren"),
                     signal.region.name if signal.region else _("Landelijk"),
                     str(SIGNAL_STATUS_LABELS.get(signal.status, signal.status)), int(recognitions),
                     int(organisations), signal.created_at.astimezone(LOCAL).date().isoformat(),
                     plain_text(signal.response)])
    return header, rows
