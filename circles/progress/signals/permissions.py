"""Permission rules for signals: they are for logged-in members; the platform's coordinators merge them, set
their status and answer.

Who may not recognise a signal (its reporter, administrators included) is a rule of the signals themselves:
``services.check_may_recognise``, which ``can()`` cannot wave through for an administrator.
"""

from circles.accounts.models import Role
from circles.core.permissions import rule


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


@rule("signal.view")
def view_signals(user, _signal=None) -> bool:
    return _logged_in(user)


@rule("signal.report")
def report_signal(user, _obj=None) -> bool:
    return _logged_in(user)


@rule("signal.recognise")
def recognise_signal(user, signal) -> bool:
    """Logged-in members, on a signal that was not merged into another (the reporter is refused by the
    service, see the module's docstring)."""
    return _logged_in(user) and signal.merged_into_id is None


@rule("signal.manage")
def manage_signal(user, _signal=None) -> bool:
    """Merge duplicates, set the status and write the response: the platform's coordinators."""
    return _logged_in(user) and user.role == Role.COORDINATOR


@rule("signal.edit")
def edit_signal(user, signal) -> bool:
    """The reporter mends their own signal while nobody has acted on it yet; coordinators always may
    (to take out something that does not belong there)."""
    if not _logged_in(user) or signal.merged_into_id is not None:
        return False
    if user.role == Role.COORDINATOR:
        return True
    return signal.reported_by_id == user.id and signal.status == "nieuw"
