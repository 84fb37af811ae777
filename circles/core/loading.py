"""Loading the record a view is about: one place for the 404 rule of every feature.

A view loads before it authorises (``style.md``: load, check, act). Whether the reader may know the
record exists is part of loading: a record they may not see answers 404, exactly as a record that does
not exist, so nobody can probe for private circles or packages by their numbers. A record only for
logged-in members sends an anonymous reader to the log-in page instead, so a link in a mail still works
after signing in.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from circles.core.db import db
from circles.core.permissions import require
from circles.extensions import login_manager

T = TypeVar("T")


def load_or_404(model: type[T], ident: Any = None, *, where: Sequence = (), options: Sequence = (),
                action: str | None = None, members_only: Callable[[T], bool] | None = None,
                parent: tuple[str, Any] | None = None) -> T:
    """The record with primary key ``ident`` (or the one row matching ``where``), or 404.

    ``action``: the permission the reader needs to know it exists (checked with ``hide=True``).
    ``members_only(record)``: true when the record is for logged-in members only; an anonymous reader is
    sent to log in. ``parent``: ``("circle_id", circle.id)`` when the address names the parent too, so a
    record of another parent is not found under this one.
    """
    if ident is not None:
        record = db.session.get(model, ident, options=list(options))
    else:
        query = sa.select(model).where(*where).options(*options)
        record = db.session.execute(query).unique().scalar_one_or_none()
    if record is None:
        abort(404)
    if parent is not None and getattr(record, parent[0]) != parent[1]:
        abort(404)
    if members_only is not None and not current_user.is_authenticated and members_only(record):
        abort(login_manager.unauthorized())
    if action is not None:
        require(action, record, hide=True)
    return record
