"""Permission rules for circles. Meetings, minutes and work packages will ask these for their circle."""

from flask import g, has_request_context

from circles.accounts.models import Role
from circles.core.permissions import rule
from circles.groups import services, visibility
from circles.groups.models import JoinPolicy


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


def membership_in(user, circle):
    """The user's membership of the circle, looked up once per request however often a page asks."""
    if not _logged_in(user):
        return None
    if not has_request_context():
        return services.membership_of(user, circle)
    cache = g.setdefault("circle_memberships", {})
    key = (user.id, circle.id)
    if key not in cache:
        cache[key] = services.membership_of(user, circle)
    return cache[key]


def remember_membership(user, circle, membership) -> None:
    """Tell the request's lookup what a page already loaded with the circle (one query fewer)."""
    if _logged_in(user) and has_request_context():
        g.setdefault("circle_memberships", {})[(user.id, circle.id)] = membership


def is_member(user, circle) -> bool:
    membership = membership_in(user, circle)
    return membership is not None and membership.is_active


def is_coordinator(user, circle) -> bool:
    membership = membership_in(user, circle)
    return membership is not None and membership.is_coordinator


@rule("circle.create")
def create_circle(user, _obj=None) -> bool:
    """Platform coordinators (the sector funds' project leaders) start circles."""
    return _logged_in(user) and user.role == Role.COORDINATOR


@rule("circle.view")
def view_circle(user, circle) -> bool:
    """See ``visibility``: the same rule as the SQL every listing uses."""
    return visibility.may_see(user, circle, lambda: is_member(user, circle))


@rule("circle.see_members")
def see_members(user, circle) -> bool:
    """Who takes part is for logged-in people who may see the circle (privacy by default)."""
    return _logged_in(user) and view_circle(user, circle)


@rule("circle.join")
def join_circle(user, circle) -> bool:
    return (_logged_in(user) and circle.is_active and view_circle(user, circle)
            and circle.join_policy != JoinPolicy.INVITATION and membership_in(user, circle) is None)


@rule("circle.leave")
def leave_circle(user, circle) -> bool:
    return membership_in(user, circle) is not None


@rule("circle.edit")
def edit_circle(user, circle) -> bool:
    return is_coordinator(user, circle)


@rule("circle.manage_members")
def manage_members(user, circle) -> bool:
    return is_coordinator(user, circle)


@rule("circle.view_log")
def view_log(user, circle) -> bool:
    return is_coordinator(user, circle)


@rule("directory.view")
def view_directory(user, _obj=None) -> bool:
    return _logged_in(user)
