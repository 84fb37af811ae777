"""Work-package pages: the searchable library, one package, writing with revisions, publishing and
review, copying ("overnemen") and reporting jobs; and the package parts of circle and sector pages.
Each view: load (404), authorise (403), validate, call one service, commit, flash, redirect."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from circles.core import slots
from circles.core.db import db
from circles.core.pagecache import for_everyone
from circles.core.permissions import require
from circles.core.setup import EmptyForm
from circles.groups.models import Circle
from circles.workpackages import bp, services
from circles.workpackages.cases import services as case_services
from circles.workpackages.forms import PackageForm, ReportForm
from circles.workpackages.labels import PACKAGE_LABELS
from circles.workpackages.loading import package_or_404
from circles.workpackages.models import HOURS_PER_JOB, WorkPackage
from circles.workpackages.services import PACKAGE
from circles.workpackages.workflow import pages

LABELS = PACKAGE_LABELS


def _page(package: WorkPackage):
    return redirect(url_for("workpackages.show", package_id=package.id, slug=package.slug))


def _chosen_circle(form: PackageForm) -> Circle | None:
    """The circle picked (the form only offers the writer's own circles and the current one)."""
    return db.session.get(Circle, int(form.circle_id.data)) if form.circle_id.data else None


@bp.app_template_filter("hours")
def hours_filter(value) -> str:
    """Hours the Dutch way: 12,5."""
    return format_decimal(value or 0, format="#,##0.#")


@bp.app_template_filter("jobs")
def jobs_filter(hours) -> str:
    """The job equivalent of a number of hours a week (hours / 25.5), to two decimals."""
    return format_decimal((hours or 0) / HOURS_PER_JOB, format="0.00")


@bp.app_template_filter("euros")
def euros_filter(value) -> str:
    return format_currency(value or 0, "EUR", format="¤ #,##0", currency_digits=False)


# --- the library -------------------------------------------------------------------------------------

@bp.route("/werkpakketten")
@for_everyone
def index():
    """Search and filter the published packages the reader may see."""
    listing = services.search_packages(current_user, request.args.get("q", "", type=str), request.args)
    return render_template("workpackages/index.html", listing=listing, labels=LABELS)


@bp.route("/werkpakketten/mijn")
@login_required
def mine():
    """My organisation's packages in every status, and the copies we took over."""
    return render_template("workpackages/mine.html", packages=services.my_packages(current_user), labels=LABELS)


# --- one package ---------------------------------------------------------------------------------------

@bp.route("/werkpakketten/<int:package_id>-<slug>")
@for_everyone
def show(package_id: int, slug: str):
    """The whole package, with its uptake, its family of copies and what the reader may do with it."""
    package = package_or_404(package_id)
    if slug != package.slug:
        return redirect(url_for("workpackages.show", package_id=package.id, slug=package.slug), 301)
    return _show_page(package)


@bp.route("/werkpakketten/<int:package_id>")
def show_by_id(package_id: int):
    """A short link: sends the reader on to the page with the title in its address."""
    package = package_or_404(package_id)
    return _page(package)


def _show_page(package: WorkPackage, status: int = 200, **forms):
    signed_in = current_user.is_authenticated
    context = dict(
        pages.item_context(PACKAGE, package, forms), package=package, labels=LABELS,
        uptake=services.uptake([package.id]).get(package.id, services.Uptake()),
        adoptions=services.adoptions_of(package) if signed_in else [],
        tree=services.family_tree(package),
        cases=services.cases_of_package(package, current_user),
        adoption=services.adoption_of(package) if package.copied_from_id else None,
        # only for those who get them (see pages.item_context)
        report_form=forms.get("report_form") or (ReportForm() if signed_in else None),
    )
    return render_template("workpackages/show.html", **context), status


pages.on_show_page(PACKAGE, _show_page)


# --- writing ---------------------------------------------------------------------------------------------

@bp.route("/werkpakketten/nieuw", methods=["GET", "POST"])
@login_required
def create():
    """Describe a new package; it starts as a draft of the writer's organisation."""
    require("package.create")
    form = PackageForm()
    form.fill_circles(services.my_circles(current_user))
    wanted = request.args.get("leercirkel", type=str, default="")
    if request.method == "GET" and any(choice.value == wanted for choice in form.circle_id.choices):
        form.circle_id.data = wanted
    return pages.create_flow(PACKAGE, form, lambda: services.create_package(current_user, form.content(),
                                                                          circle=_chosen_circle(form)))


@bp.route("/werkpakketten/<int:package_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(package_id: int):
    """Edit as a new revision (see pages.edit_flow: a save after someone else's is refused)."""
    package = package_or_404(package_id)
    require("package.edit", package)
    form = PackageForm()
    circles = services.my_circles(current_user)
    if package.circle is not None and package.circle not in circles:
        circles.append(package.circle)
    form.fill_circles(circles)
    return pages.edit_flow(PACKAGE, package, form, lambda based_on: services.update_package(
        package, current_user, form.content(), based_on=based_on, circle=_chosen_circle(form)))


# --- review ---------------------------------------------------------------------------------------------

@bp.route("/beoordelen")
@login_required
def review_queue():
    """Packages and cases waiting for a review this person may give."""
    require("review.queue")
    return render_template("workpackages/review_queue.html", packages=services.review_queue(current_user),
                           cases=case_services.review_queue(current_user), labels=LABELS)


# --- copying and jobs ----------------------------------------------------------------------------------------

@bp.route("/werkpakketten/<int:package_id>/overnemen", methods=["GET", "POST"])
@login_required
def adopt(package_id: int):
    """Copy the package into my organisation as a draft to adapt; the copy remembers its source."""
    package = package_or_404(package_id)
    require("package.adopt", package)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            adoption = services.adopt(package, current_user)
        except services.PackageError as err:
            db.session.rollback()
            flash(str(err.message), "error")
            return render_template("workpackages/adopt.html", package=package, form=form, labels=LABELS), err.status
        db.session.commit()
        flash(_("Het werkpakket is overgenomen. Pas de kopie aan voor uw organisatie."), "success")
        return redirect(url_for("workpackages.edit", package_id=adoption.copy_id))
    return render_template("workpackages/adopt.html", package=package, form=form, labels=LABELS)


@bp.route("/werkpakketten/<int:package_id>/in-gebruik", methods=["POST"])
@login_required
def report(package_id: int):
    """On a copy: the adopting organisation reports it in use and the jobs it produced."""
    package = package_or_404(package_id)
    adoption = services.adoption_of(package)
    if adoption is None:
        abort(404)
    require("adoption.report", adoption)
    form = ReportForm()
    if not form.validate_on_submit():
        return _show_page(package, 422, report_form=form)
    services.report_in_use(adoption, current_user, form.jobs.data)
    db.session.commit()
    flash(_("Dank u. Het werkpakket staat als in gebruik genomen, met %(n)s baan/banen.", n=form.jobs.data),
          "success")
    return _page(package)


# --- on other pages ----------------------------------------------------------------------------------------

def circle_page_slot(circle: Circle) -> Markup:
    """The circle's published packages the reader may see, and how often they were copied."""
    packages, total = services.circle_packages(circle, current_user)
    return Markup(render_template("workpackages/slots/circle_page.html", circle=circle, packages=packages,
                                  total=total))


def sector_page_slot(sector) -> Markup:
    """How often the sector's packages were copied and how many jobs that gave."""
    return Markup(render_template("workpackages/slots/sector_page.html", sector=sector,
                                  total=services.sector_uptake(sector)))


slots.register("circle_page", circle_page_slot, order=40)
slots.register("sector_page", sector_page_slot, order=40)


# The routes of the other view modules and sub-features, registered with this module.
from circles.workpackages.api import views as api_views  # noqa: E402,F401
from circles.workpackages.attachments import views as attachment_views  # noqa: E402,F401
from circles.workpackages.cases import views as case_views  # noqa: E402,F401
from circles.workpackages.guide import views as guide_views  # noqa: E402,F401
from circles.workpackages.workflow import views as workflow_views  # noqa: E402,F401  (every kind's pages)
