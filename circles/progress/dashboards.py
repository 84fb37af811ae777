"""What each dashboard shows: its figures as a series of years, the table rows and the CSV of the same rows.

One function builds the rows of a table, and both the page and the CSV download use it, so the download
always carries the numbers on the screen.
"""

from dataclasses import dataclass, field

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from circles.core.timefmt import local_today
from circles.progress.figures import Figure, OrganisationRow
from circles.progress.models import FIRST_YEAR

YEAR_COLUMNS = (_l("Jaar"), _l("Taakstelling"), _l("Gerealiseerd"), _l("Percentage van de taakstelling"),
                _l("Banen via overgenomen werkpakketten"), _l("Organisaties geteld"), _l("Toelichting"))


def number(value, *, grouping: bool = True) -> str:
    """A number of jobs as people read it: "1.234,5" in Dutch, "1,234.5" in English; empty for none."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.#" if grouping else "0.#")


def percentage(figure: Figure) -> str:
    return "" if figure.percentage is None else f"{figure.percentage}%"


def remarks(figure: Figure) -> str:
    """Why a total is what it is: hidden figures in or out, quarter counts among whole years."""
    parts = []
    if figure.hidden_counted:
        parts.append(ngettext("%(num)d organisatie met verborgen cijfers telt mee",
                              "%(num)d organisaties met verborgen cijfers tellen mee", figure.hidden_counted))
    if figure.hidden_left_out:
        parts.append(ngettext("%(num)d organisatie met verborgen cijfers telt hier niet mee",
                              "%(num)d organisaties met verborgen cijfers tellen hier niet mee",
                              figure.hidden_left_out))
    if figure.provisional:
        parts.append(ngettext("%(num)d organisatie gaf een kwartaalstand",
                              "%(num)d organisaties gaven een kwartaalstand",
                              figure.provisional))
    return "; ".join(parts)


def year_row(figure: Figure, *, grouping: bool = True) -> list:
    return [figure.year, number(figure.target, grouping=grouping), number(figure.realised, grouping=grouping),
            percentage(figure), figure.adopted_jobs or "", figure.organisations or "", remarks(figure)]


def year_rows(series: list[Figure], *, grouping: bool = True) -> list[list]:
    return [year_row(f, grouping=grouping) for f in series]


def chart_description(series: list[Figure], what: str) -> str:
    """The chart in one or two sentences, for people who cannot see it (the table has every number)."""
    if not series:
        return _("Nog geen cijfers.")
    text = _("Taakstelling en gerealiseerde banen van %(what)s per jaar, %(first)s tot en met %(last)s.",
             what=what, first=series[0].year, last=series[-1].year)
    latest = next((f for f in reversed(series) if f.realised is not None), None)
    if latest is not None:
        if latest.target:
            text += " " + _("In %(year)s: %(realised)s van de %(target)s banen gerealiseerd (%(pct)s).",
                            year=latest.year, realised=number(latest.realised), target=number(latest.target),
                            pct=percentage(latest))
        else:
            text += " " + _("In %(year)s: %(realised)s banen gerealiseerd.", year=latest.year,
                            realised=number(latest.realised))
    return text


MEMBER_COLUMNS = (_l("Organisatie"), _l("Sector"), _l("Taakstelling"), _l("Gerealiseerd"),
                  _l("Percentage van de taakstelling"), _l("Stand"))


def member_row(row: OrganisationRow, *, grouping: bool = True) -> list:
    if row.hidden:
        return [row.organisation.name, row.organisation.sector.label, "", "", "", _("cijfers verborgen")]
    if row.figure is None:
        return [row.organisation.name, row.organisation.sector.label, "", "", "", _("nog geen cijfers")]
    stand = _("t/m kwartaal %(q)s", q=row.quarter) if row.quarter else _("heel jaar")
    return [row.organisation.name, row.organisation.sector.label, number(row.figure.target, grouping=grouping),
            number(row.figure.realised, grouping=grouping), percentage(row.figure), stand]


@dataclass
class YearChoice:
    """The year a page shows, and a notice when the one asked for could not be used."""

    year: int
    notice: str = ""
    options: list[int] = field(default_factory=list)


def choose_year(asked: str | None, default: int | None) -> YearChoice:
    """``?jaar=`` as typed in a URL: a year the platform can have figures for, else the default with a notice."""
    last = local_today().year + 1
    fallback = default or local_today().year
    options = list(range(last, FIRST_YEAR - 1, -1))
    if asked in (None, ""):
        return YearChoice(fallback, "", options)
    if not (asked.isascii() and asked.isdigit() and len(asked) == 4) or not FIRST_YEAR <= int(asked) <= last:
        return YearChoice(fallback, _("Voor dat jaar zijn er geen cijfers; u ziet %(year)s.", year=fallback), options)
    return YearChoice(int(asked), "", options)
