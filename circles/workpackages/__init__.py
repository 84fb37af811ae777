"""Work packages (werkpakketten), good-practice cases (voorbeelden) and the instrument guide: a library
employers search, copy into their own organisation, and report the jobs it produced."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from circles.core import notifications

bp = Blueprint("workpackages", __name__)

notifications.register("reviews", _l("Werkpakketten en voorbeelden die op mijn beoordeling wachten"))

from circles.workpackages import activity_sources, permissions  # noqa: E402,F401  (registers its source and rules)
