"""The instrument guide (instrumentenwijzer): each subsidy, insurance or kind of support employers use
when they create a job, who provides it, and the packages and cases that used it.

Every count and list shows only what the reader may read, in a fixed number of queries.
"""

from flask import abort, render_template
from flask_babel import get_locale
from flask_login import current_user

from circles.workpackages import bp, services
from circles.workpackages.instruments import INSTRUMENTS, INSTRUMENTS_BY_CODE, PROVIDER_LABELS
from circles.workpackages.models import Case, WorkPackage

#: The most packages (and cases) one instrument page lists.
LIST_SIZE = 50


@bp.route("/instrumenten")
def instruments():
    """Every instrument, with how many packages and cases the reader may read used it."""
    packages = services.instrument_usage(current_user, WorkPackage)
    cases = services.instrument_usage(current_user, Case)
    return render_template("workpackages/guide/instruments.html", instruments=INSTRUMENTS,
                           provider_labels=PROVIDER_LABELS,
                           package_counts=packages, case_counts=cases)


@bp.route("/instrumenten/<code>")
def instrument(code: str):
    """One instrument: what it is, who provides it, and the packages and cases that used it."""
    item = INSTRUMENTS_BY_CODE.get(code)
    if item is None:
        abort(404)
    packages, package_total = services.instrument_users(current_user, WorkPackage, code, LIST_SIZE)
    cases, case_total = services.instrument_users(current_user, Case, code, LIST_SIZE)
    return render_template("workpackages/guide/instrument.html", instrument=item,
                           provider=PROVIDER_LABELS.get(item.provider, item.provider),
                           packages=packages, package_total=package_total, cases=cases, case_total=case_total,
                           page_language=get_locale().language, list_size=LIST_SIZE)
