"""Attachments of packages and cases: download and delete (adding one is a page of the workflow, for every
kind: workflow/views.py). Each view: load (404), authorise, validate, one service call, commit, flash,
redirect; a storage failure says so (503), never a 500."""

import io

from flask import abort, current_app, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from circles.core.db import db
from circles.core.permissions import require
from circles.core.setup import EmptyForm
from circles.core.storage import MissingFile, StorageError
from circles.core.uploads import format_size, type_label
from circles.groups.models import Visibility
from circles.workpackages import bp
from circles.workpackages.attachments import services
from circles.workpackages.loading import case_or_404, kind_of, package_or_404
from circles.workpackages.models import Attachment, Status


@bp.app_template_filter("filesize")
def filesize_filter(size) -> str:
    """A size in bytes as "12 kB" or "1,5 MB"."""
    return format_size(int(size or 0))


@bp.app_template_filter("filetype_label")
def filetype_label_filter(content_type) -> str:
    """ "PDF", "DOCX", "PNG"... for a content type."""
    return type_label(content_type or "")


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
    kind = kind_of(owner)
    require(kind.permission("edit"), owner)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    name = attachment.filename
    services.remove_attachment(attachment)
    db.session.commit()
    flash(_("De bijlage %(name)s is verwijderd.", name=name), "success")
    return redirect(kind.show_url(owner))
