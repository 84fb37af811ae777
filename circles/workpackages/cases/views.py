"""Good-practice case pages (goede voorbeelden): the searchable list, one case, writing. Its versions,
publishing, review and attachments are the workflow's pages (workflow/views.py), as for work packages.
Each view: load (404), authorise (403), validate, call one service, commit, flash, redirect."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from circles.core import revisions
from circles.core.db import db
from circles.core.permissions import can, require
from circles.workpackages import bp, services
from circles.workpackages.cases import services as case_services
from circles.workpackages.cases.content import case_content
from circles.workpackages.cases.forms import CaseForm
from circles.workpackages.cases.services import CASE
from circles.workpackages.labels import CASE_LABELS
from circles.workpackages.loading import case_or_404
from circles.workpackages.models import Case
from circles.workpackages.workflow import pages

LABELS = CASE_LABELS


def _page(case: Case):
    return redirect(url_for("workpackages.case_show", case_id=case.id, slug=case.slug))


# --- the list ------------------------------------------------------------------------------------------------

@bp.route("/voorbeelden")
def cases():
    """Search and filter the published cases the reader may see."""
    listing = case_services.search_cases(current_user, request.args.get("q", "", type=str), request.args)
    return render_template("workpackages/cases/case_list.html", listing=listing, labels=LABELS)


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
    context = dict(
        pages.item_context(CASE, case, forms), case=case, labels=LABELS,
        package_visible=case.package is not None and can(current_user, "package.view", case.package),
    )
    return render_template("workpackages/cases/case_show.html", **context), status


pages.on_show_page(CASE, _show_page)


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
        return pages.edit_page(CASE, form, None, 200)
    if form.validate_on_submit():
        try:
            case = case_services.create_case(current_user, form.content())
        except case_services.CaseError as err:
            db.session.rollback()
            _with_service_error(form, err)
            return pages.edit_page(CASE, form, None, err.status)
        db.session.commit()
        flash(_("Het voorbeeld is opgeslagen als concept. Publiceer het als het klaar is."), "success")
        return _page(case)
    return pages.edit_page(CASE, form, None)


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
        return pages.edit_page(CASE, form, case, 200)
    if form.validate_on_submit():
        try:
            case_services.update_case(case, current_user, form.content(), based_on=int(form.revision.data))
            db.session.commit()
        except (revisions.StaleEdit, IntegrityError):
            db.session.rollback()
            return pages.conflict_page(CASE, case, form)
        except case_services.CaseError as err:
            db.session.rollback()
            _with_service_error(form, err)
            return pages.edit_page(CASE, form, db.session.get(Case, case_id), err.status)
        flash(_("De wijzigingen zijn opgeslagen."), "success")
        return _page(case)
    return pages.edit_page(CASE, form, case)
