"""Learning circles (leercirkels): finding, joining, coordinating; sector pages; the member directory."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from circles.core import notifications, slots

bp = Blueprint("groups", __name__)

notifications.register("join_requests", _l("Aanvragen om mee te doen in een leercirkel die ik coördineer"))
notifications.register("decisions", _l("Besluiten over mijn aanvragen om mee te doen"))
notifications.register("invitations", _l("Uitnodigingen voor een leercirkel"))

from circles.groups import permissions, views  # noqa: E402,F401


def _home_slot(**_context):
    """On the home page: a logged-in member's circles, and requests waiting for a coordinator."""
    from flask import render_template
    from flask_login import current_user

    from circles.groups import services

    if not current_user.is_authenticated:
        return ""
    return render_template("groups/slots/home.html", rows=services.my_circles(current_user))


slots.register("home", _home_slot, order=10)
