"""Attachments of work packages and cases (the upload form is in ``forms.py``). Services never touch the
request, flash or commit.

The file and the row must not drift apart, and the database transaction decides:
* adding stores the file first (a storage failure raises ``StorageError`` and nothing is added); the new
  file is remembered on the session and deleted again when the transaction ends without a commit (a failed
  flush or commit, a rollback, an error page), so no file is left without its row;
* removing deletes the row, and the file only AFTER the commit: a failed commit keeps both. A file that
  cannot be deleted then is left behind (logged), never a row without its file.
"""

import logging

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.orm import Session

from circles.core.db import db
from circles.core.storage import StorageError, get_storage
from circles.core.uploads import CheckedUpload
from circles.workpackages.models import Attachment, Case, WorkPackage

log = logging.getLogger(__name__)

MAX_DESCRIPTION = 300
#: session.info keys: files stored in this transaction, and files to delete once it commits.
_NEW_FILES = "attachments.new_files"
_DOOMED_FILES = "attachments.doomed_files"


# --- services ------------------------------------------------------------------------------------------

def owner_kind(owner) -> str:
    """ "package" or "case"."""
    if isinstance(owner, WorkPackage):
        return "package"
    if isinstance(owner, Case):
        return "case"
    raise TypeError(f"attachments belong to a work package or a case, not {type(owner).__name__}")


def _owner_column(owner):
    return Attachment.package_id if owner_kind(owner) == "package" else Attachment.case_id


def add_attachment(owner, user, upload: CheckedUpload, description: str = "") -> Attachment:
    """Store the file and add its row to ``owner`` (a package or a case). Raises ``StorageError`` when the
    file cannot be stored; then nothing is added. The file is removed again if the transaction fails."""
    kind = owner_kind(owner)
    storage = get_storage()
    key = storage.save(upload.data)
    db.session.info.setdefault(_NEW_FILES, set()).add(key)
    try:
        attachment = Attachment(
            package_id=owner.id if kind == "package" else None,
            case_id=owner.id if kind == "case" else None,
            storage_key=key, filename=upload.filename, content_type=upload.content_type, size=upload.size,
            description=(description or "").strip()[:MAX_DESCRIPTION],
            uploaded_by_id=user.id if user is not None and user.is_authenticated else None,
        )
        db.session.add(attachment)
        db.session.flush()
    except Exception:
        db.session.info.get(_NEW_FILES, set()).discard(key)
        _delete_quietly(key)
        raise
    return attachment


def remove_attachment(attachment: Attachment) -> None:
    """Delete the row now and the file once the transaction commits."""
    db.session.info.setdefault(_DOOMED_FILES, set()).add(attachment.storage_key)
    db.session.delete(attachment)
    db.session.flush()


def remove_all(owner) -> None:
    """Delete every attachment of ``owner`` (before deleting the owner itself: the database's cascade would
    remove the rows but not the files)."""
    for attachment in attachments_of(owner):
        remove_attachment(attachment)


def attachments_of(owner) -> list[Attachment]:
    """The owner's attachments, oldest first (one query)."""
    return list(db.session.scalars(
        sa.select(Attachment).where(_owner_column(owner) == owner.id).order_by(Attachment.created_at, Attachment.id)))


def owner_of(attachment: Attachment) -> WorkPackage | Case | None:
    """The package or case the attachment belongs to."""
    if attachment.package_id is not None:
        return db.session.get(WorkPackage, attachment.package_id)
    if attachment.case_id is not None:
        return db.session.get(Case, attachment.case_id)
    return None


def open_file(attachment: Attachment):
    """The stored bytes, as an open binary file (raises ``StorageError``, ``MissingFile`` when gone)."""
    return get_storage().open(attachment.storage_key)


# --- keeping files and rows together -------------------------------------------------------------------

def _delete_quietly(key: str) -> None:
    if not has_app_context():  # the storage is the app's; sessions only run inside an app context anyway
        log.warning("attachment file %s left behind: no app context", key)
        return
    try:
        get_storage().delete(key)
    except StorageError as error:  # the row is what people see; an orphan file is only disk space
        log.warning("could not delete attachment file %s: %s", key, error.reason)


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    """The outer transaction committed: new files are kept, removed attachments' files go."""
    if session.in_nested_transaction():
        return
    session.info.pop(_NEW_FILES, None)
    for key in session.info.pop(_DOOMED_FILES, ()):
        _delete_quietly(key)


@sa.event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction) -> None:
    """The outer transaction ended without a commit (rollback, failed commit, closed session): the files
    stored for it are deleted, the files of attachments it meant to remove are kept."""
    if transaction.parent is not None or transaction.nested:
        return
    session.info.pop(_DOOMED_FILES, None)
    for key in session.info.pop(_NEW_FILES, ()):
        _delete_quietly(key)
