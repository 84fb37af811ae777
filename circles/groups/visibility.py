"""Who may see a circle, defined once and answered twice: as SQL for every listing, count and search, and
as a predicate for one loaded circle (the rule "circle.view").

Both are derived from ``OPEN_TO``: a circle's visibility says which readers see it without being a member;
its active members always see it; administrators see every circle (``can()`` lets them through, the SQL
says so itself). tests/groups/test_visibility.py checks that the two agree on every kind of circle and
reader.
"""

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from circles.core.permissions import is_admin
from circles.groups.models import Circle, Membership, MembershipState, Visibility

#: visibility -> the readers who see such a circle without being a member of it: "anyone" (also without an
#: account) or "logged_in"; a visibility not listed is for the circle's members only.
OPEN_TO = {Visibility.PUBLIC: "anyone", Visibility.PLATFORM: "logged_in"}


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


def open_visibilities(user) -> list[Visibility]:
    """The visibilities of the circles ``user`` sees whether or not they are a member."""
    readers = {"anyone", "logged_in"} if _logged_in(user) else {"anyone"}
    return [visibility for visibility, open_to in OPEN_TO.items() if open_to in readers]


def visible_circles_clause(user):
    """SQL condition: circles ``user`` may see. Circle-only circles exist only for their members."""
    if is_admin(user):
        return sa.true()
    is_open = Circle.visibility.in_(open_visibilities(user))
    if not _logged_in(user):
        return is_open
    own = aliased(Membership)  # aliased, so an outer query that joins memberships does not swallow it
    is_member = sa.exists().where(own.circle_id == Circle.id, own.user_id == user.id,
                                  own.state == MembershipState.ACTIVE)
    return sa.or_(is_open, is_member)


def may_see(user, circle: Circle, is_member: Callable[[], bool]) -> bool:
    """The same rule for one circle (administrators aside: ``can()`` answers for them). ``is_member()`` is
    asked only when the visibility leaves it open, so an open circle costs no membership query."""
    if circle.visibility in open_visibilities(user):
        return True
    return _logged_in(user) and is_member()
