"""The editors' pages: the overview, the composer, preview and checks, approve and send, the send report."""

from contextlib import contextmanager

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from circles.core.db import db, utcnow
from circles.core.loading import load_or_404
from circles.core.permissions import require
from circles.core.security import FRAMED_EMAIL_POLICY
from circles.core.setup import EmptyForm
from circles.core.views import form_page
from circles.meetings.forms import parse_date
from circles.newsletter import bp, sending, services
from circles.newsletter.forms import AddSectionForm, ComposeForm
from circles.newsletter.models import (
    SUBSCRIBER_STATUS_LABELS,
    Issue,
    IssueStatus,
    SubscriberStatus,
)
from circles.newsletter.render import default_section_title
from circles.reference.services import regions_by_name, sectors_in_order


def _issue_for_change(issue_id: int) -> Issue:
    """The issue an editor's button acts on, after the permission and the form's token."""
    require("newsletter.edit")
    issue = load_or_404(Issue, issue_id)
    _checked_post()
    return issue


@contextmanager
def _refusal_as_status():
    """A refused step of the workflow answers its status (a button the page no longer offers)."""
    try:
        yield
    except services.ComposeError as exc:
        abort(exc.status)


def _checked_post() -> None:
    """Buttons are forms with only a CSRF token."""
    if not EmptyForm().validate_on_submit():
        abort(400)


def section_title(section) -> str:
    return section.title or str(default_section_title(section.kind))


@bp.route("/nieuwsbrief/redactie")
@login_required
def editor_home():
    """Where editors start: the issue being prepared, earlier issues, subscribers and waiting news."""
    require("newsletter.edit")
    return render_template("newsletter/editor_home.html", issues=services.issues_newest_first(),
                           open_issue=services.open_issue(), subscriber_counts=services.subscriber_counts(),
                           status_labels=SUBSCRIBER_STATUS_LABELS, waiting_news=services.waiting_news_count(),
                           next_date=services.next_issue_date(utcnow().date()))


@bp.route("/nieuwsbrief/redactie/nieuw", methods=["POST"])
@login_required
def new_issue():
    require("newsletter.edit")
    _checked_post()
    try:
        issue = services.new_issue(current_user, utcnow())
    except services.ComposeError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("newsletter.editor_home")), 303
    db.session.commit()
    flash(_("Editie %(number)s is opgesteld uit wat er sinds de vorige editie op het platform gebeurde.",
            number=issue.number), "success")
    return redirect(url_for("newsletter.compose", issue_id=issue.id))


def _compose_page(issue: Issue, form: ComposeForm, add_form: AddSectionForm | None = None, status=None,
                  findings=None):
    add_form = add_form or AddSectionForm(formdata=None)
    add_form.fill_choices(sectors_in_order(), regions_by_name())
    items = {item.id: item for item in issue.items}
    return form_page("newsletter/compose.html", form, status=status, issue=issue, add_form=add_form, items=items,
                     section_title=section_title, findings=findings, kind_labels=services.KIND_LABELS,
                     interest_names=_interest_names(),
                     nearly_empty=services.included_count(issue) < services.NEARLY_EMPTY)


def _interest_names() -> dict[str, str]:
    names = {s.code: s.label for s in sectors_in_order()}
    names.update({r.code: r.name for r in regions_by_name()})
    return names


@bp.route("/nieuwsbrief/redactie/<int:issue_id>", methods=["GET", "POST"])
@login_required
def compose(issue_id: int):
    """The whole issue in one form. Move buttons save what was typed, then move."""
    require("newsletter.edit")
    issue = load_or_404(Issue, issue_id)
    if issue.status != IssueStatus.DRAFT:
        if request.method == "POST":
            abort(409)
        return redirect(url_for("newsletter.issue_status", issue_id=issue.id))
    form = ComposeForm()
    if request.method == "GET":
        form = ComposeForm(formdata=None)
        form.fill_from(issue)
    form.set_choices(issue.sections, section_title)
    if not form.validate_on_submit():
        return _compose_page(issue, form)
    services.save(issue, subject=form.subject.data, issue_date=parse_date(form.issue_date.data),
                  intro=form.intro.data or "", items=form.item_values(), sections=form.section_values())
    action = (request.form.get("move") or "").split(":")
    if len(action) == 3 and action[0] in ("item", "section") and action[1].isdigit() and action[2] in ("up", "down"):
        services.move(issue, action[0], int(action[1]), action[2])
        db.session.commit()
        return redirect(url_for("newsletter.compose", issue_id=issue.id, _anchor=f"{action[0]}-{action[1]}"))
    db.session.commit()
    flash(_("De editie is opgeslagen."), "success")
    return redirect(url_for("newsletter.compose", issue_id=issue.id))


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/sectie", methods=["POST"])
@login_required
def add_section(issue_id: int):
    require("newsletter.edit")
    issue = load_or_404(Issue, issue_id)
    add_form = AddSectionForm()
    add_form.fill_choices(sectors_in_order(), regions_by_name())
    form = ComposeForm(formdata=None)
    form.fill_from(issue)
    form.set_choices(issue.sections, section_title)
    if not add_form.validate_on_submit():
        return _compose_page(issue, form, add_form, status=422)
    try:
        services.add_section(issue, title=add_form.title.data, sectors=add_form.sectors.data or [],
                             regions=add_form.regions.data or [])
    except services.ComposeError as exc:
        add_form.title.errors = [*add_form.title.errors, exc.message]
        return _compose_page(issue, form, add_form, status=exc.status)
    db.session.commit()
    flash(_("De sectie is toegevoegd. Verplaats er onderwerpen naartoe met de keuzelijst “Sectie”."), "success")
    return redirect(url_for("newsletter.compose", issue_id=issue.id))


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/sectie/<int:section_id>/verwijderen", methods=["POST"])
@login_required
def remove_section(issue_id: int, section_id: int):
    issue = _issue_for_change(issue_id)
    with _refusal_as_status():
        services.remove_section(issue, section_id)
    db.session.commit()
    flash(_("De sectie is verwijderd; de onderwerpen staan weer in hun eigen sectie."), "success")
    return redirect(url_for("newsletter.compose", issue_id=issue.id))


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/verversen", methods=["POST"])
@login_required
def refresh(issue_id: int):
    """Add what was published since the draft was made, and take over changed times and titles."""
    issue = _issue_for_change(issue_id)
    with _refusal_as_status():
        added = services.refresh(issue, utcnow())
        updated = services.update_from_platform(issue)
    db.session.commit()
    flash(_("Nieuwe onderwerpen: %(added)s. Bijgewerkt: %(updated)s.", added=added, updated=updated),
          "success")
    return redirect(url_for("newsletter.compose", issue_id=issue.id))


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/verwijderen", methods=["POST"])
@login_required
def delete_issue(issue_id: int):
    issue = _issue_for_change(issue_id)
    with _refusal_as_status():
        services.delete_draft(issue, current_user)
    db.session.commit()
    flash(_("Het concept is verwijderd."), "success")
    return redirect(url_for("newsletter.editor_home"))


# --- preview, checks, test send ------------------------------------------------------------------

def _language_param() -> str:
    """The language of the preview: ?taal=, else the editor's own."""
    language = request.args.get("taal") or str(get_locale() or "nl")
    return language if language in services.LANGUAGES else "nl"


def _data(issue: Issue) -> dict:
    return issue.snapshot if issue.snapshot else services.snapshot(issue)


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/voorbeeld")
@login_required
def preview(issue_id: int):
    """The e-mail as readers get it, wide and narrow, HTML and plain text, and the checks."""
    require("newsletter.edit")
    issue = load_or_404(Issue, issue_id)
    return _preview_page(issue)


def _preview_page(issue: Issue, error=None, status: int = 200):
    """The preview in the language asked for, with the checks while the issue is a draft."""
    language = _language_param()
    rendered = services.render(_data(issue), language)
    return render_template("newsletter/preview.html", issue=issue, language=language, rendered=rendered,
                           size_kb=(len(rendered.html.encode()) + len(rendered.text.encode())) / 1024,
                           findings=services.findings(issue, utcnow()) if issue.status == IssueStatus.DRAFT else None,
                           error=error), status


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/voorbeeld.html")
@login_required
def preview_html(issue_id: int):
    """The HTML part alone, for the preview frames. Its own policy: the inline styles e-mail needs, no
    scripts, shown only inside this site's pages."""
    require("newsletter.edit")
    issue = load_or_404(Issue, issue_id)
    rendered = services.render(_data(issue), _language_param())
    response = make_response(rendered.html)
    response.headers["Content-Security-Policy"] = FRAMED_EMAIL_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/testmail", methods=["POST"])
@login_required
def test_send(issue_id: int):
    issue = _issue_for_change(issue_id)
    sending.test_send(issue, current_user)
    db.session.commit()
    flash(_("Een testversie is verstuurd naar %(address)s.", address=current_user.email), "success")
    return redirect(url_for("newsletter.preview", issue_id=issue.id))


# --- approve, reopen, send, report ---------------------------------------------------------------

@bp.route("/nieuwsbrief/redactie/<int:issue_id>/goedkeuren", methods=["POST"])
@login_required
def approve(issue_id: int):
    issue = _issue_for_change(issue_id)
    try:
        services.approve(issue, current_user, utcnow())
    except services.ComposeError as exc:
        db.session.rollback()
        return _preview_page(load_or_404(Issue, issue_id), exc.message, exc.status)
    db.session.commit()
    flash(_("Editie %(number)s is goedgekeurd en vastgelegd. Controleer de ontvangers en verstuur haar.",
            number=issue.number), "success")
    return redirect(url_for("newsletter.issue_status", issue_id=issue.id))


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/terug-naar-concept", methods=["POST"])
@login_required
def reopen(issue_id: int):
    issue = _issue_for_change(issue_id)
    with _refusal_as_status():
        services.reopen(issue, current_user)
    db.session.commit()
    flash(_("De editie is weer een concept."), "success")
    return redirect(url_for("newsletter.compose", issue_id=issue.id))


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/verzenden", methods=["POST"])
@login_required
def send(issue_id: int):
    issue = _issue_for_change(issue_id)
    try:
        count = sending.start(issue, current_user, utcnow())
    except services.ComposeError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("newsletter.issue_status", issue_id=issue_id)), 303
    db.session.commit()
    flash(ngettext("Editie %(number)s gaat naar %(num)d abonnee. De verzending loopt op de achtergrond.",
                   "Editie %(number)s gaat naar %(num)d abonnees. De verzending loopt op de achtergrond.", count,
            number=issue.number, count=count), "success")
    return redirect(url_for("newsletter.issue_status", issue_id=issue.id))


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/status")
@login_required
def issue_status(issue_id: int):
    """An approved issue (ready to send) or the send report of one that is going or went out."""
    require("newsletter.edit")
    issue = load_or_404(Issue, issue_id)
    if issue.status == IssueStatus.DRAFT:
        return redirect(url_for("newsletter.compose", issue_id=issue.id))
    confirmed = services.subscriber_counts().get(SubscriberStatus.CONFIRMED.value, 0)
    report = sending.report(issue) if issue.status in (IssueStatus.SENDING, IssueStatus.SENT) else None
    return render_template("newsletter/status.html", issue=issue, report=report, confirmed=confirmed)


@bp.route("/nieuwsbrief/redactie/<int:issue_id>/opnieuw-proberen", methods=["POST"])
@login_required
def retry_failed(issue_id: int):
    issue = _issue_for_change(issue_id)
    with _refusal_as_status():
        count = sending.retry_failed(issue, current_user)
    db.session.commit()
    flash(ngettext("%(num)d mislukt bericht staat opnieuw klaar om te versturen.",
                   "%(num)d mislukte berichten staan opnieuw klaar om te versturen.", count), "success")
    return redirect(url_for("newsletter.issue_status", issue_id=issue.id))


# The routes of the sub-features, registered on this feature's blueprint with this module.
from circles.newsletter.archive import views as archive_views  # noqa: E402,F401
from circles.newsletter.news import views as news_views  # noqa: E402,F401
from circles.newsletter.subscriptions import views as subscription_views  # noqa: E402,F401
