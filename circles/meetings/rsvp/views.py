"""Attendance pages: answering, the attendee list and its CSV, attendance, the circle's reminder setting,
and the answer box on the meeting page (a slot). Each view: load (404), authorise (403), validate,
call one service, commit, flash, redirect."""

from flask import abort, flash, g, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from circles.core import slots
from circles.core.db import db, utcnow
from circles.core.permissions import can, require
from circles.groups.loading import load_circle
from circles.meetings import bp
from circles.meetings.loading import load_meeting
from circles.meetings.models import ANSWER_LABELS, Answer, Meeting, Rsvp
from circles.meetings.pages import meeting_page
from circles.meetings.rsvp import services
from circles.meetings.rsvp.forms import AttendanceForm, MeetingSettingsForm, RsvpForm

# --- Answering -----------------------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>/aanmelden", methods=["POST"], endpoint="rsvp")
@login_required
def rsvp_answer(meeting_id: int):
    """Answer yes, no or maybe (and give needs); a yes on a full meeting joins the waiting list."""
    meeting = load_meeting(meeting_id)
    if meeting.is_cancelled:
        # The rule below refuses cancelled meetings too; a member deserves the reason, not "no access".
        flash(str(services.closed_reason(meeting)), "error")
        return meeting_page(meeting, 409)
    require("meeting.rsvp", meeting)
    form = RsvpForm()
    if not form.validate_on_submit():
        g.rsvp_form = form
        return meeting_page(meeting, 422)
    try:
        answer = services.set_answer(current_user._get_current_object(), meeting, form.answer.data,
                                     dietary_needs=form.dietary_needs.data or "",
                                     accessibility_needs=form.accessibility_needs.data or "")
    except services.RsvpError as err:
        return _refused(meeting, err)
    db.session.commit()
    _flash_answer(answer)
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#aanmelden")


def _refused(meeting: Meeting, err: services.RsvpError, page=meeting_page):
    """Undo, say why, and show ``page`` again with the rule's status."""
    db.session.rollback()
    flash(str(err.message), "error")
    return page(meeting, err.status)


def _flash_answer(answer: Rsvp) -> None:
    if answer.waiting_position is not None:
        flash(_("Alle plaatsen zijn bezet. U staat op de wachtlijst (plaats %(n)s). U krijgt een e-mail als er "
                "een plek vrijkomt.", n=answer.waiting_position), "info")
    elif answer.answer == Answer.YES:
        flash(_("U bent aangemeld. Tot dan!"), "success")
    else:
        flash(_("Uw antwoord is opgeslagen: %(answer)s.", answer=ANSWER_LABELS[Answer(answer.answer)]), "success")


# --- Attendee list -------------------------------------------------------------------------------

def _attendees_page(meeting: Meeting, status: int = 200, form: AttendanceForm | None = None):
    return render_template("meetings/rsvp/attendees.html", meeting=meeting, people=services.attendee_list(meeting),
                           counts=services.counts(meeting), form=form or AttendanceForm(formdata=None),
                           started=meeting.starts_at <= utcnow()), status


@bp.route("/bijeenkomsten/<int:meeting_id>/deelnemers")
@login_required
def attendees(meeting_id: int):
    """Who comes, who waits, maybe, no, with their needs: for the meeting's coordinators only."""
    return _attendees_page(load_meeting(meeting_id, then="meeting.manage"))


@bp.route("/bijeenkomsten/<int:meeting_id>/deelnemers.csv")
@login_required
def attendees_csv(meeting_id: int):
    """The attendee list as a spreadsheet file (for badges, catering, the room)."""
    meeting = load_meeting(meeting_id, then="meeting.manage")
    response = make_response(services.attendees_csv(meeting))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{services.csv_filename(meeting)}"'
    response.headers["Cache-Control"] = "no-store"  # it holds personal data
    return response


@bp.route("/bijeenkomsten/<int:meeting_id>/aanwezigheid", methods=["POST"])
@login_required
def attendance(meeting_id: int):
    """After the start, coordinators tick who was there among those with a place."""
    meeting = load_meeting(meeting_id, then="meeting.manage")
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(404 if form.present.errors else 400)  # ids that are not numbers are unknown ids
    try:
        services.record_attendance(meeting, set(form.present.data or []))
    except LookupError:
        abort(404)
    except services.RsvpError as err:
        return _refused(meeting, err, page=_attendees_page)
    db.session.commit()
    flash(_("De aanwezigheid is opgeslagen."), "success")
    return redirect(url_for("meetings.attendees", meeting_id=meeting.id))


# --- Circle setting ------------------------------------------------------------------------------

@bp.route("/leercirkels/<slug>/bijeenkomsten/instellingen", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    """A circle's coordinators choose how many days before a meeting reminders go out (0: none)."""
    circle = load_circle(slug)
    require("meeting.create", circle)
    form = MeetingSettingsForm(reminder_days=services.reminder_days(circle))
    if form.validate_on_submit():
        services.save_settings(circle, reminder_days=form.reminder_days.data)
        db.session.commit()
        flash(_("De instellingen zijn opgeslagen."), "success")
        return redirect(url_for("meetings.settings", slug=circle.slug))
    return render_template("meetings/rsvp/settings.html", circle=circle, form=form), 422 if form.errors else 200


# --- The answer box on the meeting page ----------------------------------------------------------

def _meeting_slot(meeting: Meeting) -> Markup:
    """The reader's answer and waiting position, the form, the counts and (for coordinators) a link to
    the attendee list."""
    mine = services.rsvp_of(current_user, meeting)
    may_answer = can(current_user, "meeting.rsvp", meeting)
    form = g.get("rsvp_form")
    if form is None and may_answer:
        form = RsvpForm(formdata=None, answer=mine.answer if mine else None,
                        dietary_needs=mine.dietary_needs if mine else "",
                        accessibility_needs=mine.accessibility_needs if mine else "")
    return Markup(render_template(
        "meetings/rsvp/slots/meeting_page.html", meeting=meeting, mine=mine, may_answer=may_answer, form=form,
        closed_reason=services.closed_reason(meeting), counts=services.counts(meeting),
        may_manage=can(current_user, "meeting.manage", meeting), answer_labels=ANSWER_LABELS))


slots.register("meeting_page", _meeting_slot, order=30)
