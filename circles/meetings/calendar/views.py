"""Calendar files and feeds: one meeting as .ics, a personal feed and circle feeds that calendar apps
subscribe to (they cannot log in, so a secret token in the URL stands in for the session), and the
account page that explains subscribing and makes that token."""

from contextlib import nullcontext

from flask import Response, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from circles.core import slots
from circles.core.db import db
from circles.core.loading import load_or_404
from circles.core.permissions import can
from circles.core.setup import EmptyForm
from circles.groups.models import Circle, Visibility
from circles.meetings import bp
from circles.meetings.calendar import services as calendar
from circles.meetings.loading import load_meeting

#: Calendar apps poll; a quarter of an hour is fresh enough and spares the server.
FEED_CACHE = "max-age=900"


def _ics_response(body: bytes, filename: str | None = None, *, cache: str = "private, no-cache") -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = cache
    return response


@bp.route("/bijeenkomsten/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    """One meeting as a calendar file, for whoever may see the meeting."""
    meeting = load_meeting(meeting_id)
    return _ics_response(calendar.meeting_ics(meeting), f"bijeenkomst-{meeting.id}.ics")


@bp.route("/agenda/<token>.ics")
def personal_feed(token: str):
    """The token owner's meetings (no session needed); an unknown or replaced token is a plain 404."""
    owner = calendar.user_for_token(token)
    if owner is None:
        abort(404)
    meetings = calendar.personal_feed_meetings(owner)
    with force_locale(owner.locale):
        body = calendar.feed_ics(meetings, _("Leercirkels: mijn bijeenkomsten"))
    return _ics_response(body, cache=f"private, {FEED_CACHE}")


@bp.route("/leercirkels/<slug>/agenda.ics")
def circle_feed(slug: str):
    """A circle's meetings: open to anyone for a public circle, else only with the personal token of
    someone who may see the circle. Anything else is a 404, so the URL tells nothing."""
    circle = load_or_404(Circle, where=[Circle.slug == slug])  # the token, not the session, decides below
    owner = calendar.user_for_token(request.args.get("token"))
    if circle.visibility != Visibility.PUBLIC and (owner is None or not can(owner, "circle.view", circle)):
        abort(404)
    meetings = calendar.circle_feed_meetings(circle)
    with force_locale(owner.locale) if owner else nullcontext():
        body = calendar.feed_ics(meetings, _("Leercirkel %(name)s", name=circle.name))
    shared = circle.visibility == Visibility.PUBLIC and owner is None  # the same for everyone: cacheable
    return _ics_response(body, cache=f"{'public' if shared else 'private'}, {FEED_CACHE}")


def _my_calendar_page(token: str | None = None, status: int = 200):
    circles = calendar.feed_circles(current_user) if token else []
    response = Response(render_template(
        "meetings/calendar/my_calendar.html", token_row=calendar.token_for(current_user),
        feed_url=url_for("meetings.personal_feed", token=token, _external=True) if token else None,
        circle_feeds=[(c, url_for("meetings.circle_feed", slug=c.slug, token=token, _external=True))
                      for c in circles],
    ), status=status)
    # The page with a fresh secret must not be kept by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/agenda")
@login_required
def my_calendar():
    """How to subscribe to one's meetings in a calendar app."""
    return _my_calendar_page()


@bp.route("/account/agenda/nieuw", methods=["POST"])
@login_required
def new_calendar_token():
    """Make a new feed link and show it once (rendered, not redirected: only its hash is stored, and
    the secret should not travel in a URL or the session). The previous link stops working."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    token = calendar.new_token(current_user)
    db.session.commit()
    return _my_calendar_page(token)


# --- Slots ---------------------------------------------------------------------------------------

def _meeting_slot(meeting=None, **_context) -> Markup:
    return Markup(render_template("meetings/calendar/slots/meeting_page.html", meeting=meeting))


def _circle_slot(circle=None, **_context) -> Markup:
    return Markup(render_template("meetings/calendar/slots/circle_page.html", circle=circle,
                                  public=circle.visibility == Visibility.PUBLIC))


slots.register("meeting_page", _meeting_slot)
slots.register("circle_page", _circle_slot)
