"""Permission rules for work packages, adoptions, cases and attachments.

Packages and cases (and any other kind of the workflow) share one publishing model:
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


def may_edit(user, item) -> bool:
    """The author, people of the contributing organisation, and the coordinators of its circle."""
    if not _logged_in(user):
        return False
    if item.author_id == user.id:
        return True
    if item.organisation_id is not None and item.organisation_id == user.organisation_id:
        return True
    return item.circle is not None and is_coordinator(user, item.circle)


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


# --- who reads a published item: one rule, as a Python predicate and as SQL ---------------------------------

ANYONE, SIGNED_IN, CIRCLE_MEMBERS = "anyone", "signed_in", "circle_members"
#: Who reads a published (or archived) item, by its visibility: the one definition the predicate and the
#: SQL condition below both read (tests/workpackages/test_visibility.py checks they agree on every case).
AUDIENCE = {Visibility.PUBLIC: ANYONE, Visibility.PLATFORM: SIGNED_IN, Visibility.CIRCLE: CIRCLE_MEMBERS}


def _audiences(user) -> set[str]:
    """The audiences ``user`` is in whatever the item (a circle's members depend on the item)."""
    return {ANYONE, SIGNED_IN} if _logged_in(user) else {ANYONE}


def may_read_published(user, item) -> bool:
    """Who reads a published (or archived) item, by its visibility."""
    audience = AUDIENCE.get(item.visibility)
    if audience == CIRCLE_MEMBERS:
        return item.circle is not None and is_member(user, item.circle)
    return audience in _audiences(user)


def _is_one_of(column, values: list):
    return column == values[0] if len(values) == 1 else column.in_(values)


def visible_clause(model, user):
    """SQL condition: published packages (or cases: ``model``) that ``user`` may read: ``may_read_published``
    as SQL, for published items only (archived ones are not listed). Administrators read every one."""
    published = model.status == Status.PUBLISHED
    if is_admin(user):
        return published
    readable = _is_one_of(model.visibility, [v for v, who in AUDIENCE.items() if who in _audiences(user)])
    if not _logged_in(user):
        return sa.and_(published, readable)
    own = aliased(Membership)
    in_circle = sa.exists().where(own.circle_id == model.circle_id, own.user_id == user.id,
                                  own.state == MembershipState.ACTIVE)
    circle_only = _is_one_of(model.visibility, [v for v, who in AUDIENCE.items() if who == CIRCLE_MEMBERS])
    return sa.and_(published, sa.or_(readable, sa.and_(circle_only, in_circle)))


def may_create(user, _obj=None) -> bool:
    """Anyone with an account who works for an organisation (the item belongs to it)."""
    return _logged_in(user) and user.organisation_id is not None


def may_review_now(user, item) -> bool:
    """The item waits for a review this user may give."""
    return item.status == Status.IN_REVIEW and may_review(user, item)


#: The workflow's rules, the same for every publishable kind: "package.view", "case.edit", ...
WORKFLOW_RULES = {"create": may_create, "view": may_view, "edit": may_edit,
                  "publish_to_circle": may_publish_to_circle, "review": may_review_now}
for _kind in ("package", "case"):
    for _action, _predicate in WORKFLOW_RULES.items():
        rule(f"{_kind}.{_action}")(_predicate)


@rule("package.adopt")
def adopt_package(user, package) -> bool:
    """Another organisation's member copies a published package they can read."""
    return (_logged_in(user) and user.organisation_id is not None and package.is_published
            and package.organisation_id != user.organisation_id and may_read_published(user, package))


@rule("adoption.report")
def report_adoption(user, adoption) -> bool:
    """The adopting organisation reports that the package is in use, and how many jobs it produced."""
    return _logged_in(user) and adoption.organisation_id == user.organisation_id


@rule("review.queue")
def review_queue(user, _obj=None) -> bool:
    """The list of what waits for review; it shows each person only what they may review."""
    return _logged_in(user)
