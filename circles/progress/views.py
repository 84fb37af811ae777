"""Dashboards (national, sector, region, circle, organisation), their CSV downloads, recording figures,
and the blocks on the home, circle and organisation pages."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from circles.accounts.models import Organisation
from circles.core import slots
from circles.core.csvfile import csv_response
from circles.core.db import db
from circles.core.loading import load_or_404
from circles.core.pagecache import for_everyone
from circles.core.permissions import can, require
from circles.core.timefmt import local_today
from circles.core.views import form_page
from circles.groups.loading import load_circle
from circles.groups.models import Circle
from circles.progress import bp, figures, records
from circles.progress.charts import bar_chart
from circles.progress.dashboards import (
    MEMBER_COLUMNS,
    YEAR_COLUMNS,
    chart_description,
    choose_year,
    member_row,
    number,
    year_rows,
)
from circles.progress.forms import RecordForm, SettingsForm
from circles.progress.permissions import settings_of
from circles.progress.signals.services import top_signals
from circles.reference.models import Region, Sector
from circles.reference.services import regions_by_name, sectors_in_order


@bp.app_template_filter("banen")
def banen_filter(value) -> str:
    return number(value)


def _chart(series, chart_id: str, what: str) -> Markup:
    return bar_chart(series, chart_id=chart_id, title=_("Banen per jaar: %(what)s", what=what),
                     description=chart_description(series, what))


def _csv(name: str, columns, rows):
    return csv_response(f"voortgang-{name}.csv", [str(c) for c in columns], rows)


# --- national --------------------------------------------------------------------------------------

def _overview(asked_year):
    by_sector = figures.by_sector()
    national = figures.series(figures.national(by_sector))
    choice = choose_year(asked_year, figures.latest_year(national, up_to=local_today().year))
    sector_rows = [(s, by_sector.get(s.code, {}).get(choice.year) or figures.Figure(choice.year))
                   for s in sectors_in_order()]
    by_region = figures.by_region(choice.year)
    region_rows = [(r, by_region.get(r.code, {}).get(choice.year) or figures.Figure(choice.year))
                   for r in regions_by_name()]
    return national, choice, sector_rows, region_rows


def _group_rows(pairs, *, grouping: bool = True):
    return [[group.label if isinstance(group, Sector) else group.name, *year_rows([f], grouping=grouping)[0][1:]]
            for group, f in pairs]


@bp.route("/voortgang")
@for_everyone
def index():
    """The national picture over the years, and every sector and region in one year."""
    national, choice, sector_rows, region_rows = _overview(request.args.get("jaar"))
    return render_template(
        "progress/index.html", national=national, chart=_chart(national, "chart-national", _("alle sectoren")),
        national_rows=year_rows(national), choice=choice, sectors=_group_rows(sector_rows),
        regions=_group_rows(region_rows), columns=YEAR_COLUMNS,
        sector_links=[url_for("progress.sector", code=s.code) for s, _f in sector_rows],
        region_links=[url_for("progress.region", code=r.code) for r, _f in region_rows])


@bp.route("/voortgang/<any(landelijk, sectoren, regios):table>.csv")
def index_csv(table: str):
    national, choice, sector_rows, region_rows = _overview(request.args.get("jaar"))
    if table == "landelijk":
        return _csv("landelijk", YEAR_COLUMNS, year_rows(national, grouping=False))
    rows = sector_rows if table == "sectoren" else region_rows
    first = _("Sector") if table == "sectoren" else _("Arbeidsmarktregio")
    return _csv(f"{table}-{choice.year}", (first, *YEAR_COLUMNS[1:]), _group_rows(rows, grouping=False))


# --- sector and region -----------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupKind:
    """A kind of group page (a sector, a region): how to load the group (404 when unknown), its name, its
    figures, the part of its address and the start of its CSV's name."""

    model: type
    name_of: Callable
    figures_of: Callable
    path: str
    csv_prefix: str


#: The kinds, by endpoint name: ``progress.sector`` and ``progress.sector_csv``, the same for regions.
GROUPS = {
    "sector": GroupKind(Sector, lambda g: g.label, figures.sector, "sectoren", "sector"),
    "region": GroupKind(Region, lambda g: g.name, figures.region, "regios", "regio"),
}


def _group_page(kind: str, code: str):
    """A sector's or region's figures over the years (a region's: visible ones only, see figures.py)."""
    group_kind = GROUPS[kind]
    group = load_or_404(group_kind.model, code)
    name = group_kind.name_of(group)
    series = figures.series(group_kind.figures_of(code))
    return render_template("progress/group.html", kind=kind, group=group, name=name, series=series,
                           chart=_chart(series, f"chart-{kind}", name), columns=YEAR_COLUMNS,
                           rows=year_rows(series), csv_url=url_for(f"progress.{kind}_csv", code=code))


def _group_csv(kind: str, code: str):
    """The same figures as a spreadsheet."""
    group_kind = GROUPS[kind]
    load_or_404(group_kind.model, code)
    return _csv(f"{group_kind.csv_prefix}-{code}", YEAR_COLUMNS,
                year_rows(figures.series(group_kind.figures_of(code)), grouping=False))


def _add_group_routes(kind: str, path: str) -> None:
    """``progress.<kind>`` (the page) and ``progress.<kind>_csv`` under ``/voortgang/<path>/``."""

    def page(code: str):
        return _group_page(kind, code)

    def csv(code: str):
        return _group_csv(kind, code)

    for view, name in ((page, kind), (csv, f"{kind}_csv")):
        view.__name__ = view.__qualname__ = name
    bp.add_url_rule(f"/voortgang/{path}/<code>", kind, for_everyone(page))
    bp.add_url_rule(f"/voortgang/{path}/<code>.csv", f"{kind}_csv", csv)


for _kind, _group in GROUPS.items():
    _add_group_routes(_kind, _group.path)


# --- circle ----------------------------------------------------------------------------------------

def _circle_figures(circle: Circle, asked_year):
    series = figures.series(figures.circle(circle.id))
    choice = choose_year(asked_year, figures.latest_year(series, up_to=local_today().year))
    return series, choice, figures.circle_members(circle.id, choice.year)


@bp.route("/voortgang/leercirkels/<slug>")
@for_everyone
def circle(slug: str):
    """The circle's member organisations together over the years, and each of them in one year."""
    group = load_circle(slug)
    series, choice, members = _circle_figures(group, request.args.get("jaar"))
    return render_template("progress/circle.html", circle=group, series=series, choice=choice,
                           chart=_chart(series, "chart-circle", group.name), columns=YEAR_COLUMNS,
                           rows=year_rows(series), member_columns=MEMBER_COLUMNS,
                           member_rows=[member_row(m) for m in members],
                           member_links=[url_for("progress.organisation", slug=m.organisation.slug) for m in members])


@bp.route("/voortgang/leercirkels/<slug>/<any(jaren, organisaties):table>.csv")
def circle_csv(slug: str, table: str):
    group = load_circle(slug)
    series, choice, members = _circle_figures(group, request.args.get("jaar"))
    if table == "jaren":
        return _csv(f"{group.slug}", YEAR_COLUMNS, year_rows(series, grouping=False))
    return _csv(f"{group.slug}-organisaties-{choice.year}", MEMBER_COLUMNS,
                [member_row(m, grouping=False) for m in members])


# --- one organisation ------------------------------------------------------------------------------

def _organisation(slug: str) -> Organisation:
    return load_or_404(Organisation, where=[Organisation.slug == slug])


@bp.route("/voortgang/organisaties/<slug>")
def organisation(slug: str):
    """An organisation's figures per year and every record behind them (when it shows them)."""
    org = _organisation(slug)
    visible = can(current_user, "progress.see_figures", org)
    series, quarters, history, replaced = [], {}, [], set()
    if visible:
        by_year, quarters = figures.organisation(org.id)
        series = figures.series(by_year)
        history = records.history(org)
        replaced = records.superseded_ids(history)
    return render_template("progress/organisation.html", org=org, visible=visible, series=series,
                           quarters=quarters, chart=_chart(series, "chart-organisation", org.name) if series else "",
                           columns=YEAR_COLUMNS, rows=year_rows(series), history=history, replaced=replaced,
                           settings=settings_of(org), own=current_user.is_authenticated
                           and current_user.organisation_id == org.id)


@bp.route("/voortgang/organisaties/<slug>.csv")
def organisation_csv(slug: str):
    org = _organisation(slug)
    require("progress.see_figures", org, hide=True)
    by_year, _quarters = figures.organisation(org.id)
    return _csv(f"organisatie-{org.slug}", YEAR_COLUMNS, year_rows(figures.series(by_year), grouping=False))


@bp.route("/voortgang/mijn-organisatie")
@login_required
def mine():
    """The short way to one's own organisation's figures (the menu and the home page link here)."""
    if current_user.organisation is None:
        flash(_("Uw account hoort niet bij een organisatie. Vul die eerst in bij uw profiel."), "warning")
        return redirect(url_for("progress.index"))
    return redirect(url_for("progress.organisation", slug=current_user.organisation.slug))


@bp.route("/voortgang/organisaties/<slug>/invoeren", methods=["GET", "POST"])
@login_required
def record(slug: str):
    """Record a target and realised jobs; a correction is simply a newer record for the same period."""
    org = _organisation(slug)
    require("progress.record", org)
    form = RecordForm()
    if not form.is_submitted():
        form.year.data = local_today().year - 1 if local_today().month <= 3 else local_today().year
    if form.validate_on_submit():
        try:
            entry = records.record(org, current_user, year=form.year.data, quarter=form.quarter_number,
                                   target=_decimal(form.target.data), realised=_decimal(form.realised.data),
                                   source=form.source.data, note=form.note.data or "")
        except records.ProgressError as err:
            db.session.rollback()
            getattr(form, err.field).errors.append(err.message)
        else:
            db.session.commit()
            flash(_("De cijfers voor %(year)s zijn opgeslagen.", year=entry.year), "success")
            return redirect(url_for("progress.organisation", slug=org.slug))
    return form_page("progress/record.html", form, org=org)


def _decimal(value):
    return None if value is None else Decimal(str(value))


@bp.route("/voortgang/organisaties/<slug>/instellingen", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    """Whether the organisation hides its own figures, and who records them."""
    org = _organisation(slug)
    require("progress.settings", org)
    current = settings_of(org)
    form = SettingsForm(hidden=current.hidden, recorders=current.recorders)
    if form.validate_on_submit():
        changed = records.change_settings(org, current_user, records.SettingsChange(form.hidden.data,
                                                                                    form.recorders.data))
        db.session.commit()
        if changed:
            flash(_("De instellingen zijn opgeslagen."), "success")
        return redirect(url_for("progress.organisation", slug=org.slug))
    return form_page("progress/settings.html", form, org=org)


# --- blocks on other pages --------------------------------------------------------------------------

def _latest(series):
    year = figures.latest_year(series, up_to=local_today().year)
    return next((f for f in series if f.year == year), None)


def home_slot() -> Markup:
    """The national figure of the latest year, the reader's own sector's, and the most recognised signals."""
    by_sector = figures.by_sector()
    national = _latest(figures.series(figures.national(by_sector)))
    own_sector = own = None
    if current_user.is_authenticated and current_user.organisation is not None:
        own_sector = current_user.organisation.sector
        own = _latest(figures.series(by_sector.get(own_sector.code, {})))
    return Markup(render_template("progress/slots/home.html", national=national, own_sector=own_sector, own=own,
                                  top_signals=top_signals(current_user)))


def circle_slot(circle: Circle) -> Markup:
    latest = _latest(figures.series(figures.circle(circle.id)))
    signals = top_signals(current_user, sector_codes=[s.code for s in circle.sectors],
                          region_codes=[r.code for r in circle.regions])
    return Markup(render_template("progress/slots/circle_page.html", circle=circle, latest=latest, top_signals=signals))


def sector_slot(sector: Sector) -> Markup:
    latest = _latest(figures.series(figures.sector(sector.code)))
    return Markup(render_template("progress/slots/sector_page.html", sector=sector, latest=latest))


def organisation_slot(org: Organisation) -> Markup:
    return Markup(render_template("progress/slots/organisation_page.html", org=org))


slots.register("home", home_slot, order=15)
slots.register("circle_page", circle_slot, order=30)
slots.register("organisation_page", organisation_slot, order=30)
slots.register("sector_page", sector_slot, order=30)


# The routes of the sub-features, registered with this module.
from circles.progress.signals import views as signal_views  # noqa: E402,F401
