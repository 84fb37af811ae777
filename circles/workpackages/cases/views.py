"""Good-practice case pages (goede voorbeelden): the searchable list, one case, writing. Its versions,
publishing, review and attachments are the workflow's pages (workflow/views.py), as for work packages.
Each view: load (404), authorise (403), validate, call one service, commit, flash, redirect."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from circles.core.permissions import can, require
from circles.workpackages import bp, services
from circles.workpackages.cases import services as case_services
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


@bp.route("/voorbeelden/nieuw", methods=["GET", "POST"])
@login_required
def case_create():
    """Describe a new case; it starts as a draft of the writer's organisation. ``?werkpakket=<id>``
    picks the package it built on."""
    require("case.create")
    form = _case_form(None)
    if request.method == "GET":
        _fill_defaults(form, request.args.get("werkpakket", "", type=str))
    return pages.create_flow(CASE, form, lambda: case_services.create_case(current_user, form.content()))


def _fill_defaults(form: CaseForm, wanted_package: str) -> None:
    """A new case: the sector and region of the writer's organisation, and the package asked for."""
    organisation = current_user.organisation
    form.sector.data = organisation.sector_code if organisation else ""
    form.region.data = (organisation.municipality.region_code
                        if organisation and organisation.municipality else "")
    if wanted_package.isdigit() and any(choice.value == wanted_package for choice in form.package.choices):
        form.package.data = wanted_package


@bp.route("/voorbeelden/<int:case_id>/bewerken", methods=["GET", "POST"])
@login_required
def case_edit(case_id: int):
    """Edit as a new revision (see pages.edit_flow: a save after someone else's is refused)."""
    case = case_or_404(case_id)
    require("case.edit", case)
    form = _case_form(case)
    return pages.edit_flow(CASE, case, form, lambda based_on: case_services.update_case(
        case, current_user, form.content(), based_on=based_on))
