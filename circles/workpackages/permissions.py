"""Permission rules for work packages, adoptions, cases and attachments.

Packages and cases share one publishing model:
* the contributing organisation's people (and the author) edit it, in any status;
* a member of its circle publishes it to that circle directly;
* wider visibility (platform or public) needs a review: by a coordinator of its circle, or by a platform
  editor when it belongs to no circle (administrators can always);
* once published, who reads it follows its visibility, like a circle's.
"""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from circles.accounts.models import Role
from circles.core.permissions import is_admin, rule
from circles.groups.models import Membership, MembershipState, Visibility
from circles.groups.permissions import is_coordinator, is_member
from circles.workpackages.models import Status


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


def visible_clause(model, user):
    """SQL condition: published packages (or cases: ``model``) that ``user`` may read."""
    published = model.status == Status.PUBLISHED
    if is_admin(user):
        return published
    if not _logged_in(user):
        return sa.and_(published, model.visibility == Visibility.PUBLIC)
    own = aliased(Membership)
    in_circle = sa.exists().where(own.circle_id == model.circle_id, own.user_id == user.id,
                                  own.state == MembershipState.ACTIVE)
    return sa.and_(published, sa.or_(model.visibility.in_([Visibility.PUBLIC, Visibility.PLATFORM]),
                                     sa.and_(model.visibility == Visibility.CIRCLE, in_circle)))


def may_edit(user, item) -> bool:
    """The author, people of the contributing organisation, and the coordinators of its circle."""
    if not _logged_in(user):
        return False
    if item.author_id == user.id:
        return True
    if item.organisation_id is not None and item.organisation_id == user.organisation_id:
        return True
    return item.circle is not None and is_coordinator(user, item.circle)


def may_read_published(user, item) -> bool:
    """Who reads a published (or archived) item, by its visibility."""
    if item.visibility == Visibility.PUBLIC:
        return True
    if item.visibility == Visibility.PLATFORM:
        return _logged_in(user)
    return item.circle is not None and is_member(user, item.circle)


def may_review(user, item) -> bool:
    """Coordinators of the item's circle; platform editors for items without a circle."""
    if not _logged_in(user):
        return False
    if item.circle is not None:
        return is_coordinator(user, item.circle)
    return user.role == Role.EDITOR


def may_view(user, item) -> bool:
    if may_edit(user, item):
        return True
    if item.status == Status.IN_REVIEW:
        return may_review(user, item)
    if item.status in (Status.PUBLISHED, Status.ARCHIVED):
        return may_read_published(user, item)
    return False


def may_publish_to_circle(user, item) -> bool:
    """A member of the item's circle may publish it there without review."""
    return may_edit(user, item) and item.circle is not None and is_member(user, item.circle)


@rule("package.create")
def create_package(user, _obj=None) -> bool:
    """Anyone with an account who works for an organisation (the package belongs to it)."""
    return _logged_in(user) and user.organisation_id is not None


@rule("package.view")
def view_package(user, package) -> bool:
    return may_view(user, package)


@rule("package.edit")
def edit_package(user, package) -> bool:
    return may_edit(user, package)


@rule("package.publish_to_circle")
def publish_package_to_circle(user, package) -> bool:
    return may_publish_to_circle(user, package)


@rule("package.review")
def review_package(user, package) -> bool:
    return package.status == Status.IN_REVIEW and may_review(user, package)


@rule("package.adopt")
def adopt_package(user, package) -> bool:
    """Another organisation's member copies a published package they can read."""
    return (_logged_in(user) and user.organisation_id is not None and package.is_published
            and package.organisation_id != user.organisation_id and may_read_published(user, package))


@rule("adoption.report")
def report_adoption(user, adoption) -> bool:
    """The adopting organisation reports that the package is in use, and how many jobs it produced."""
    return _logged_in(user) and adoption.organisation_id == user.organisation_id


@rule("case.create")
def create_case(user, _obj=None) -> bool:
    return _logged_in(user) and user.organisation_id is not None


@rule("case.view")
def view_case(user, case) -> bool:
    return may_view(user, case)


@rule("case.edit")
def edit_case(user, case) -> bool:
    return may_edit(user, case)


@rule("case.publish_to_circle")
def publish_case_to_circle(user, case) -> bool:
    return may_publish_to_circle(user, case)


@rule("case.review")
def review_case(user, case) -> bool:
    return case.status == Status.IN_REVIEW and may_review(user, case)


@rule("review.queue")
def review_queue(user, _obj=None) -> bool:
    """The list of what waits for review; it shows each person only what they may review."""
    return _logged_in(user)
