"""Attachments of packages and cases: add (a small form page, also posted to from the owner's page),
download, delete. Each view: load (404), authorise, validate, one service call, commit, flash, redirect.
A refused upload re-renders the form with the reason (422); a storage failure says so (503); never a 500."""

import io

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from circles.core.db import db
from circles.core.permissions import require
from circles.core.setup import EmptyForm
from circles.core.storage import MissingFile, StorageError
from circles.core.uploads import format_size, type_label
from circles.groups.models import Visibility
from circles.workpackages import attachments as services
from circles.workpackages import bp
from circles.workpackages.loading import case_or_404, package_or_404
from circles.workpackages.models import Attachment, Status


@bp.app_template_filter("filesize")
def filesize_filter(size) -> str:
    """A size in bytes as "12 kB" or "1,5 MB"."""
    return format_size(int(size or 0))


@bp.app_template_filter("filetype_label")
def filetype_label_filter(content_type) -> str:
    """ "PDF", "DOCX", "PNG"... for a content type."""
    return type_label(content_type or "")


def owner_url(owner) -> str:
    """The page of the package or case."""
    if services.owner_kind(owner) == "package":
        return url_for("workpackages.show", package_id=owner.id, slug=owner.slug)
    return url_for("workpackages.case_show", case_id=owner.id, slug=owner.slug)


def _add(owner, edit_rule: str):
    """The shared body of the two add views."""
    require(edit_rule, owner)
    form = services.AttachmentForm()
    if form.validate_on_submit():
        try:
            services.add_attachment(owner, current_user, form.checked, form.description.data or "")
            db.session.commit()
        except StorageError as error:
            db.session.rollback()
            current_app.logger.error("attachment not stored: %s", error.reason)
            form.file.errors = [*form.file.errors,
                                _("Het bestand kon niet worden opgeslagen. Probeer het later opnieuw; lukt het dan "
                                  "nog niet, neem dan contact met ons op.")]
            return _form_page(owner, form, 503)
        flash(_("De bijlage %(name)s is toegevoegd.", name=form.checked.filename), "success")
        return redirect(owner_url(owner))
    return _form_page(owner, form)


def _form_page(owner, form, status: int | None = None):
    return render_template("workpackages/attachment_form.html", form=form, owner=owner,
                           owner_kind=services.owner_kind(owner), owner_url=owner_url(owner)), \
        status or (422 if form.errors else 200)


@bp.route("/werkpakketten/<int:package_id>/bijlagen", methods=["GET", "POST"])
@login_required
def attachment_add(package_id: int):
    """Add a file to a package: its editors only."""
    return _add(package_or_404(package_id), "package.edit")


@bp.route("/voorbeelden/<int:case_id>/bijlagen", methods=["GET", "POST"])
@login_required
def case_attachment_add(case_id: int):
    """Add a file to a case: its editors only."""
    return _add(case_or_404(case_id), "case.edit")


def _attachment_and_owner(attachment_id: int):
    """The attachment and its owner, or 404 when either is gone or the reader may not see the owner."""
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.package_id is not None:
        return attachment, package_or_404(attachment.package_id)
    if attachment.case_id is not None:
        return attachment, case_or_404(attachment.case_id)
    abort(404)


@bp.route("/bijlagen/<int:attachment_id>/<filename>")
def attachment_download(attachment_id: int, filename: str):
    """The file, as a download (never shown inline), for whoever may read its package or case."""
    attachment, owner = _attachment_and_owner(attachment_id)
    if filename != attachment.filename:
        return redirect(url_for("workpackages.attachment_download", attachment_id=attachment.id,
                                filename=attachment.filename), 301)
    try:
        # Read whole (at most 10 MB): no open file is left to whoever forgets to close the response.
        with services.open_file(attachment) as stream:
            data = stream.read()
    except MissingFile:
        current_app.logger.error("attachment %s: file %s is missing", attachment.id, attachment.storage_key)
        abort(404)
    except (StorageError, OSError) as error:
        current_app.logger.error("attachment %s unreadable: %s", attachment.id, getattr(error, "reason", error))
        abort(503)
    response = send_file(io.BytesIO(data), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, etag=False, conditional=False)
    # Files of public, published items may be cached anywhere for a while; all others only by the reader's
    # own browser, and checked again each time (access can be taken away).
    public = owner.visibility == Visibility.PUBLIC and owner.status in (Status.PUBLISHED, Status.ARCHIVED)
    response.headers["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
    response.headers.pop("Expires", None)
    return response


@bp.route("/bijlagen/<int:attachment_id>/verwijderen", methods=["POST"])
@login_required
def attachment_delete(attachment_id: int):
    """Delete an attachment: whoever may edit its package or case."""
    attachment, owner = _attachment_and_owner(attachment_id)
    require(f"{services.owner_kind(owner)}.edit", owner)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    name = attachment.filename
    services.remove_attachment(attachment)
    db.session.commit()
    flash(_("De bijlage %(name)s is verwijderd.", name=name), "success")
    return redirect(owner_url(owner))
