"""Loading a circle the reader may see, for this feature's views and for the features above it
(meetings, progress) that show a circle's page or act on it."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import aliased, joinedload, lazyload

from circles.core.db import db
from circles.core.loading import load_or_404
from circles.groups.models import Circle, Membership, Visibility
from circles.groups.permissions import remember_membership


def _for_members_only(circle: Circle) -> bool:
    return circle.visibility == Visibility.PLATFORM


def load_circle(slug: str, *, for_page: bool = False) -> Circle:
    """The circle, or 404 when it does not exist or the reader may not know it exists. A circle for
    platform members sends an anonymous visitor to the log-in page instead. ``for_page``: the circle page
    loads its sectors, regions and the reader's membership in the same query."""
    if for_page and current_user.is_authenticated:
        return _load_with_membership(slug)
    options = (joinedload(Circle.sectors), joinedload(Circle.regions)) if for_page else ()
    return load_or_404(Circle, where=[Circle.slug == slug], options=options, action="circle.view",
                       members_only=_for_members_only)


def load_membership(circle: Circle, membership_id: int) -> Membership:
    """A membership of this circle (a membership of another circle is not found under this one)."""
    return load_or_404(Membership, membership_id, parent=("circle_id", circle.id))


def _load_with_membership(slug: str) -> Circle:
    """The circle with its sectors, regions and the reader's own membership in one statement; the
    membership is remembered so the page's permission checks need no query of their own."""
    mine = aliased(Membership)
    query = (sa.select(Circle, mine).where(Circle.slug == slug)
             .options(joinedload(Circle.sectors), joinedload(Circle.regions), lazyload(mine.user))
             .outerjoin(mine, sa.and_(mine.circle_id == Circle.id, mine.user_id == current_user.id)))
    row = db.session.execute(query).unique().one_or_none()
    if row is None:
        abort(404)
    remember_membership(current_user, row[0], row[1])
    return load_or_404(Circle, row[0].id, action="circle.view", members_only=_for_members_only)
