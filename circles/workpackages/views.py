"""Work-package pages: the searchable library, one package, writing with revisions, publishing and
review, copying ("overnemen") and reporting jobs; and the package parts of circle and sector pages.
Each view: load (404), authorise (403), validate, call one service, commit, flash, redirect."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from circles.core import revisions, slots
from circles.core.db import db
from circles.core.pagecache import for_everyone
from circles.core.permissions import can, require
from circles.core.setup import EmptyForm
from circles.core.views import form_page
from circles.groups.models import Circle, Visibility
from circles.workpackages import attachments as attachment_services
from circles.workpackages import bp, services
from circles.workpackages.content import package_content
from circles.workpackages.export import package_markdown
from circles.workpackages.forms import PackageForm, PublishForm, ReportForm, SendBackForm
from circles.workpackages.instruments import INSTRUMENTS_BY_CODE
from circles.workpackages.loading import package_or_404
from circles.workpackages.models import (
    CONTENT_VISIBILITY_LABELS,
    CONTRACT_LABELS,
    FREQUENCY_LABELS,
    GUIDANCE_LABELS,
    HOURS_PER_JOB,
    INDEPENDENCE_LABELS,
    LANGUAGE_LABELS,
    LICENCE_LABELS,
    LICENCE_URLS,
    SETTING_LABELS,
    WORK_LEVEL_LABELS,
    Status,
    WorkPackage,
    package_sectors,
)

LABELS = {"setting": SETTING_LABELS, "level": WORK_LEVEL_LABELS, "contract": CONTRACT_LABELS,
          "guidance": GUIDANCE_LABELS, "frequency": FREQUENCY_LABELS, "independence": INDEPENDENCE_LABELS,
          "licence": LICENCE_LABELS, "licence_url": LICENCE_URLS, "language": LANGUAGE_LABELS,
          "visibility": CONTENT_VISIBILITY_LABELS, "instruments": INSTRUMENTS_BY_CODE}


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
    editable = can(current_user, "package.edit", package)
    # Forms only for those who get them: a form puts a token of the reader's session in the page, so a visitor
    # would get a session cookie and a page that cannot be kept for everyone (core.pagecache).
    signed_in = current_user.is_authenticated
    publish_form = forms.get("publish_form") or (_publish_form(package) if editable else None)
    context = dict(
        package=package, labels=LABELS,
        uptake=services.uptake([package.id]).get(package.id, services.Uptake()),
        adoptions=services.adoptions_of(package) if current_user.is_authenticated else [],
        tree=services.family_tree(package),
        cases=services.cases_of_package(package, current_user),
        adoption=services.adoption_of(package) if package.copied_from_id else None,
        attachments=attachment_services.attachments_of(package),
        attachment_form=forms.get("attachment_form") or (attachment_services.AttachmentForm() if editable else None),
        publish_form=publish_form,
        send_back_form=forms.get("send_back_form") or (SendBackForm() if signed_in else None),
        report_form=forms.get("report_form") or (ReportForm() if signed_in else None),
        owner=package, owner_kind="package",
    )
    return render_template("workpackages/show.html", **context), status


def _publish_form(package: WorkPackage) -> PublishForm:
    """The choices the editor has: the circle directly (if a member of it), the platform or the public."""
    form = PublishForm(prefix="publiceren")
    allowed = [Visibility.PLATFORM, Visibility.PUBLIC]
    if can(current_user, "package.publish_to_circle", package):
        allowed.insert(0, Visibility.CIRCLE)
    form.limit_to(allowed)
    if not form.visibility.data:
        form.visibility.data = allowed[0]
    return form


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
    if form.add_tasks.data:
        form.add_empty_rows()
        return form_page("workpackages/form.html", form, 200, package=None)
    if form.validate_on_submit():
        package = services.create_package(current_user, form.content(), circle=_chosen_circle(form))
        db.session.commit()
        flash(_("Het werkpakket is opgeslagen als concept. Publiceer het als het klaar is."), "success")
        return _page(package)
    return form_page("workpackages/form.html", form, package=None)


@bp.route("/werkpakketten/<int:package_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(package_id: int):
    """Edit as a new revision. The form carries the revision it started from: a save after someone
    else's is refused (409) with this editor's text kept and the difference shown."""
    package = package_or_404(package_id)
    require("package.edit", package)
    form = PackageForm()
    circles = services.my_circles(current_user)
    if package.circle is not None and package.circle not in circles:
        circles.append(package.circle)
    form.fill_circles(circles)
    if request.method == "GET":
        form.fill_from(package_content(package))
        form.revision.data = str(package.revision)
    if form.add_tasks.data:
        form.add_empty_rows()
        return form_page("workpackages/form.html", form, 200, package=package)
    if form.validate_on_submit():
        try:
            services.update_package(package, current_user, form.content(), based_on=int(form.revision.data),
                                    circle=_chosen_circle(form))
            db.session.commit()
        except (revisions.StaleEdit, IntegrityError):
            db.session.rollback()
            return _conflict(package, form)
        flash(_("De wijzigingen zijn opgeslagen."), "success")
        return _page(package)
    return form_page("workpackages/form.html", form, package=package)


def _conflict(package: WorkPackage, form: PackageForm):
    """409: someone saved in between. The form keeps this editor's text; the difference with the saved
    version is shown, and the hidden revision moves on so saving again after merging works."""
    package = db.session.get(WorkPackage, package.id)
    theirs = package_content(package)
    form.revision.data = str(package.revision)
    diff = revisions.diff_html(_markdown(theirs), _markdown(form.content()))
    return form_page("workpackages/form.html", form, 409, package=package, conflict_diff=diff)


def _markdown(content: dict) -> str:
    """The package as line-oriented text: what the diffs compare."""
    return package_markdown(content, organisation=None, circle=None, url=None, revision=None)


# --- publishing and review ---------------------------------------------------------------------------------

@bp.route("/werkpakketten/<int:package_id>/publiceren", methods=["POST"])
@login_required
def publish(package_id: int):
    """Publish to the circle at once, or offer it to the platform or the public (a reviewer decides)."""
    package = package_or_404(package_id)
    require("package.edit", package)
    form = _publish_form(package)
    if not form.validate_on_submit():
        return _show_page(package, 422, publish_form=form)
    try:
        if form.visibility.data == Visibility.CIRCLE:
            services.publish_to_circle(package, current_user)
            message = _("Het werkpakket is gepubliceerd in de leercirkel %(name)s.", name=package.circle.name)
        else:
            people = services.submit_for_review(package, current_user, form.visibility.data)
            message = (_("Het werkpakket wacht nu op een beoordeling. %(n)s beoordelaar(s) kregen bericht.",
                         n=len(people)) if people else
                       _("Het werkpakket wacht nu op een beoordeling door een beheerder."))
    except services.PackageError as err:
        db.session.rollback()
        form.visibility.errors = [*form.visibility.errors, err.message]
        return _show_page(package, err.status, publish_form=form)
    db.session.commit()
    flash(message, "success")
    return _page(package)


@bp.route("/werkpakketten/<int:package_id>/goedkeuren", methods=["POST"])
@login_required
def approve(package_id: int):
    """A reviewer publishes the package with the visibility that was asked for."""
    package = package_or_404(package_id)
    require("package.review", package)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.approve(package, current_user)
    db.session.commit()
    flash(_("Het werkpakket is goedgekeurd en gepubliceerd."), "success")
    return _page(package)


@bp.route("/werkpakketten/<int:package_id>/terugsturen", methods=["POST"])
@login_required
def send_back(package_id: int):
    """A reviewer sends the package back to draft, saying what should change."""
    package = package_or_404(package_id)
    require("package.review", package)
    form = SendBackForm()
    if not form.validate_on_submit():
        return _show_page(package, 422, send_back_form=form)
    services.send_back(package, current_user, form.note.data)
    db.session.commit()
    flash(_("Het werkpakket is teruggestuurd naar de schrijver."), "success")
    return redirect(url_for("workpackages.review_queue"))


@bp.route("/werkpakketten/<int:package_id>/archiveren", methods=["POST"])
@login_required
def archive(package_id: int):
    """No longer listed or found; the page and the copies stay."""
    package = package_or_404(package_id)
    require("package.edit", package)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.archive(package, current_user)
    db.session.commit()
    flash(_("Het werkpakket is gearchiveerd."), "success")
    return _page(package)


@bp.route("/werkpakketten/<int:package_id>/heropenen", methods=["POST"])
@login_required
def reopen(package_id: int):
    """Back to draft, to work on it again."""
    package = package_or_404(package_id)
    require("package.edit", package)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.reopen(package, current_user)
    db.session.commit()
    flash(_("Het werkpakket is weer een concept."), "success")
    return _page(package)


@bp.route("/beoordelen")
@login_required
def review_queue():
    """Packages and cases waiting for a review this person may give."""
    require("review.queue")
    from circles.workpackages import case_services

    return render_template("workpackages/review_queue.html", packages=services.review_queue(current_user),
                           cases=case_services.review_queue(current_user), labels=LABELS)


# --- revisions -------------------------------------------------------------------------------------------------

@bp.route("/werkpakketten/<int:package_id>/geschiedenis")
@login_required
def history(package_id: int):
    """Every saved version with who and when."""
    package = package_or_404(package_id)
    require("package.edit", package)
    return render_template("workpackages/history.html", package=package, history=services.history(package))


def _revision_or_404(package: WorkPackage, number: int) -> revisions.Revision:
    revision = services.revision_of(package, number)
    if revision is None:
        abort(404)
    return revision


@bp.route("/werkpakketten/<int:package_id>/versies/<int:number>")
@login_required
def revision(package_id: int, number: int):
    """One version, with what changed against the one before and against the current text."""
    package = package_or_404(package_id)
    require("package.edit", package)
    rev = _revision_or_404(package, number)
    previous = services.revision_of(package, number - 1)
    text = _markdown(rev.content)
    before = _markdown(previous.content) if previous else ""
    return render_template("workpackages/revision.html", package=package, revision=rev, previous=previous,
                           text=text, diff_previous=revisions.diff_html(before, text),
                           diff_current=revisions.diff_html(text, _markdown(package_content(package))))


@bp.route("/werkpakketten/<int:package_id>/versies/<int:number>/terugzetten", methods=["POST"])
@login_required
def restore(package_id: int, number: int):
    """Restore an old version as a new one: nothing is lost."""
    package = package_or_404(package_id)
    require("package.edit", package)
    rev = _revision_or_404(package, number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.restore_revision(package, current_user, rev)
        db.session.commit()
    except (revisions.StaleEdit, IntegrityError):
        db.session.rollback()
        flash(_("Iemand anders sloeg het werkpakket net op. Bekijk de geschiedenis en probeer het opnieuw."),
              "error")
        return render_template("workpackages/history.html", package=package, history=services.history(package)), 409
    flash(_("Versie %(n)s is teruggezet als nieuwe versie.", n=number), "success")
    return redirect(url_for("workpackages.history", package_id=package.id))


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
    from circles.workpackages.permissions import visible_clause

    uptake = services.uptake_columns(WorkPackage.circle_id == circle.id, WorkPackage.status == Status.PUBLISHED)
    rows = db.session.execute(
        sa.select(WorkPackage, *uptake)
        .where(WorkPackage.circle_id == circle.id, visible_clause(WorkPackage, current_user))
        .order_by(WorkPackage.published_at.desc()).limit(10)).all()
    packages = [row[0] for row in rows]
    # The circle's uptake comes with its packages; a reader who may see none of them gets no figures either.
    total = services.Uptake.from_columns(rows[0][1:]) if rows else services.Uptake()
    return Markup(render_template("workpackages/_circle_slot.html", circle=circle, packages=packages, total=total))


def sector_page_slot(sector) -> Markup:
    """How often the sector's packages were copied and how many jobs that gave."""
    in_sector = sa.exists().where(package_sectors.c.package_id == WorkPackage.id,
                                  package_sectors.c.sector_code == sector.code)
    total = services.uptake_where(in_sector, WorkPackage.status == Status.PUBLISHED)
    return Markup(render_template("workpackages/_sector_slot.html", sector=sector, total=total))


slots.register("circle_page", circle_page_slot, order=40)
slots.register("sector_page", sector_page_slot, order=40)
