"""Loading a package or a case the reader may see: one place for the 404 rule of both."""

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from circles.core.db import db
from circles.core.permissions import require
from circles.extensions import login_manager
from circles.groups.models import Visibility
from circles.workpackages.models import Case, Status, WorkPackage


def _load(model, object_id: int, action: str, options=()):
    """The record, or 404 when it does not exist or the reader may not know it exists. An anonymous
    reader of something for logged-in members is sent to the log-in page instead."""
    item = db.session.get(model, object_id, options=options) or abort(404)
    if (not current_user.is_authenticated and item.visibility == Visibility.PLATFORM
            and item.status in (Status.PUBLISHED, Status.ARCHIVED)):
        abort(login_manager.unauthorized())
    require(action, item, hide=True)
    return item


def package_or_404(package_id: int) -> WorkPackage:
    """With its circle, organisation, sectors and instruments in the same query (each page shows them)."""
    return _load(WorkPackage, package_id, "package.view",
                 [joinedload(WorkPackage.circle), joinedload(WorkPackage.organisation),
                  joinedload(WorkPackage.sectors), joinedload(WorkPackage.instrument_rows)])


def case_or_404(case_id: int) -> Case:
    return _load(Case, case_id, "case.view")
