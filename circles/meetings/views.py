"""Meeting pages: the list, one meeting, scheduling (circle and regional, once or as a series),
editing and cancelling; and the meetings parts of the circle page, circle cards and home page.
Each view: load (404), authorise (403), validate, call one service, commit, flash, redirect."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from circles.core import slots
from circles.core.db import db
from circles.core.pagecache import for_everyone
from circles.core.paging import requested_page
from circles.core.permissions import can, require
from circles.core.views import form_page
from circles.groups import services as circle_services
from circles.groups.loading import load_circle
from circles.groups.models import Circle
from circles.meetings import bp, services
from circles.meetings.forms import (
    CancelForm,
    CircleMeetingEditForm,
    CircleMeetingForm,
    RegionalMeetingEditForm,
    RegionalMeetingForm,
)
from circles.meetings.loading import load_meeting
from circles.meetings.models import MEETING_KIND_LABELS, Meeting
from circles.meetings.pages import meeting_page
from circles.reference.services import regions_by_name, sectors_in_order

PER_PAGE = 20


def _form_page(template: str, form, status: int | None = None, **context):
    return form_page(template, form, status, kind_labels=MEETING_KIND_LABELS, **context)


def _refused(err: services.MeetingError, form) -> None:
    """Undo, and put the service's message on the field it is about (or above the form)."""
    db.session.rollback()
    field = form[err.field] if err.field and err.field in form else None
    if field is not None:
        field.errors = [*field.errors, err.message]
    else:
        form.form_errors = [*form.form_errors, err.message]


def _warn_overlaps(meetings: list[Meeting]) -> None:
    """A warning, not a block: name the other meetings at the same time."""
    others = services.overlapping(meetings)
    if others:
        from circles.core.timefmt import datetime_filter

        names = "; ".join(f"{m.title} ({datetime_filter(m.starts_at)}–{datetime_filter(m.ends_at, 'HH:mm')})"
                          for m in others[:5])
        flash(_("Let op: deze bijeenkomst overlapt met %(names)s.", names=names), "warning")


# --- The list ------------------------------------------------------------------------------------

@bp.route("/bijeenkomsten")
@for_everyone
def index():
    """Meetings the reader may see: upcoming first, or past ones; filter by region, sector, circle, kind."""
    regions, sectors = regions_by_name(), sectors_in_order()
    choices = circle_services.circle_choices(current_user)
    filters = services.list_filters(current_user, request.args, regions=regions, sectors=sectors)
    query = services.listed_meetings(current_user, filters)
    total = services.count_listed(query, key=(current_user.get_id(), filters.past,
                                              tuple(sorted(filters.args.items()))))
    page = db.paginate(query, page=requested_page(total, PER_PAGE), per_page=PER_PAGE, count=False)
    page.total = total
    links = {**filters.chosen, "wanneer": "voorbij"} if filters.past else filters.chosen
    return render_template("meetings/index.html", page=page, past=filters.past, args=filters.args, filters=links,
                           base_filters=filters.chosen, notices=filters.notices, regions=regions, sectors=sectors,
                           circles=services.filter_circle_choices(choices, filters.circle),
                           kind_labels=MEETING_KIND_LABELS)


# --- One meeting ---------------------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>")
@for_everyone
def show(meeting_id: int):
    """Everything about one meeting, then what the other meetings modules add (RSVP, calendar, minutes)."""
    return meeting_page(load_meeting(meeting_id))


# --- Scheduling ----------------------------------------------------------------------------------

@bp.route("/leercirkels/<slug>/bijeenkomsten/nieuw", methods=["GET", "POST"])
@login_required
def create(slug: str):
    """A circle's coordinators schedule a meeting or webinar, once or as a series."""
    circle = load_circle(slug)
    require("meeting.create", circle)
    form = CircleMeetingForm()
    done = _schedule(form, circle=circle)
    return done or _form_page("meetings/form.html", form, circle=circle, regional=False)


@bp.route("/bijeenkomsten/nieuw-regionaal", methods=["GET", "POST"])
@login_required
def create_regional():
    """Platform coordinators organise a regional meeting (with the employer service point and UWV)
    for circles they invite."""
    require("meeting.create_regional")
    form = RegionalMeetingForm()
    _regional_choices(form)
    done = _schedule(form)
    return done or _form_page("meetings/form.html", form, circle=None, regional=True)


def _schedule(form, circle: Circle | None = None):
    """Create what a valid form asks (a meeting of ``circle``, or a regional one for the circles the form
    invites), commit, and go to the first meeting; None when the form or a rule refused."""
    if not form.validate_on_submit():
        return None
    organiser = {"circle": circle} if circle is not None else {"invited": services.circles_by_ids(form.invited.data)}
    try:
        meetings = services.create_meeting(current_user, when=form.when(), repeat=form.repeat_rule(),
                                           **organiser, **form.fields())
    except services.MeetingError as err:
        _refused(err, form)
        return None
    db.session.commit()
    if len(meetings) == 1:
        flash(_("De bijeenkomst %(title)s is gepland.", title=meetings[0].title), "success")
    else:
        flash(_("De reeks %(title)s is gepland: %(num)d bijeenkomsten.", title=meetings[0].title,
                num=len(meetings)), "success")
    _warn_overlaps(meetings)
    return redirect(url_for("meetings.show", meeting_id=meetings[0].id))


def _regional_choices(form) -> None:
    form.fill_choices(regions_by_name(), circle_services.list_circles(current_user))


# --- Editing and cancelling ----------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    """Coordinators change a meeting, or it and the rest of its series; attendees get an e-mail."""
    meeting = load_meeting(meeting_id, then="meeting.manage")
    if meeting.is_cancelled:
        flash(_("Deze bijeenkomst is afgezegd en kan niet meer worden gewijzigd."), "error")
        return meeting_page(meeting, 409)
    regional = meeting.circle_id is None
    form = _edit_form(meeting, regional)
    if form.validate_on_submit():
        done = _save_edit(meeting, form, regional)
        if done is not None:
            return done
    return _form_page("meetings/edit.html", form, meeting=meeting, regional=regional)


def _edit_form(meeting: Meeting, regional: bool):
    form_class = RegionalMeetingEditForm if regional else CircleMeetingEditForm
    # the stored values only fill the GET form: a POST that leaves a field out must not fall back on them
    form = form_class(obj=meeting) if request.method == "GET" else form_class()
    if regional:
        _regional_choices(form)
    if request.method == "GET":
        form.fill_from(meeting)
    return form


def _save_edit(meeting: Meeting, form, regional: bool):
    """Save a valid edit, commit, say what changed and go to the meeting; None when a rule refused."""
    scope = form.scope.data if meeting.series_id else "this"
    invited = None
    if regional:
        offered = {choice.value for choice in form.invited.choices}
        invited = services.invited_after_edit(meeting, services.circles_by_ids(form.invited.data), offered)
    try:
        results = services.update_meeting(current_user, meeting, when=form.when(), scope=scope,
                                          invited=invited, **form.fields())
    except services.MeetingError as err:
        _refused(err, form)
        return None
    db.session.commit()
    if not results:
        flash(_("Er is niets gewijzigd."), "info")
    elif len(results) == 1:
        flash(_("De bijeenkomst is opgeslagen."), "success")
    else:
        flash(_("%(num)d bijeenkomsten van de reeks zijn opgeslagen.", num=len(results)), "success")
    if results:
        _warn_overlaps([m for m, _names in results])
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/bijeenkomsten/<int:meeting_id>/afzeggen", methods=["GET", "POST"])
@login_required
def cancel(meeting_id: int):
    """Confirm, then cancel: the meeting stays visible as cancelled; attendees get an e-mail."""
    meeting = load_meeting(meeting_id, then="meeting.manage")
    form = CancelForm()
    if meeting.is_cancelled:
        flash(_("Deze bijeenkomst is al afgezegd."), "error")
        return meeting_page(meeting, 409)
    if form.validate_on_submit():
        try:
            services.cancel_meeting(current_user, meeting, form.message.data or "")
        except services.MeetingError as err:  # pragma: no cover - a cancel racing another
            db.session.rollback()
            flash(str(err.message), "error")
            return meeting_page(meeting, err.status)
        db.session.commit()
        flash(_("De bijeenkomst is afgezegd. Wie zich had aangemeld, krijgt een e-mail."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _form_page("meetings/cancel.html", form, meeting=meeting)


# --- Slots on other features' pages --------------------------------------------------------------

def circle_page_slot(circle: Circle) -> Markup:
    """The circle page: its next three meetings, a link to all, and for coordinators a link to plan one."""
    return Markup(render_template("meetings/slots/circle_page.html", circle=circle,
                                  meetings=services.upcoming_for_circle(circle, limit=3),
                                  may_create=can(current_user, "meeting.create", circle)))


#: g key: circle id -> start of its next meeting, for the circle cards of this request.
CARD_STARTS = "meetings_card_starts"


def prepare_circle_cards(circles: list[Circle]) -> None:
    """The next meeting of exactly the circles a list shows: one query that does not grow with the platform."""
    setattr(g, CARD_STARTS, services.next_meeting_starts([c.id for c in circles]))


def circle_card_slot(circle: Circle) -> Markup:
    """A circle card: the date of the next meeting. The view said which circles it shows
    (``prepare_circle_cards``), so 50 cards cost one query; without that, the first card loads them all."""
    if CARD_STARTS not in g:
        setattr(g, CARD_STARTS, services.next_meeting_starts())
    starts_at = g.get(CARD_STARTS).get(circle.id)
    if starts_at is None:
        return Markup("")
    return slots.render_fragment("meetings/slots/circle_card.html", starts_at=starts_at)


def home_slot() -> Markup:
    """The home page of a logged-in member: the next five meetings of their circles."""
    if not current_user.is_authenticated:
        return Markup("")
    return Markup(render_template("meetings/slots/home.html", meetings=services.upcoming_for_user(current_user, 5)))


slots.register("circle_page", circle_page_slot, order=20)
slots.register("circle_card", circle_card_slot, order=20, prepare=prepare_circle_cards)
slots.register("home", home_slot, order=20)


# The routes and slots of the sub-features, registered with this module. Slots of the same order render in
# import order: calendar before minutes on the meeting and circle pages.
from circles.meetings.calendar import views as calendar_views  # noqa: E402,F401
from circles.meetings.minutes import views as minutes_views  # noqa: E402,F401
from circles.meetings.rsvp import views as rsvp_views  # noqa: E402,F401
