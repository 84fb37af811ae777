"""Loading a package or a case the reader may see: one place for the 404 rule of both."""

from flask import abort
from flask_login import current_user

from circles.core.db import db
from circles.core.permissions import require
from circles.extensions import login_manager
from circles.groups.models import Visibility
from circles.workpackages.models import Case, Status, WorkPackage


def _load(model, object_id: int, action: str):
    """The record, or 404 when it does not exist or the reader may not know it exists. An anonymous
    reader of something for logged-in members is sent to the log-in page instead."""
    item = db.get_or_404(model, object_id)
    if (not current_user.is_authenticated and item.visibility == Visibility.PLATFORM
            and item.status in (Status.PUBLISHED, Status.ARCHIVED)):
        abort(login_manager.unauthorized())
    require(action, item, hide=True)
    return item


def package_or_404(package_id: int) -> WorkPackage:
    return _load(WorkPackage, package_id, "package.view")


def case_or_404(case_id: int) -> Case:
    return _load(Case, case_id, "case.view")
