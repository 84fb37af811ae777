"""Permission rules for progress figures (the signals' rules are in ``progress.signals.permissions``).

An organisation's figures are recorded by its coordinators, or by all its members when the organisation
chose so; they are readable by everyone unless the organisation hides them (then only its own people see
them).
"""

from flask import g, has_request_context

from circles.accounts.models import Role
from circles.core.db import db
from circles.core.permissions import rule
from circles.progress.models import ProgressSettings, Recorders


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


def settings_of(org) -> ProgressSettings:
    """The organisation's sharing settings (the defaults when it never chose), once per request."""
    cache = g.setdefault("progress_settings", {}) if has_request_context() else {}
    if org.id not in cache:
        cache[org.id] = db.session.get(ProgressSettings, org.id) or ProgressSettings(
            organisation_id=org.id, hidden=False, recorders=Recorders.COORDINATORS)
    return cache[org.id]


def _works_for(user, org) -> bool:
    return _logged_in(user) and org is not None and user.organisation_id == org.id


@rule("progress.record")
def record_progress(user, org) -> bool:
    if not _works_for(user, org):
        return False
    return user.role == Role.COORDINATOR or settings_of(org).recorders == Recorders.MEMBERS


@rule("progress.settings")
def change_settings(user, org) -> bool:
    """Whether figures are hidden and who records them is the organisation's coordinators' choice."""
    return _works_for(user, org) and user.role == Role.COORDINATOR


@rule("progress.see_figures")
def see_figures(user, org) -> bool:
    """An organisation's own figures, year by year: everyone, unless it hides them."""
    return not settings_of(org).hidden or _works_for(user, org)
