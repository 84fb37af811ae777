"""Learning circles (leercirkels): finding, joining, coordinating; sector pages; the member directory."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from circles.core import notifications

bp = Blueprint("groups", __name__)

notifications.register("join_requests", _l("Aanvragen om mee te doen in een leercirkel die ik coördineer"))
notifications.register("decisions", _l("Besluiten over mijn aanvragen om mee te doen"))
notifications.register("invitations", _l("Uitnodigingen voor een leercirkel"))

from circles.groups import permissions  # noqa: E402,F401  (registers the rules)
