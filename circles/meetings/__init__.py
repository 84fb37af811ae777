"""Meetings and minutes: circle and regional meetings, RSVPs with a waiting list, calendar feeds,
reminders, minutes with revisions, decisions and action items."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from circles.core import notifications

bp = Blueprint("meetings", __name__)

notifications.register("meeting_changes", _l("Wijzigingen en afzeggingen van bijeenkomsten waarvoor ik me aanmeldde"))
notifications.register("reminders", _l("Herinneringen aan bijeenkomsten"))
notifications.register("action_items", _l("Actiepunten die aan mij worden toegewezen"))

# Registers routes, rules and slots. Slots of the same order render in import order: calendar before
# minutes on the meeting and circle pages.
from circles.meetings import activity_sources, permissions, views  # noqa: E402,F401
from circles.meetings.calendar import views as calendar_views  # noqa: E402,F401
from circles.meetings.minutes import views as minutes_views  # noqa: E402,F401
from circles.meetings.rsvp import views as rsvp_views  # noqa: E402,F401
