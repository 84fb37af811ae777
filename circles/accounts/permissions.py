"""Permission rules of the accounts feature (administrators pass every rule; see core.permissions)."""

from circles.accounts.models import Role
from circles.core.permissions import rule


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


@rule("organisation.list")
def list_organisations(user, _obj=None) -> bool:
    return _logged_in(user)


@rule("organisation.view_members")
def view_organisation_members(user, _org=None) -> bool:
    """Member lists are for logged-in members only (privacy by default)."""
    return _logged_in(user)


@rule("organisation.edit")
def edit_organisation(user, org) -> bool:
    """A coordinator who works for the organisation keeps its details up to date."""
    return _logged_in(user) and user.organisation_id == org.id and user.role == Role.COORDINATOR


@rule("user.manage_roles")
def manage_roles(user, _obj=None) -> bool:
    return False  # administrators only


@rule("audit.view_all")
def view_all_audit(user, _obj=None) -> bool:
    return False  # administrators only
