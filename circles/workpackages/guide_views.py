"""The instrument guide (instrumentenwijzer): each subsidy, insurance or kind of support employers use
when they create a job, who provides it, and the packages and cases that used it.

Every count and list shows only what the reader may read, in a fixed number of queries.
"""

import sqlalchemy as sa
from flask import abort, render_template
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import selectinload

from circles.core.db import db
from circles.workpackages import bp
from circles.workpackages.instruments import INSTRUMENTS, INSTRUMENTS_BY_CODE, PROVIDER_LABELS
from circles.workpackages.models import Case, WorkPackage, case_instruments, package_instruments
from circles.workpackages.permissions import visible_clause

#: The most packages (and cases) one instrument page lists.
LIST_SIZE = 50


def _usage_counts(model, link: sa.Table, key) -> dict[str, int]:
    """Per instrument code: how many published items (``model``, linked through ``link``) the reader may read."""
    rows = db.session.execute(
        sa.select(link.c.instrument, sa.func.count())
        .join(model, model.id == key)
        .where(visible_clause(model, current_user))
        .group_by(link.c.instrument))
    return dict(rows.all())


def _users_of(model, link: sa.Table, key, code: str) -> tuple[list, int]:
    """The newest published items the reader may read that used instrument ``code``, and how many there are."""
    using = sa.and_(visible_clause(model, current_user),
                    model.id.in_(sa.select(key).where(link.c.instrument == code)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(using))
    items = db.session.scalars(
        sa.select(model).where(using).options(selectinload(model.organisation))
        .order_by(model.published_at.desc(), model.id.desc()).limit(LIST_SIZE)).all() if total else []
    return items, total


@bp.route("/instrumenten")
def instruments():
    """Every instrument, with how many packages and cases the reader may read used it."""
    packages = _usage_counts(WorkPackage, package_instruments, package_instruments.c.package_id)
    cases = _usage_counts(Case, case_instruments, case_instruments.c.case_id)
    return render_template("workpackages/instruments.html", instruments=INSTRUMENTS, provider_labels=PROVIDER_LABELS,
                           package_counts=packages, case_counts=cases)


@bp.route("/instrumenten/<code>")
def instrument(code: str):
    """One instrument: what it is, who provides it, and the packages and cases that used it."""
    item = INSTRUMENTS_BY_CODE.get(code)
    if item is None:
        abort(404)
    packages, package_total = _users_of(WorkPackage, package_instruments, package_instruments.c.package_id, code)
    cases, case_total = _users_of(Case, case_instruments, case_instruments.c.case_id, code)
    return render_template("workpackages/instrument.html", instrument=item,
                           provider=PROVIDER_LABELS.get(item.provider, item.provider),
                           packages=packages, package_total=package_total, cases=cases, case_total=case_total,
                           page_language=get_locale().language, list_size=LIST_SIZE)
