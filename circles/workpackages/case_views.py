"""Good-practice case pages (goede voorbeelden): the searchable list, one case, writing with revisions,
publishing and review. The same rules as work packages; each view: load (404), authorise (403),
validate, call one service, commit, flash, redirect."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from circles.core import revisions
from circles.core.db import db
from circles.core.permissions import can, require
from circles.core.setup import EmptyForm
from circles.core.views import form_page
from circles.groups.models import Visibility
from circles.reference.sectors import SECTOR_LABELS
from circles.workpackages import attachments as attachment_services
from circles.workpackages import bp, case_services, services
from circles.workpackages.case_content import case_content, case_markdown
from circles.workpackages.case_forms import CaseForm
from circles.workpackages.forms import PublishForm, SendBackForm
from circles.workpackages.instruments import INSTRUMENTS_BY_CODE
from circles.workpackages.loading import case_or_404
from circles.workpackages.models import (
    CONTENT_VISIBILITY_LABELS,
    CONTRACT_LABELS,
    GUIDANCE_LABELS,
    LANGUAGE_LABELS,
    LICENCE_LABELS,
    LICENCE_URLS,
    PARTNER_LABELS,
    QUOTE_ROLE_LABELS,
    RECRUITMENT_LABELS,
    SETTING_LABELS,
    TRIGGER_LABELS,
    Case,
)

LABELS = {"setting": SETTING_LABELS, "contract": CONTRACT_LABELS, "guidance": GUIDANCE_LABELS,
          "recruitment": RECRUITMENT_LABELS, "partners": PARTNER_LABELS, "triggers": TRIGGER_LABELS,
          "roles": QUOTE_ROLE_LABELS, "licence": LICENCE_LABELS, "licence_url": LICENCE_URLS,
          "language": LANGUAGE_LABELS, "visibility": CONTENT_VISIBILITY_LABELS, "instruments": INSTRUMENTS_BY_CODE,
          "sectors": SECTOR_LABELS}


def _page(case: Case):
    return redirect(url_for("workpackages.case_show", case_id=case.id, slug=case.slug))


# --- the list ------------------------------------------------------------------------------------------------

@bp.route("/voorbeelden")
def cases():
    """Search and filter the published cases the reader may see."""
    listing = case_services.search_cases(current_user, request.args.get("q", "", type=str), request.args)
    return render_template("workpackages/cases.html", listing=listing, labels=LABELS)


# --- one case ----------------------------------------------------------------------------------------------

@bp.route("/voorbeelden/<int:case_id>-<slug>")
def case_show(case_id: int, slug: str):
    """The whole case: its story, numbers, quotes by role, the package it built on, and what the reader
    may do with it."""
    case = case_or_404(case_id)
    if slug != case.slug:
        return redirect(url_for("workpackages.case_show", case_id=case.id, slug=case.slug), 301)
    return _show_page(case)


def _show_page(case: Case, status: int = 200, **forms):
    editable = can(current_user, "case.edit", case)
    context = dict(
        case=case, labels=LABELS,
        package_visible=case.package is not None and can(current_user, "package.view", case.package),
        attachments=attachment_services.attachments_of(case),
        attachment_form=forms.get("attachment_form") or (attachment_services.AttachmentForm() if editable else None),
        # only for those who get them (see the package page)
        publish_form=forms.get("publish_form") or (_publish_form(case) if editable else None),
        send_back_form=forms.get("send_back_form") or (SendBackForm() if current_user.is_authenticated else None),
        owner=case, owner_kind="case",
    )
    return render_template("workpackages/case_show.html", **context), status


def _publish_form(case: Case) -> PublishForm:
    """The choices the editor has: the circle directly (if a member of it), the platform or the public."""
    form = PublishForm(prefix="publiceren")
    form.visibility.label.text = _("Wie mag het voorbeeld lezen?")
    allowed = [Visibility.PLATFORM, Visibility.PUBLIC]
    if can(current_user, "case.publish_to_circle", case):
        allowed.insert(0, Visibility.CIRCLE)
    form.limit_to(allowed)
    if not form.visibility.data:
        form.visibility.data = allowed[0]
    return form


# --- writing ---------------------------------------------------------------------------------------------

def _case_form(case: Case | None) -> CaseForm:
    """The form with its choices: regions, the packages the writer can read, the writer's circles (and the
    case's current package and circle, so an edit never loses them)."""
    form = CaseForm()
    packages = services.packages_for_cases(current_user)
    circles = services.my_circles(current_user)
    if case is not None:
        if case.package is not None and case.package not in packages:
            packages.append(case.package)
        if case.circle is not None and case.circle not in circles:
            circles.append(case.circle)
    form.fill_choices(regions=case_services.regions(), packages=packages, circles=circles)
    return form


def _with_service_error(form: CaseForm, err: case_services.CaseError) -> None:
    """Show a refusal from the service on the quotes (the one thing the form cannot always see)."""
    form.quotes.errors = [*(e for e in form.quotes.errors if isinstance(e, str)), err.message]


@bp.route("/voorbeelden/nieuw", methods=["GET", "POST"])
@login_required
def case_create():
    """Describe a new case; it starts as a draft of the writer's organisation. ``?werkpakket=<id>``
    picks the package it built on."""
    require("case.create")
    form = _case_form(None)
    if request.method == "GET":
        organisation = current_user.organisation
        form.sector.data = organisation.sector_code if organisation else ""
        form.region.data = (organisation.municipality.region_code
                            if organisation and organisation.municipality else "")
        wanted = request.args.get("werkpakket", "", type=str)
        if wanted.isdigit() and any(choice.value == wanted for choice in form.package.choices):
            form.package.data = wanted
    if form.add_quotes.data:
        form.add_empty_rows()
        return form_page("workpackages/case_form.html", form, 200, case=None)
    if form.validate_on_submit():
        try:
            case = case_services.create_case(current_user, form.content())
        except case_services.CaseError as err:
            db.session.rollback()
            _with_service_error(form, err)
            return form_page("workpackages/case_form.html", form, err.status, case=None)
        db.session.commit()
        flash(_("Het voorbeeld is opgeslagen als concept. Publiceer het als het klaar is."), "success")
        return _page(case)
    return form_page("workpackages/case_form.html", form, case=None)


@bp.route("/voorbeelden/<int:case_id>/bewerken", methods=["GET", "POST"])
@login_required
def case_edit(case_id: int):
    """Edit as a new revision. The form carries the revision it started from: a save after someone
    else's is refused (409) with this editor's text kept and the difference shown."""
    case = case_or_404(case_id)
    require("case.edit", case)
    form = _case_form(case)
    if request.method == "GET":
        form.fill_from(case_content(case))
        form.revision.data = str(case.revision)
    if form.add_quotes.data:
        form.add_empty_rows()
        return form_page("workpackages/case_form.html", form, 200, case=case)
    if form.validate_on_submit():
        try:
            case_services.update_case(case, current_user, form.content(), based_on=int(form.revision.data))
            db.session.commit()
        except (revisions.StaleEdit, IntegrityError):
            db.session.rollback()
            return _conflict(case, form)
        except case_services.CaseError as err:
            db.session.rollback()
            _with_service_error(form, err)
            return form_page("workpackages/case_form.html", form, err.status, case=db.session.get(Case, case_id))
        flash(_("De wijzigingen zijn opgeslagen."), "success")
        return _page(case)
    return form_page("workpackages/case_form.html", form, case=case)


def _conflict(case: Case, form: CaseForm):
    """409: someone saved in between. The form keeps this editor's text; the difference with the saved
    version is shown, and the hidden revision moves on so saving again after merging works."""
    case = db.session.get(Case, case.id)
    form.revision.data = str(case.revision)
    diff = revisions.diff_html(case_markdown(case_content(case)), case_markdown(form.content()))
    return form_page("workpackages/case_form.html", form, 409, case=case, conflict_diff=diff)


# --- publishing and review ---------------------------------------------------------------------------------

@bp.route("/voorbeelden/<int:case_id>/publiceren", methods=["POST"])
@login_required
def case_publish(case_id: int):
    """Publish to the circle at once, or offer it to the platform or the public (a reviewer decides)."""
    case = case_or_404(case_id)
    require("case.edit", case)
    form = _publish_form(case)
    if not form.validate_on_submit():
        return _show_page(case, 422, publish_form=form)
    try:
        if form.visibility.data == Visibility.CIRCLE:
            case_services.publish_to_circle(case, current_user)
            message = _("Het voorbeeld is gepubliceerd in de leercirkel %(name)s.", name=case.circle.name)
        else:
            people = case_services.submit_for_review(case, current_user, form.visibility.data)
            message = (_("Het voorbeeld wacht nu op een beoordeling. %(n)s beoordelaar(s) kregen bericht.",
                         n=len(people)) if people else
                       _("Het voorbeeld wacht nu op een beoordeling door een beheerder."))
    except case_services.CaseError as err:
        db.session.rollback()
        form.visibility.errors = [*form.visibility.errors, err.message]
        return _show_page(case, err.status, publish_form=form)
    db.session.commit()
    flash(message, "success")
    return _page(case)


@bp.route("/voorbeelden/<int:case_id>/goedkeuren", methods=["POST"])
@login_required
def case_approve(case_id: int):
    """A reviewer publishes the case with the visibility that was asked for."""
    case = case_or_404(case_id)
    require("case.review", case)
    if not EmptyForm().validate_on_submit():
        abort(400)
    case_services.approve(case, current_user)
    db.session.commit()
    flash(_("Het voorbeeld is goedgekeurd en gepubliceerd."), "success")
    return _page(case)


@bp.route("/voorbeelden/<int:case_id>/terugsturen", methods=["POST"])
@login_required
def case_send_back(case_id: int):
    """A reviewer sends the case back to draft, saying what should change."""
    case = case_or_404(case_id)
    require("case.review", case)
    form = SendBackForm()
    if not form.validate_on_submit():
        return _show_page(case, 422, send_back_form=form)
    case_services.send_back(case, current_user, form.note.data)
    db.session.commit()
    flash(_("Het voorbeeld is teruggestuurd naar de schrijver."), "success")
    return redirect(url_for("workpackages.review_queue"))


@bp.route("/voorbeelden/<int:case_id>/archiveren", methods=["POST"])
@login_required
def case_archive(case_id: int):
    """No longer listed or found; the page stays for those who may read it."""
    case = case_or_404(case_id)
    require("case.edit", case)
    if not EmptyForm().validate_on_submit():
        abort(400)
    case_services.archive(case, current_user)
    db.session.commit()
    flash(_("Het voorbeeld is gearchiveerd."), "success")
    return _page(case)


@bp.route("/voorbeelden/<int:case_id>/heropenen", methods=["POST"])
@login_required
def case_reopen(case_id: int):
    """Back to draft, to work on it again."""
    case = case_or_404(case_id)
    require("case.edit", case)
    if not EmptyForm().validate_on_submit():
        abort(400)
    case_services.reopen(case, current_user)
    db.session.commit()
    flash(_("Het voorbeeld is weer een concept."), "success")
    return _page(case)


# --- revisions -------------------------------------------------------------------------------------------------

@bp.route("/voorbeelden/<int:case_id>/geschiedenis")
@login_required
def case_history(case_id: int):
    """Every saved version with who and when."""
    case = case_or_404(case_id)
    require("case.edit", case)
    return render_template("workpackages/case_history.html", case=case, history=case_services.history(case))


def _revision_or_404(case: Case, number: int) -> revisions.Revision:
    revision = case_services.revision_of(case, number)
    if revision is None:
        abort(404)
    return revision


@bp.route("/voorbeelden/<int:case_id>/versies/<int:number>")
@login_required
def case_revision(case_id: int, number: int):
    """One version, with what changed against the one before and against the current text."""
    case = case_or_404(case_id)
    require("case.edit", case)
    rev = _revision_or_404(case, number)
    previous = case_services.revision_of(case, number - 1)
    text = case_markdown(rev.content)
    before = case_markdown(previous.content) if previous else ""
    return render_template("workpackages/case_revision.html", case=case, revision=rev, previous=previous,
                           text=text, diff_previous=revisions.diff_html(before, text),
                           diff_current=revisions.diff_html(text, case_markdown(case_content(case))))


@bp.route("/voorbeelden/<int:case_id>/versies/<int:number>/terugzetten", methods=["POST"])
@login_required
def case_restore(case_id: int, number: int):
    """Restore an old version as a new one: nothing is lost."""
    case = case_or_404(case_id)
    require("case.edit", case)
    rev = _revision_or_404(case, number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        case_services.restore_revision(case, current_user, rev)
        db.session.commit()
    except (revisions.StaleEdit, IntegrityError, case_services.CaseError):
        db.session.rollback()
        flash(_("Deze versie kon niet worden teruggezet: iemand anders sloeg het voorbeeld net op. Bekijk de "
                "geschiedenis en probeer het opnieuw."), "error")
        case = db.session.get(Case, case_id)
        return render_template("workpackages/case_history.html", case=case, history=case_services.history(case)), 409
    flash(_("Versie %(n)s is teruggezet als nieuwe versie.", n=number), "success")
    return redirect(url_for("workpackages.case_history", case_id=case.id))
