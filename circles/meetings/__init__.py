"""Meetings and minutes: circle and regional meetings, RSVPs with a waiting list, calendar feeds,
reminders, minutes with revisions, decisions and action items."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from circles.core import notifications

bp = Blueprint("meetings", __name__)

notifications.register("meeting_changes", _l("Wijzigingen en afzeggingen van bijeenkomsten waarvoor ik me aanmeldde"))
notifications.register("reminders", _l("Herinneringen aan bijeenkomsten"))
notifications.register("action_items", _l("Actiepunten die aan mij worden toegewezen"))

from circles.meetings import activity_sources, permissions  # noqa: E402,F401  (registers its source and rules)
