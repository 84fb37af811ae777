"""Facets for the package and case listings: filters that combine (OR within a facet, AND across
facets), are read from and written to the URL, and show how many results each value would give.

All counts of a listing come from one UNION ALL query, which finds the visible, matching rows once.
Each facet's counts apply every *other* facet's filter (so ticking a second sector still shows how many
the first had), the search words and the reader's visibility.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from circles.core.db import db


@dataclass
class Facet:
    """One filter dimension. ``condition(values)`` filters the listed model; ``counts(ids)`` returns a
    select of (value, count) over the ids of the rows that pass the other filters."""

    name: str
    label: object
    #: value -> label, in display order; values not in here are ignored when read from the URL.
    options: Callable[[], dict]
    condition: Callable[[list[str]], sa.ColumnElement]
    counts: Callable[[sa.Subquery], sa.Select]


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetState:
    facet: Facet
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        return [o for o in self.options if o.selected]


def read_selection(facets: list[Facet], args: MultiDict) -> dict[str, list[str]]:
    """The known values asked for in the URL, per facet; unknown values are dropped silently."""
    selection = {}
    for facet in facets:
        known = facet.options()
        values = [v for v in dict.fromkeys(args.getlist(facet.name)) if v in known]
        if values:
            selection[facet.name] = values
    return selection


def conditions(facets: list[Facet], selection: dict[str, list[str]], *, leave_out: str | None = None) -> list:
    return [f.condition(selection[f.name]) for f in facets if f.name in selection and f.name != leave_out]


def facet_states(facets: list[Facet], base: sa.Select, id_column, selection: dict[str, list[str]]) -> list[FacetState]:
    """Counts for every option of every facet, in one query. ``base`` selects the visible, matching rows
    (search and visibility applied, facet filters not); ``id_column`` is its primary key column."""
    # The visible, matching rows once (a CTE used by every facet: the databases compute it one time);
    # each facet then applies the other facets' filters, which are cheap, on top.
    matching = base.with_only_columns(id_column.label("id")).cte("matching")
    parts = []
    for facet in facets:
        ids = (sa.select(id_column.label("id")).where(id_column.in_(sa.select(matching.c.id)),
                                                       *conditions(facets, selection, leave_out=facet.name))
               .subquery())
        counts = facet.counts(ids).subquery()
        parts.append(sa.select(sa.literal(facet.name).label("facet"), sa.cast(counts.c[0], sa.String).label("value"),
                               counts.c[1].label("n")))
    found: dict[tuple[str, str], int] = {}
    if parts:
        for name, value, n in db.session.execute(sa.union_all(*parts)):
            found[(name, value)] = n
    states = []
    for facet in facets:
        chosen = selection.get(facet.name, [])
        options = [FacetOption(value=value, label=str(label), count=found.get((facet.name, value), 0),
                               selected=value in chosen)
                   for value, label in facet.options().items()]
        # Options nobody could pick are left out, unless they are ticked (so they can be unticked).
        states.append(FacetState(facet, [o for o in options if o.count or o.selected]))
    return states


def grouped(column) -> Callable[[sa.Subquery], sa.Select]:
    """Counts for a facet on a column of the listed table itself."""
    table = column.class_ if hasattr(column, "class_") else None

    def counts(ids: sa.Subquery) -> sa.Select:
        return (sa.select(column, sa.func.count()).select_from(table)
                .where(table.id.in_(sa.select(ids.c.id))).group_by(column))

    return counts


def through(link_table: sa.Table, owner_column: str, value_column: str) -> Callable[[sa.Subquery], sa.Select]:
    """Counts for a facet stored in a link table (sectors, instruments of a package)."""
    owner, value = link_table.c[owner_column], link_table.c[value_column]

    def counts(ids: sa.Subquery) -> sa.Select:
        return sa.select(value, sa.func.count(sa.distinct(owner))).where(owner.in_(sa.select(ids.c.id))).group_by(value)

    return counts


def in_link_table(model, link_table: sa.Table, owner_column: str, value_column: str):
    """Condition: the row has one of ``values`` in the link table."""

    def condition(values: list[str]):
        return sa.exists().where(link_table.c[owner_column] == model.id, link_table.c[value_column].in_(values))

    return condition
