"""What the pages of one item show of the workflow, for every kind: the publish, send-back and attachment
forms and the attachments on its page, and the difference on its edit form after a conflict. Each kind's
views say how their item page is drawn (``on_show_page``), so a refused publish or send-back is answered
with that page and the form's errors."""

from collections.abc import Callable

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from circles.core import revisions
from circles.core.db import db
from circles.core.permissions import can
from circles.core.views import form_page
from circles.groups.models import Visibility
from circles.workpackages.attachments import services as attachment_services
from circles.workpackages.attachments.forms import AttachmentForm
from circles.workpackages.workflow import Kind, PublishError
from circles.workpackages.workflow.forms import PublishForm, SendBackForm

#: kind name -> render(item, status=200, **forms): the item's page.
_SHOW_PAGES: dict[str, Callable] = {}


def on_show_page(kind: Kind, render: Callable) -> None:
    _SHOW_PAGES[kind.name] = render


def show_page(kind: Kind, item, status: int, **forms):
    return _SHOW_PAGES[kind.name](item, status, **forms)


def publish_form(kind: Kind, item) -> PublishForm:
    """The choices the editor has: the circle directly (if a member of it), the platform or the public."""
    form = PublishForm(prefix="publiceren")
    form.visibility.label.text = kind.words["who_reads"]
    allowed = [Visibility.PLATFORM, Visibility.PUBLIC]
    if can(current_user, kind.permission("publish_to_circle"), item):
        allowed.insert(0, Visibility.CIRCLE)
    form.limit_to(allowed)
    if not form.visibility.data:
        form.visibility.data = allowed[0]
    return form


def item_context(kind: Kind, item, forms: dict) -> dict:
    """The workflow's part of an item page. Forms only for those who get them: a form puts a token of the
    reader's session in the page, so a visitor would get a session cookie and a page that cannot be kept for
    everyone (core.pagecache)."""
    editable = can(current_user, kind.permission("edit"), item)
    signed_in = current_user.is_authenticated
    return dict(
        item=item, kind=kind, owner=item, owner_kind=kind.name,
        attachments=attachment_services.attachments_of(item),
        attachment_form=forms.get("attachment_form") or (AttachmentForm() if editable else None),
        publish_form=forms.get("publish_form") or (publish_form(kind, item) if editable else None),
        send_back_form=forms.get("send_back_form") or (SendBackForm() if signed_in else None),
    )


def conflict_page(kind: Kind, item, form):
    """409: someone saved in between. The form keeps this editor's text; the difference with the saved
    version is shown, and the hidden revision moves on so saving again after merging works."""
    item = db.session.get(kind.model, item.id)
    theirs = kind.content(item)
    form.revision.data = str(item.revision)
    diff = revisions.diff_html(kind.markdown(theirs), kind.markdown(form.content()))
    return edit_page(kind, form, item, 409, conflict_diff=diff)


def edit_page(kind: Kind, form, item, status: int | None = None, **context):
    """The kind's edit form for ``item`` (None: a new one); 422 when the form was sent with errors."""
    return form_page(kind.form_template, form, status, item=item, kind=kind, **context)


def create_flow(kind: Kind, form, create: Callable):
    """The rest of a "new item" page once its form is built: more rows, or ``create()`` the draft (a refusal
    from the service shows on the form), commit, and on to its page."""
    if form.adding_rows:
        form.add_empty_rows()
        return edit_page(kind, form, None, 200)
    if form.validate_on_submit():
        try:
            item = create()
        except PublishError as err:
            db.session.rollback()
            form.show_refusal(err.message)
            return edit_page(kind, form, None, err.status)
        db.session.commit()
        flash(str(kind.words["created"]), "success")
        return redirect(kind.show_url(item))
    return edit_page(kind, form, None)


def edit_flow(kind: Kind, item, form, save: Callable):
    """The rest of an edit page once its form is built: the item's content on GET, more rows, or
    ``save(based_on)`` as a new revision. A save after someone else's is refused (409) with this editor's
    text kept and the difference shown."""
    if request.method == "GET":
        form.fill_from(kind.content(item))
        form.revision.data = str(item.revision)
    if form.adding_rows:
        form.add_empty_rows()
        return edit_page(kind, form, item, 200)
    if not form.validate_on_submit():
        return edit_page(kind, form, item)
    try:
        save(int(form.revision.data))
        db.session.commit()
    except (revisions.StaleEdit, IntegrityError):
        db.session.rollback()
        return conflict_page(kind, item, form)
    except PublishError as err:
        db.session.rollback()
        form.show_refusal(err.message)
        return edit_page(kind, form, db.session.get(kind.model, item.id), err.status)
    flash(_("De wijzigingen zijn opgeslagen."), "success")
    return redirect(kind.show_url(item))
