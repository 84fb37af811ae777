"""Meeting pages: the list, one meeting, scheduling (circle and regional, once or as a series),
editing and cancelling; and the meetings parts of the circle page, circle cards and home page.
Each view: load (404), authorise (403), validate, call one service, commit, flash, redirect."""

import sqlalchemy as sa
from flask import flash, g, make_response, redirect, render_template, request, url_for
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
from circles.groups.models import Circle, CircleStatus
from circles.meetings import bp, queries, services
from circles.meetings.forms import (
    CancelForm,
    CircleMeetingEditForm,
    CircleMeetingForm,
    RegionalMeetingEditForm,
    RegionalMeetingForm,
)
from circles.meetings.models import MEETING_KIND_LABELS, Meeting, MeetingKind
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
    args = {k: request.args.get(k, "", type=str).strip()[:120] for k in ("regio", "sector", "leercirkel", "soort")}
    past = request.args.get("wanneer", "", type=str) == "voorbij"
    notices = []
    if args["regio"] and args["regio"] not in {r.code for r in regions}:
        notices.append(_("De gekozen regio bestaat niet; er is niet op regio gefilterd."))
        args["regio"] = ""
    if args["sector"] and args["sector"] not in {s.code for s in sectors}:
        notices.append(_("De gekozen sector bestaat niet; er is niet op sector gefilterd."))
        args["sector"] = ""
    circle = circle_services.visible_circle_by_slug(current_user, args["leercirkel"]) if args["leercirkel"] else None
    if args["leercirkel"] and circle is None:
        notices.append(_("De gekozen leercirkel bestaat niet of is niet zichtbaar; er is niet op leercirkel "
                         "gefilterd."))
        args["leercirkel"] = ""
    if args["soort"] and args["soort"] not in {k.value for k in MeetingKind}:
        notices.append(_("De gekozen soort bijeenkomst bestaat niet; er is niet op soort gefilterd."))
        args["soort"] = ""
    query = services.filter_meetings(queries.visible_meetings(current_user), past=past, region=args["regio"] or None,
                                     sector=args["sector"] or None, circle=circle, kind=args["soort"] or None)
    total = services.count_listed(query, key=(current_user.get_id(), past, tuple(sorted(args.items()))))
    page = db.paginate(query, page=requested_page(total, PER_PAGE), per_page=PER_PAGE, count=False)
    page.total = total
    base_filters = {k: v for k, v in args.items() if v}
    filters = dict(base_filters)
    if past:
        filters["wanneer"] = "voorbij"
    return render_template("meetings/index.html", page=page, past=past, args=args, filters=filters,
                           base_filters=base_filters, notices=notices,
                           regions=regions, sectors=sectors,
                           circles=_filter_choices(choices, circle),
                           kind_labels=MEETING_KIND_LABELS)


def _filter_choices(choices: list, chosen: Circle | None) -> list:
    """Active circles, and the chosen one even when archived or not among them (a bookmark, a circle page's
    link), in name order."""
    shown = [c for c in choices if c.status == CircleStatus.ACTIVE and (chosen is None or c.id != chosen.id)]
    return sorted([*shown, chosen], key=lambda c: (c.name, c.id)) if chosen else shown


# --- One meeting ---------------------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>")
@for_everyone
def show(meeting_id: int):
    """Everything about one meeting, then what the other meetings modules add (RSVP, calendar, minutes)."""
    meeting = queries.meeting_or_404(meeting_id)
    return render_template("meetings/show.html", meeting=meeting, kind_labels=MEETING_KIND_LABELS)


# --- Scheduling ----------------------------------------------------------------------------------

@bp.route("/leercirkels/<slug>/bijeenkomsten/nieuw", methods=["GET", "POST"])
@login_required
def create(slug: str):
    """A circle's coordinators schedule a meeting or webinar, once or as a series."""
    circle = load_circle(slug)
    require("meeting.create", circle)
    form = CircleMeetingForm()
    if form.validate_on_submit():
        try:
            meetings = services.create_meeting(current_user, circle=circle, when=form.when(),
                                               repeat=form.repeat_rule(), **form.fields())
        except services.MeetingError as err:
            _refused(err, form)
        else:
            db.session.commit()
            _flash_created(meetings)
            _warn_overlaps(meetings)
            return redirect(url_for("meetings.show", meeting_id=meetings[0].id))
    return _form_page("meetings/form.html", form, circle=circle, regional=False)


def _regional_choices(form) -> None:
    form.fill_choices(regions_by_name(), circle_services.list_circles(current_user))


def _invited(form) -> list[Circle]:
    """The chosen circles; only circles the user may see are offered (the choices check that)."""
    ids = [int(i) for i in form.invited.data or []]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Circle).where(Circle.id.in_(ids)).order_by(Circle.name)))


@bp.route("/bijeenkomsten/nieuw-regionaal", methods=["GET", "POST"])
@login_required
def create_regional():
    """Platform coordinators organise a regional meeting (with the employer service point and UWV)
    for circles they invite."""
    require("meeting.create_regional")
    form = RegionalMeetingForm()
    _regional_choices(form)
    if form.validate_on_submit():
        try:
            meetings = services.create_meeting(current_user, invited=_invited(form), when=form.when(),
                                               repeat=form.repeat_rule(), **form.fields())
        except services.MeetingError as err:
            _refused(err, form)
        else:
            db.session.commit()
            _flash_created(meetings)
            _warn_overlaps(meetings)
            return redirect(url_for("meetings.show", meeting_id=meetings[0].id))
    return _form_page("meetings/form.html", form, circle=None, regional=True)


def _flash_created(meetings: list[Meeting]) -> None:
    if len(meetings) == 1:
        flash(_("De bijeenkomst %(title)s is gepland.", title=meetings[0].title), "success")
    else:
        flash(_("De reeks %(title)s is gepland: %(num)d bijeenkomsten.", title=meetings[0].title,
                num=len(meetings)), "success")


# --- Editing and cancelling ----------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    """Coordinators change a meeting, or it and the rest of its series; attendees get an e-mail."""
    meeting = queries.meeting_or_404(meeting_id)
    require("meeting.manage", meeting)
    if meeting.is_cancelled:
        flash(_("Deze bijeenkomst is afgezegd en kan niet meer worden gewijzigd."), "error")
        return render_template("meetings/show.html", meeting=meeting, kind_labels=MEETING_KIND_LABELS), 409
    regional = meeting.circle_id is None
    form_class = RegionalMeetingEditForm if regional else CircleMeetingEditForm
    # the stored values only fill the GET form: a POST that leaves a field out must not fall back on them
    form = form_class(obj=meeting) if request.method == "GET" else form_class()
    if regional:
        _regional_choices(form)
    if request.method == "GET":
        form.fill_from(meeting)
    if form.validate_on_submit():
        scope = form.scope.data if meeting.series_id else "this"
        invited = None
        if regional:
            # circles the editor cannot see stay invited (they are not offered as choices)
            offered = {choice.value for choice in form.invited.choices}
            hidden = [c for c in meeting.invited_circles if str(c.id) not in offered]
            invited = _invited(form) + hidden
        try:
            results = services.update_meeting(current_user, meeting, when=form.when(), scope=scope,
                                              invited=invited, **form.fields())
        except services.MeetingError as err:
            _refused(err, form)
        else:
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
    return _form_page("meetings/edit.html", form, meeting=meeting, regional=regional)


@bp.route("/bijeenkomsten/<int:meeting_id>/afzeggen", methods=["GET", "POST"])
@login_required
def cancel(meeting_id: int):
    """Confirm, then cancel: the meeting stays visible as cancelled; attendees get an e-mail."""
    meeting = queries.meeting_or_404(meeting_id)
    require("meeting.manage", meeting)
    form = CancelForm()
    if meeting.is_cancelled:
        flash(_("Deze bijeenkomst is al afgezegd."), "error")
        return render_template("meetings/show.html", meeting=meeting, kind_labels=MEETING_KIND_LABELS), 409
    if form.validate_on_submit():
        try:
            services.cancel_meeting(current_user, meeting, form.message.data or "")
        except services.MeetingError as err:  # pragma: no cover - a cancel racing another
            db.session.rollback()
            flash(str(err.message), "error")
            return render_template("meetings/show.html", meeting=meeting, kind_labels=MEETING_KIND_LABELS), err.status
        db.session.commit()
        flash(_("De bijeenkomst is afgezegd. Wie zich had aangemeld, krijgt een e-mail."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _form_page("meetings/cancel.html", form, meeting=meeting)


# --- Slots on other features' pages --------------------------------------------------------------

def circle_page_slot(circle: Circle) -> Markup:
    """The circle page: its next three meetings, a link to all, and for coordinators a link to plan one."""
    return Markup(render_template("meetings/_m1_circle_page.html", circle=circle,
                                  meetings=services.upcoming_for_circle(circle, limit=3),
                                  may_create=can(current_user, "meeting.create", circle)))


#: g key: circle id -> start of its next meeting, for the circle cards of this request.
CARD_STARTS = "meetings_card_starts"


def circle_card_slot(circle: Circle) -> Markup:
    """A circle card: the date of the next meeting. The view said which circles it shows
    (``prepare_circle_cards``), so 50 cards cost one query; without that, the first card loads them all."""
    if CARD_STARTS not in g:
        setattr(g, CARD_STARTS, services.next_meeting_starts())
    starts_at = g.get(CARD_STARTS).get(circle.id)
    if starts_at is None:
        return Markup("")
    return slots.render_fragment("meetings/_m1_circle_card.html", starts_at=starts_at)


def home_slot() -> Markup:
    """The home page of a logged-in member: the next five meetings of their circles."""
    if not current_user.is_authenticated:
        return Markup("")
    return Markup(render_template("meetings/_m1_home.html", meetings=services.upcoming_for_user(current_user, 5)))


slots.register("circle_page", circle_page_slot, order=20)
def prepare_circle_cards(circles: list[Circle]) -> None:
    """The next meeting of exactly the circles a list shows: one query that does not grow with the platform."""
    setattr(g, CARD_STARTS, services.next_meeting_starts([c.id for c in circles]))


slots.register("circle_card", circle_card_slot, order=20, prepare=prepare_circle_cards)
slots.register("home", home_slot, order=20)


def meeting_page(meeting: Meeting, status: int):
    """The meeting page again with a 4xx status: a form in one of its parts (answer, minutes, decision,
    action item) was refused, and that part shows the form as it was sent, with its message."""
    response = make_response(show(meeting_id=meeting.id))
    response.status_code = status
    return response
