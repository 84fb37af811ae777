"""Paging for selects of several columns (``db.paginate`` keeps only the first column)."""

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import request

from circles.core.db import db


@dataclass
class RowPage:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def count_rows(query: sa.Select) -> int:
    """How many rows ``query`` gives."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))


def requested_page(total: int, per_page: int) -> int:
    """The page asked for in ``?page=``; a bad or out-of-range number gives the nearest page."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), max(1, math.ceil(total / per_page)))


def paginate_rows(query: sa.Select, per_page: int = 50, *, total: int | None = None) -> RowPage:
    """The page asked for in ``?page=`` (a bad or out-of-range number gives the nearest page). ``total``: the
    number of rows when the caller already knows it (from a cache), which saves counting them again."""
    if total is None:
        total = count_rows(query)
    page = requested_page(total, per_page)
    items = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return RowPage(items=items, page=page, per_page=per_page, total=total)


#: Far beyond any real page; keeps the offset within what a database accepts (a 30-digit ?page= is no 500).
MAX_PAGE = 1_000_000


def paginate_counted(query: sa.Select, per_page: int = 50) -> RowPage:
    """Like ``paginate_rows``, with the total counted by the page's own statement (``count(*) OVER ()``): one
    query for a page in range; past the end it falls back to counting and the nearest page. Items are the
    query's rows without the count."""
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    rows = db.session.execute(query.add_columns(sa.func.count().over())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    if not rows and page > 1:
        return paginate_rows(query, per_page)
    return RowPage(items=[tuple(row[:-1]) for row in rows], page=page, per_page=per_page,
                   total=rows[0][-1] if rows else 0)
