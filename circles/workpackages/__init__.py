"""Work packages (werkpakketten), good-practice cases (voorbeelden) and the instrument guide: a library
employers search, copy into their own organisation, and report the jobs it produced."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from circles.core import notifications

bp = Blueprint("workpackages", __name__)

notifications.register("reviews", _l("Werkpakketten en voorbeelden die op mijn beoordeling wachten"))

from circles.workpackages import (  # noqa: E402,F401  (registers routes, rules and slots)
    activity_sources,
    api_views,
    attachment_views,
    guide_views,
    permissions,
    views,
)

# demo.py (rewritten elsewhere) still says ``from circles.workpackages import case_services``: until it
# imports ``circles.workpackages.cases.services`` itself, the old name points there.
from circles.workpackages.cases import services as case_services  # noqa: E402,F401
from circles.workpackages.cases import views as case_views  # noqa: E402,F401
from circles.workpackages.workflow import views as workflow_views  # noqa: E402,F401  (every kind's pages)
