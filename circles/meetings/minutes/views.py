"""Minutes, decisions and action items: pages and POST endpoints, and the slots on the meeting page, the
circle page and the home page. Each view: load (404), authorise (403), validate, one service, commit,
flash, redirect."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from circles.accounts.models import User
from circles.core import revisions, slots
from circles.core.db import db
from circles.core.permissions import can, require
from circles.core.setup import EmptyForm
from circles.groups.loading import load_circle
from circles.meetings import bp
from circles.meetings import services as meeting_services
from circles.meetings.loading import load_meeting
from circles.meetings.minutes import services
from circles.meetings.minutes.forms import (
    ACTION_PREFIX,
    DECISION_PREFIX,
    EDITOR_PREFIX,
    ActionItemForm,
    ActionStatusForm,
    DecisionDeleteForm,
    DecisionForm,
    EditorForm,
    MinutesForm,
)
from circles.meetings.models import ActionItem, Decision, Meeting
from circles.meetings.pages import meeting_page


def _button_pressed() -> None:
    """A POST button carries only its CSRF token; without a valid one the request is refused (400)."""
    if not EmptyForm().validate_on_submit():
        abort(400)


def _keep_form(name: str, form) -> None:
    g.setdefault("minutes_forms", {})[name] = form


def _refused_on_page(meeting: Meeting, name: str, form, status: int = 422):
    """The meeting page again, with ``form`` as it was sent and its messages."""
    _keep_form(name, form)
    return meeting_page(meeting, status)


def _offering_members(form, members: list[User]):
    """``form`` with the meeting's circle members as its choices (the minutes editor, an item's owner)."""
    form.fill_choices(members)
    return form


def _show(meeting: Meeting):
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


# --- Minutes -------------------------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>/verslag", methods=["GET", "POST"])
@login_required
def minutes_edit(meeting_id: int):
    """Write the minutes. The form carries the revision it started from: a save after someone else's
    is refused (409) with the editor's own text kept and the other version shown, to merge."""
    meeting = load_meeting(meeting_id, then="minutes.edit")
    minutes = services.minutes_of(meeting)
    form = MinutesForm(body=minutes.body if minutes else "", revision=str(minutes.revision if minutes else 0))
    if form.validate_on_submit():
        try:
            services.save_minutes(meeting, current_user, form.body.data or "", based_on=int(form.revision.data))
            db.session.commit()
        except (revisions.StaleEdit, IntegrityError):
            db.session.rollback()
            return _conflict_page(meeting, form)
        flash(_("Het verslag is opgeslagen."), "success")
        return _show(meeting)
    return render_template("meetings/minutes/edit.html", meeting=meeting, minutes=minutes, form=form,
                           conflict=None), 422 if form.errors else 200


def _conflict_page(meeting: Meeting, form: MinutesForm):
    """409: someone saved in between. The textarea keeps what this editor typed; the hidden revision
    moves on to the latest, so saving again after merging works."""
    minutes = services.minutes_of(meeting)
    latest = services.latest_revision(minutes)
    if latest is not None:
        form.revision.data = str(latest.number)
    theirs = (latest.content or {}).get("body", "") if latest else ""
    return render_template("meetings/minutes/edit.html", meeting=meeting, minutes=minutes, form=form,
                           conflict=latest, conflict_diff=revisions.diff_html(theirs, form.body.data or "")), 409


@bp.route("/bijeenkomsten/<int:meeting_id>/verslag/publiceren", methods=["POST"])
@login_required
def minutes_publish(meeting_id: int):
    """Publish the draft: from now on everyone who sees the meeting reads the minutes."""
    meeting = load_meeting(meeting_id, then="minutes.edit")
    _button_pressed()
    try:
        services.publish_minutes(meeting, current_user)
        db.session.commit()
    except services.MinutesError as err:
        db.session.rollback()
        flash(str(err.message), "error")
        return meeting_page(meeting, err.status)
    except IntegrityError:
        db.session.rollback()
        flash(_("Iemand anders sloeg het verslag net op. Bekijk het en publiceer opnieuw."), "error")
        return meeting_page(meeting, 409)
    flash(_("Het verslag is gepubliceerd."), "success")
    return _show(meeting)


def _history_page(meeting: Meeting, status: int = 200):
    minutes = services.minutes_of(meeting)
    history = services.minutes_history(minutes) if minutes else []
    return render_template("meetings/minutes/history.html", meeting=meeting, minutes=minutes,
                           history=history), status


@bp.route("/bijeenkomsten/<int:meeting_id>/verslag/geschiedenis")
@login_required
def minutes_history(meeting_id: int):
    """Every saved version with who and when (for the minutes' editors)."""
    return _history_page(load_meeting(meeting_id, then="minutes.edit"))


def _revision_or_404(meeting: Meeting, number: int):
    minutes = services.minutes_of(meeting)
    revision = services.revision_of(minutes, number)
    if revision is None:
        abort(404)
    return minutes, revision


@bp.route("/bijeenkomsten/<int:meeting_id>/verslag/versies/<int:number>")
@login_required
def minutes_revision(meeting_id: int, number: int):
    """One version, with what changed against the one before and against the current text."""
    meeting = load_meeting(meeting_id, then="minutes.edit")
    minutes, revision = _revision_or_404(meeting, number)
    previous = services.revision_of(minutes, number - 1)
    body = (revision.content or {}).get("body", "")
    previous_body = (previous.content or {}).get("body", "") if previous else ""
    return render_template("meetings/minutes/revision.html", meeting=meeting, minutes=minutes, revision=revision,
                           previous=previous, diff_previous=revisions.diff_html(previous_body, body),
                           diff_current=revisions.diff_html(body, minutes.body))


@bp.route("/bijeenkomsten/<int:meeting_id>/verslag/versies/<int:number>/terugzetten", methods=["POST"])
@login_required
def minutes_restore(meeting_id: int, number: int):
    """Restore an old version: a new version with its text (nothing is lost)."""
    meeting = load_meeting(meeting_id, then="minutes.edit")
    _minutes, revision = _revision_or_404(meeting, number)
    _button_pressed()
    try:
        services.restore_revision(meeting, current_user, revision)
        db.session.commit()
    except (revisions.StaleEdit, IntegrityError):
        db.session.rollback()
        flash(_("Iemand anders sloeg het verslag net op. Bekijk de geschiedenis en probeer het opnieuw."), "error")
        return _history_page(meeting, 409)
    flash(_("Versie %(n)s is teruggezet als nieuwe versie.", n=number), "success")
    return redirect(url_for("meetings.minutes_history", meeting_id=meeting.id))


@bp.route("/bijeenkomsten/<int:meeting_id>/notulist", methods=["POST"])
@login_required
def minutes_editor(meeting_id: int):
    """A coordinator designates a member of the meeting's circle(s) to write the minutes."""
    meeting = load_meeting(meeting_id, then="meeting.manage")
    form = _offering_members(EditorForm(prefix=EDITOR_PREFIX), services.eligible_members(meeting))
    if not form.validate_on_submit():
        return _refused_on_page(meeting, "editor", form)
    user = db.session.get(User, form.user_id.data) if form.user_id.data else None
    try:
        services.set_minutes_editor(meeting, current_user, user)
    except services.MinutesError as err:
        db.session.rollback()
        form.user_id.errors = [*form.user_id.errors, err.message]
        return _refused_on_page(meeting, "editor", form, err.status)
    db.session.commit()
    if user is None:
        flash(_("Er is geen notulist meer; coördinatoren schrijven het verslag."), "success")
    else:
        flash(_("%(name)s mag het verslag schrijven.", name=user.name), "success")
    return _show(meeting)


# --- Decisions -----------------------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>/besluiten", methods=["POST"])
@login_required
def decision_add(meeting_id: int):
    """Record a decision taken at the meeting (coordinators and the minutes editor)."""
    meeting = load_meeting(meeting_id, then="minutes.edit")
    form = DecisionForm(prefix=DECISION_PREFIX)
    if not form.validate_on_submit():
        return _refused_on_page(meeting, "decision", form)
    services.add_decision(meeting, current_user, form.text.data)
    db.session.commit()
    flash(_("Het besluit is vastgelegd."), "success")
    return _show(meeting)


@bp.route("/besluiten/<int:decision_id>/verwijderen", methods=["POST"])
@login_required
def decision_delete(decision_id: int):
    """Delete a decision; the form names the meeting it was shown on, so a forged id is refused."""
    decision = db.get_or_404(Decision, decision_id)
    meeting = load_meeting(decision.meeting_id, then="minutes.edit")
    form = DecisionDeleteForm()
    if not form.validate_on_submit():
        abort(400)
    if form.meeting_id.data != str(decision.meeting_id):
        abort(404)
    services.delete_decision(current_user, decision)
    db.session.commit()
    flash(_("Het besluit is verwijderd."), "success")
    return _show(meeting)


@bp.route("/leercirkels/<slug>/besluiten")
def circle_decisions(slug: str):
    """Every decision of the circle's meetings and of the regional meetings it was invited to."""
    circle = load_circle(slug)
    return render_template("meetings/minutes/circle_decisions.html", circle=circle,
                           decisions=services.circle_decisions(circle))


# --- Action items --------------------------------------------------------------------------------

@bp.route("/bijeenkomsten/<int:meeting_id>/actiepunten", methods=["POST"])
@login_required
def action_add(meeting_id: int):
    """Give a member of the circle an action item; they get an e-mail."""
    meeting = load_meeting(meeting_id, then="minutes.edit")
    form = _offering_members(ActionItemForm(prefix=ACTION_PREFIX), services.eligible_members(meeting))
    if form.validate_on_submit():
        owner = db.session.get(User, form.owner_id.data)
        try:
            services.add_action_item(meeting, current_user, text=form.text.data, owner=owner,
                                     due_date=form.due_date.data)
        except services.MinutesError as err:
            db.session.rollback()
            form.due_date.errors = [*form.due_date.errors, err.message]
        else:
            db.session.commit()
            flash(_("Het actiepunt is toegevoegd. %(name)s krijgt bericht.", name=owner.name), "success")
            return _show(meeting)
    return _refused_on_page(meeting, "action", form)


@bp.route("/actiepunten/<int:item_id>/status", methods=["POST"])
@login_required
def action_status(item_id: int):
    """The owner (or a coordinator) marks an item done, or open again."""
    item = db.get_or_404(ActionItem, item_id)
    meeting = load_meeting(item.meeting_id)
    require("action_item.update", item)
    form = ActionStatusForm()
    if not form.validate_on_submit():
        flash(_("Kies een geldige status."), "error")
        return meeting_page(meeting, 422)
    changed = services.set_action_status(current_user, item, form.status.data)
    db.session.commit()
    if changed:
        flash(_("Het actiepunt is afgerond.") if item.is_done else _("Het actiepunt staat weer open."), "success")
    if form.back.data == "mijn":
        return redirect(url_for("meetings.my_actions"))
    return _show(meeting)


@bp.route("/mijn/actiepunten")
@login_required
def my_actions():
    """My action items: open ones first (soonest due date first), then the ones done."""
    items = services.my_action_items(current_user)
    return render_template("meetings/minutes/my_action_items.html", items=items, today=services.today(),
                           open_items=[i for i in items if not i.is_done], done_items=[i for i in items if i.is_done])


# --- Slots ---------------------------------------------------------------------------------------

def _forms_for(meeting: Meeting) -> dict:
    """The forms the meeting page shows this reader: a refused one as it was sent, the others empty."""
    if not can(current_user, "minutes.edit", meeting):
        return {"decision_form": None, "action_form": None, "editor_form": None}
    kept = g.get("minutes_forms", {})
    members = services.eligible_members(meeting)
    action_form = kept.get("action") or _offering_members(ActionItemForm(formdata=None, prefix=ACTION_PREFIX),
                                                          members)
    editor_form = None
    if can(current_user, "meeting.manage", meeting):
        editor_form = kept.get("editor") or _offering_members(
            EditorForm(formdata=None, prefix=EDITOR_PREFIX, user_id=meeting.minutes_editor_id or 0), members)
    return {"decision_form": kept.get("decision") or DecisionForm(formdata=None, prefix=DECISION_PREFIX),
            "action_form": action_form, "editor_form": editor_form}


def _meeting_slot(meeting: Meeting, **_context):
    """On the meeting page: minutes (published, or the draft for editors), decisions, action items and
    the previous meeting's open items."""
    minutes = services.minutes_of(meeting)
    previous = meeting_services.previous_meeting(meeting)
    return render_template(
        "meetings/minutes/slots/meeting_page.html", meeting=meeting, minutes=minutes,
        may_edit=can(current_user, "minutes.edit", meeting),
        show_minutes=minutes is not None and can(current_user, "minutes.view", minutes),
        decisions=services.meeting_decisions(meeting), items=services.meeting_action_items(meeting),
        previous=previous, previous_items=services.open_items_of(previous), today=services.today(),
        editor=db.session.get(User, meeting.minutes_editor_id) if meeting.minutes_editor_id else None,
        **_forms_for(meeting))


def _circle_slot(circle, **_context):
    """On the circle page: the latest published minutes and the number of open action items."""
    return render_template("meetings/minutes/slots/circle_page.html", circle=circle,
                           minutes=services.latest_published_minutes(circle),
                           open_count=services.open_action_count(circle))


def _home_slot(**_context):
    """On the home page: my open action items (at most five)."""
    if not current_user.is_authenticated:
        return ""
    items = services.my_action_items(current_user, limit=5, only_open=True)
    if not items:
        return ""
    return render_template("meetings/minutes/slots/home.html", items=items, today=services.today())


slots.register("meeting_page", _meeting_slot)
slots.register("circle_page", _circle_slot)
slots.register("home", _home_slot)
