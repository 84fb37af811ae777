"""The workflow's services, for any ``Kind``: straight to the item's circle, or offered to the platform
or the public and decided by a reviewer (who is told by e-mail); sent back with a note; archived and
reopened; the history of its versions. Each step is audited; a publication is also a revision, so the
history shows it. Plain functions: the view commits.
"""

from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from circles.accounts.models import Role, User
from circles.core import audit, mail, revisions
from circles.core.db import db, utcnow
from circles.core.notifications import wants
from circles.core.permissions import is_admin
from circles.groups.models import CircleRole, Membership, MembershipState, Visibility
from circles.workpackages.models import Status
from circles.workpackages.permissions import may_review
from circles.workpackages.workflow import Kind, PublishError


def publish_to_circle(kind: Kind, item, user: User) -> None:
    """A member of the item's circle publishes it to that circle: no review needed."""
    if item.circle is None:
        raise PublishError(kind.words["no_circle"], 422)
    item.visibility = Visibility.CIRCLE
    _publish(kind, item, user)
    audit.record(f"{kind.name}.published", actor=user, obj_type=kind.name, obj_id=item.id)


def submit_for_review(kind: Kind, item, user: User, visibility: str) -> list[User]:
    """Offer the item for the whole platform or the public: it waits for a reviewer, who is told by
    e-mail. Returns the reviewers."""
    if visibility not in (Visibility.PLATFORM, Visibility.PUBLIC):
        raise PublishError(kind.words["choose_visibility"], 422)
    if item.status == Status.IN_REVIEW:
        raise PublishError(kind.words["already_waiting"])
    item.visibility = visibility
    item.status = Status.IN_REVIEW
    item.review_note = ""
    people = reviewers(item)
    for person in people:
        mail.queue_mail(person.email, kind.words["review_subject"], kind.review_template, locale=person.locale,
                        reviewer=person, submitter=user, **{kind.name: item})
    audit.record(f"{kind.name}.submitted", actor=user, obj_type=kind.name, obj_id=item.id)
    return people


def reviewers(item) -> list[User]:
    """Who gets the review request: the circle's coordinators, else the platform editors (unless they
    switched these notices off)."""
    if item.circle is not None:
        query = (sa.select(User).join(Membership, Membership.user_id == User.id)
                 .where(Membership.circle_id == item.circle_id, Membership.role == CircleRole.COORDINATOR,
                        Membership.state == MembershipState.ACTIVE))
    else:
        query = sa.select(User).where(User.role == Role.EDITOR)
    return [u for u in db.session.scalars(query.order_by(User.name)) if wants(u, "reviews")]


def approve(kind: Kind, item, reviewer: User) -> None:
    """The reviewer publishes it with the visibility asked for."""
    if item.status != Status.IN_REVIEW:
        raise PublishError(kind.words["not_waiting"])
    item.reviewed_by_id = reviewer.id
    _publish(kind, item, reviewer)
    audit.record(f"{kind.name}.approved", actor=reviewer, obj_type=kind.name, obj_id=item.id)


def send_back(kind: Kind, item, reviewer: User, note: str) -> None:
    """Back to draft, with the reviewer's note for the author (by e-mail too)."""
    if item.status != Status.IN_REVIEW:
        raise PublishError(kind.words["not_waiting"])
    item.status = Status.DRAFT
    item.review_note = note
    item.reviewed_by_id = reviewer.id
    if item.author is not None:
        mail.queue_mail(item.author.email, kind.words["sent_back_subject"], kind.sent_back_template,
                        locale=item.author.locale, reviewer=reviewer, note=note, **{kind.name: item})
    audit.record(f"{kind.name}.sent_back", actor=reviewer, obj_type=kind.name, obj_id=item.id)


def archive(kind: Kind, item, user: User) -> None:
    """No longer listed or found; its page (and a package's copies) stay."""
    item.status = Status.ARCHIVED
    audit.record(f"{kind.name}.archived", actor=user, obj_type=kind.name, obj_id=item.id)


def reopen(kind: Kind, item, user: User) -> None:
    """Back to draft, to work on it again."""
    item.status = Status.DRAFT
    audit.record(f"{kind.name}.reopened", actor=user, obj_type=kind.name, obj_id=item.id)


def review_queue(kind: Kind, user: User) -> list:
    """Items waiting for a review this user may give."""
    model = kind.model
    waiting = db.session.scalars(sa.select(model).where(model.status == Status.IN_REVIEW)
                                 .options(selectinload(model.circle), selectinload(model.organisation))
                                 .order_by(model.updated_at)).all()
    return [item for item in waiting if is_admin(user) or may_review(user, item)]


def _publish(kind: Kind, item, user: User) -> None:
    """Published, as a revision of its own ("gepubliceerd" in the history)."""
    item.status = Status.PUBLISHED
    item.review_note = ""
    if item.published_at is None:
        item.published_at = utcnow()
    revisions.save(kind.name, item.id, kind.content(item), author=user, based_on=item.revision, note="published")
    item.revision += 1


def refuse_stale(kind: Kind, item, based_on: int) -> None:
    """revisions.StaleEdit when someone saved the item since revision ``based_on``."""
    if based_on != item.revision:
        raise revisions.StaleEdit(revisions.latest(kind.name, item.id))


def save_revision(kind: Kind, item, user: User, *, based_on: int, note: str = "") -> None:
    """The item's content as revision ``based_on + 1``, and its search entry brought in step."""
    db.session.flush()
    revisions.save(kind.name, item.id, kind.content(item), author=user, based_on=based_on, note=note)
    item.revision = based_on + 1
    item.updated_at = utcnow()
    kind.index(item)


def history(kind: Kind, item) -> list[revisions.Revision]:
    return revisions.history(kind.name, item.id)


def revision_of(kind: Kind, item, number: int) -> revisions.Revision | None:
    return revisions.get(kind.name, item.id, number)


def bind(kind: Kind) -> tuple:
    """For a kind's own services module: publish_to_circle, submit_for_review, approve, send_back, archive,
    reopen, review_queue, history and revision_of, in this order, with ``kind`` filled in."""
    return tuple(partial(function, kind) for function in (publish_to_circle, submit_for_review, approve, send_back,
                                                          archive, reopen, review_queue, history, revision_of))
