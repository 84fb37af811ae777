"""The workflow's pages, written once and registered for every kind under that kind's endpoint names and
addresses (``workpackages.history`` at /werkpakketten/<package_id>/geschiedenis, ``workpackages.case_history``
at /voorbeelden/<case_id>/geschiedenis, ...). Each view: load (404), authorise (403), validate, call one
service, commit, flash, redirect."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from circles.core import revisions
from circles.core.db import db
from circles.core.permissions import require
from circles.core.setup import EmptyForm
from circles.core.storage import StorageError
from circles.groups.models import Visibility
from circles.workpackages import bp
from circles.workpackages.attachments import services as attachment_services
from circles.workpackages.attachments.forms import AttachmentForm
from circles.workpackages.loading import KINDS, load
from circles.workpackages.workflow import Kind, PublishError, pages
from circles.workpackages.workflow import services as workflow
from circles.workpackages.workflow.forms import SendBackForm

HISTORY = "workpackages/workflow/item_history.html"


def _page(kind: Kind, item):
    return redirect(kind.show_url(item))


# --- publishing and review ---------------------------------------------------------------------------------

def publish(kind: Kind, item_id: int):
    """Publish to the circle at once, or offer it to the platform or the public (a reviewer decides)."""
    item = load(kind, item_id)
    require(kind.permission("edit"), item)
    form = pages.publish_form(kind, item)
    if not form.validate_on_submit():
        return pages.show_page(kind, item, 422, publish_form=form)
    try:
        message = _publish(kind, item, form.visibility.data)
    except PublishError as err:
        db.session.rollback()
        form.visibility.errors = [*form.visibility.errors, err.message]
        return pages.show_page(kind, item, err.status, publish_form=form)
    db.session.commit()
    flash(message, "success")
    return _page(kind, item)


def _publish(kind: Kind, item, visibility: str) -> str:
    """Publish or offer for review; the message that says which happened."""
    if visibility == Visibility.CIRCLE:
        workflow.publish_to_circle(kind, item, current_user)
        return kind.words["published_in_circle"] % {"name": item.circle.name}
    people = workflow.submit_for_review(kind, item, current_user, visibility)
    return kind.words["waiting_reviewers"] % {"n": len(people)} if people else str(kind.words["waiting_admin"])


def _step(kind: Kind, item_id: int, permission: str, step, done: str):
    """A one-button step (approve, archive, reopen): the service ``step``, then the message ``done``."""
    item = load(kind, item_id)
    require(kind.permission(permission), item)
    if not EmptyForm().validate_on_submit():
        abort(400)
    step(kind, item, current_user)
    db.session.commit()
    flash(str(kind.words[done]), "success")
    return _page(kind, item)


def approve(kind: Kind, item_id: int):
    """A reviewer publishes the item with the visibility that was asked for."""
    return _step(kind, item_id, "review", workflow.approve, "approved")


def archive(kind: Kind, item_id: int):
    """No longer listed or found; the page (and a package's copies) stay for those who may read it."""
    return _step(kind, item_id, "edit", workflow.archive, "archived")


def reopen(kind: Kind, item_id: int):
    """Back to draft, to work on it again."""
    return _step(kind, item_id, "edit", workflow.reopen, "reopened")


def send_back(kind: Kind, item_id: int):
    """A reviewer sends the item back to draft, saying what should change."""
    item = load(kind, item_id)
    require(kind.permission("review"), item)
    form = SendBackForm()
    if not form.validate_on_submit():
        return pages.show_page(kind, item, 422, send_back_form=form)
    workflow.send_back(kind, item, current_user, form.note.data)
    db.session.commit()
    flash(str(kind.words["sent_back"]), "success")
    return redirect(url_for("workpackages.review_queue"))


# --- versions ----------------------------------------------------------------------------------------------

def history(kind: Kind, item_id: int):
    """Every saved version with who and when."""
    item = load(kind, item_id)
    require(kind.permission("edit"), item)
    return render_template(HISTORY, item=item, kind=kind, history=workflow.history(kind, item))


def _revision_or_404(kind: Kind, item, number: int) -> revisions.Revision:
    revision = workflow.revision_of(kind, item, number)
    if revision is None:
        abort(404)
    return revision


def revision(kind: Kind, item_id: int, number: int):
    """One version, with what changed against the one before and against the current text."""
    item = load(kind, item_id)
    require(kind.permission("edit"), item)
    rev = _revision_or_404(kind, item, number)
    previous = workflow.revision_of(kind, item, number - 1)
    text = kind.markdown(rev.content)
    before = kind.markdown(previous.content) if previous else ""
    return render_template("workpackages/workflow/item_revision.html", item=item, kind=kind, revision=rev,
                           previous=previous, text=text, diff_previous=revisions.diff_html(before, text),
                           diff_current=revisions.diff_html(text, kind.markdown(kind.content(item))))


def restore(kind: Kind, item_id: int, number: int):
    """Restore an old version as a new one: nothing is lost."""
    item = load(kind, item_id)
    require(kind.permission("edit"), item)
    rev = _revision_or_404(kind, item, number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        kind.restore(item, current_user, rev)
        db.session.commit()
    except (revisions.StaleEdit, IntegrityError, PublishError):
        db.session.rollback()
        flash(str(kind.words["restore_conflict"]), "error")
        item = db.session.get(kind.model, item_id)
        return render_template(HISTORY, item=item, kind=kind, history=workflow.history(kind, item)), 409
    flash(_("Versie %(n)s is teruggezet als nieuwe versie.", n=number), "success")
    return redirect(kind.url("history", item))


# --- attachments -------------------------------------------------------------------------------------------

def attachment_add(kind: Kind, item_id: int):
    """Add a file to the item: its editors only. A storage failure says so (503), never a 500."""
    owner = load(kind, item_id)
    require(kind.permission("edit"), owner)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attachment_services.add_attachment(owner, current_user, form.checked, form.description.data or "")
            db.session.commit()
        except StorageError as error:
            db.session.rollback()
            current_app.logger.error("attachment not stored: %s", error.reason)
            form.file.errors = [*form.file.errors,
                                _("Het bestand kon niet worden opgeslagen. Probeer het later opnieuw; lukt het dan "
                                  "nog niet, neem dan contact met ons op.")]
            return _attachment_page(kind, owner, form, 503)
        flash(_("De bijlage %(name)s is toegevoegd.", name=form.checked.filename), "success")
        return _page(kind, owner)
    return _attachment_page(kind, owner, form)


def _attachment_page(kind: Kind, owner, form, status: int | None = None):
    return render_template("workpackages/attachments/form.html", form=form, owner=owner, kind=kind,
                           owner_kind=kind.name, owner_url=kind.show_url(owner)), \
        status or (422 if form.errors else 200)


# --- one registration per kind -------------------------------------------------------------------------------

#: (action, address after the item's own, view, methods): the endpoint is the kind's prefix + the action.
PAGES = (
    ("publish", "/publiceren", publish, ["POST"]),
    ("approve", "/goedkeuren", approve, ["POST"]),
    ("send_back", "/terugsturen", send_back, ["POST"]),
    ("archive", "/archiveren", archive, ["POST"]),
    ("reopen", "/heropenen", reopen, ["POST"]),
    ("history", "/geschiedenis", history, ["GET"]),
    ("revision", "/versies/<int:number>", revision, ["GET"]),
    ("restore", "/versies/<int:number>/terugzetten", restore, ["POST"]),
    ("attachment_add", "/bijlagen", attachment_add, ["GET", "POST"]),
)


def _bound(kind: Kind, view):
    """``view`` for one kind, called with the item's id from the kind's own URL variable."""
    def page(**values):
        return view(kind, values.pop(kind.id_arg), **values)

    page.__name__, page.__doc__ = kind.endpoint_prefix + view.__name__, view.__doc__
    return login_required(page)


def register(kind: Kind) -> None:
    for action, address, view, methods in PAGES:
        bp.add_url_rule(kind.url_base + address, endpoint=kind.endpoint_prefix + action,
                        view_func=_bound(kind, view), methods=methods)


for _kind in KINDS.values():
    register(_kind)
