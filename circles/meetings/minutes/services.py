"""Minutes (with revisions and stale-edit detection), decisions and action items of a meeting. Services
never touch the request, flash or commit."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from circles.accounts.models import User
from circles.core import audit, revisions
from circles.core.db import db, utcnow
from circles.core.mail import queue_mail
from circles.core.notifications import wants
from circles.core.rules import RuleBroken
from circles.groups.models import Circle, Membership, MembershipState
from circles.meetings.models import ActionItem, Decision, Meeting, Minutes
from circles.meetings.services import of_circle

LOCAL = ZoneInfo("Europe/Amsterdam")
#: The revision object type of minutes (core.revisions).
OBJECT_TYPE = "minutes"
#: A due date may lie at most this far before the meeting (an item recorded late) ...
DUE_DAYS_BEFORE = 365
#: ... and at most this far after it (two years: anything later is a typo, not a plan).
DUE_DAYS_AFTER = 2 * 365
MAX_BODY = 100_000
MAX_TEXT = 2000


class MinutesError(RuleBroken):
    """A broken rule, with a message for the reader and an HTTP status."""


# --- Minutes -------------------------------------------------------------------------------------

def minutes_of(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == meeting.id))


def save_minutes(meeting: Meeting, author: User, body: str, *, based_on: int, note: str = "") -> Minutes:
    """Save a new revision of the meeting's minutes (created on the first save). Raises
    revisions.StaleEdit when someone saved after revision ``based_on``; a save racing past that check
    fails on the unique revision number (IntegrityError, at flush) and is reported the same way."""
    minutes = minutes_of(meeting)
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id, body="", revision=0)
        db.session.add(minutes)
        db.session.flush()
    revisions.save(OBJECT_TYPE, minutes.id, {"body": body}, author=author, based_on=based_on, note=note)
    minutes.body = body
    minutes.revision = based_on + 1
    db.session.flush()
    return minutes


def publish_minutes(meeting: Meeting, actor: User) -> Minutes:
    """Draft to published: visible to whoever sees the meeting; recorded as a revision."""
    minutes = minutes_of(meeting)
    if minutes is None or not minutes.body.strip():
        raise MinutesError(_l("Er is nog geen verslag om te publiceren. Schrijf eerst het verslag."), 409)
    if minutes.is_published:
        raise MinutesError(_l("Het verslag is al gepubliceerd."), 409)
    save_minutes(meeting, actor, minutes.body, based_on=minutes.revision, note="published")
    minutes.status = "published"
    minutes.published_at = utcnow()
    audit.record("minutes.published", actor=actor, obj_type="meeting", obj_id=meeting.id)
    return minutes


def restore_revision(meeting: Meeting, actor: User, revision: revisions.Revision) -> Minutes:
    """A new revision with the content of an older one."""
    minutes = minutes_of(meeting)
    return save_minutes(meeting, actor, (revision.content or {}).get("body", ""), based_on=minutes.revision,
                        note=f"restored:{revision.number}")


def minutes_history(minutes: Minutes) -> list[revisions.Revision]:
    """Every revision, newest first, with its author in the same query."""
    return list(db.session.scalars(
        sa.select(revisions.Revision)
        .where(revisions.Revision.object_type == OBJECT_TYPE, revisions.Revision.object_id == minutes.id)
        .options(joinedload(revisions.Revision.author)).order_by(revisions.Revision.number.desc())
    ))


def revision_of(minutes: Minutes | None, number: int) -> revisions.Revision | None:
    if minutes is None:
        return None
    return revisions.get(OBJECT_TYPE, minutes.id, number)


def latest_revision(minutes: Minutes | None) -> revisions.Revision | None:
    if minutes is None:
        return None
    return revisions.latest(OBJECT_TYPE, minutes.id)


# --- Who may be designated / own an item ---------------------------------------------------------

def _active_member_of_meeting(meeting: Meeting):
    """SQL: the user is an active member of one of the meeting's circles (None: the meeting has none)."""
    circle_ids = [c.id for c in meeting.circles]
    if not circle_ids:
        return None
    return sa.exists().where(Membership.user_id == User.id, Membership.circle_id.in_(circle_ids),
                             Membership.state == MembershipState.ACTIVE)


def eligible_members(meeting: Meeting) -> list[User]:
    """Active members of the meeting's circle(s), by name, once each: one query."""
    member = _active_member_of_meeting(meeting)
    if member is None:
        return []
    return list(db.session.scalars(sa.select(User).where(member).order_by(User.name, User.id)))


def _is_eligible(meeting: Meeting, user: User) -> bool:
    member = _active_member_of_meeting(meeting)
    return member is not None and db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.id == user.id, member)) > 0


def set_minutes_editor(meeting: Meeting, actor: User, user: User | None) -> None:
    """Designate a member of the meeting's circle(s) as minutes editor (None: only coordinators)."""
    if user is not None and not _is_eligible(meeting, user):
        raise MinutesError(_l("Kies een lid van de leercirkel."), 422)
    meeting.minutes_editor_id = user.id if user is not None else None
    audit.record("meeting.minutes_editor_set", actor=actor, subject=user, obj_type="meeting", obj_id=meeting.id)


# --- Decisions -----------------------------------------------------------------------------------

def add_decision(meeting: Meeting, actor: User, text: str) -> Decision:
    decision = Decision(meeting_id=meeting.id, text=text, created_by_id=actor.id)
    db.session.add(decision)
    return decision


def delete_decision(actor: User, decision: Decision) -> None:
    audit.record("decision.deleted", actor=actor, obj_type="meeting", obj_id=decision.meeting_id)
    db.session.delete(decision)


def meeting_decisions(meeting: Meeting) -> list[Decision]:
    return list(db.session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting.id)
                                   .order_by(Decision.created_at, Decision.id)))


def circle_decisions(circle: Circle) -> list[Decision]:
    """Decisions of the circle's meetings (and invited regional ones), newest meeting first: one query."""
    return list(db.session.scalars(
        sa.select(Decision).join(Meeting, Meeting.id == Decision.meeting_id)
        .where(of_circle(circle.id))
        .options(joinedload(Decision.meeting))
        .order_by(Meeting.starts_at.desc(), Decision.created_at.desc(), Decision.id.desc())
    ))


# --- Action items --------------------------------------------------------------------------------

def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def today() -> date:
    return local_date(utcnow())


def due_date_bounds(meeting: Meeting) -> tuple[date, date]:
    day = local_date(meeting.starts_at)
    return day - timedelta(days=DUE_DAYS_BEFORE), day + timedelta(days=DUE_DAYS_AFTER)


def add_action_item(meeting: Meeting, actor: User, *, text: str, owner: User, due_date: date | None) -> ActionItem:
    """An action item for an active member of the meeting's circle(s); they get an e-mail (unless muted)."""
    if not _is_eligible(meeting, owner):
        raise MinutesError(_l("Kies een lid van de leercirkel."), 422)
    if due_date is not None:
        earliest, latest = due_date_bounds(meeting)
        if not earliest <= due_date <= latest:
            raise MinutesError(_l("Kies een datum tussen een jaar voor en twee jaar na de bijeenkomst."), 422)
    item = ActionItem(meeting_id=meeting.id, text=text, owner_id=owner.id, owner=owner, due_date=due_date,
                      created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    if wants(owner, "action_items"):
        queue_mail(owner.email, _l("Nieuw actiepunt: %(meeting)s", meeting=meeting.title),
                   "meetings/minutes/email/action_item_assigned", locale=owner.locale, item=item, meeting=meeting,
                   recipient=owner, assigner=actor)
    return item


def set_action_status(actor: User, item: ActionItem, status: str) -> bool:
    """Open or done; False when nothing changed."""
    if status not in ("open", "done"):
        raise MinutesError(_l("Kies een geldige status."), 422)
    if item.status == status:
        return False
    item.status = status
    item.done_at = utcnow() if status == "done" else None
    return True


def meeting_action_items(meeting: Meeting) -> list[ActionItem]:
    return list(db.session.scalars(sa.select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                   .options(joinedload(ActionItem.owner))
                                   .order_by(ActionItem.created_at, ActionItem.id)))


def _open_first():
    return sa.case((ActionItem.status == "open", 0), else_=1)


def my_action_items(user: User, *, limit: int | None = None, only_open: bool = False) -> list[ActionItem]:
    """The user's items: open first (earliest due date first, no date last), then done. Fixed queries."""
    query = (sa.select(ActionItem).join(Meeting, Meeting.id == ActionItem.meeting_id)
             .where(ActionItem.owner_id == user.id)
             .options(joinedload(ActionItem.meeting).joinedload(Meeting.circle),
                      joinedload(ActionItem.meeting).selectinload(Meeting.invited_circles))
             .order_by(_open_first(), ActionItem.due_date.is_(None), ActionItem.due_date, Meeting.starts_at.desc(),
                       ActionItem.id))
    if only_open:
        query = query.where(ActionItem.status == "open")
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def open_items_of(meeting: Meeting | None) -> list[ActionItem]:
    if meeting is None:
        return []
    return list(db.session.scalars(
        sa.select(ActionItem).where(ActionItem.meeting_id == meeting.id, ActionItem.status == "open")
        .options(joinedload(ActionItem.owner)).order_by(ActionItem.due_date.is_(None), ActionItem.due_date,
                                                        ActionItem.id)))


# --- The circle page -----------------------------------------------------------------------------

def latest_published_minutes(circle: Circle) -> Minutes | None:
    return db.session.scalar(
        sa.select(Minutes).join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(of_circle(circle.id), Minutes.status == "published")
        .options(contains_eager(Minutes.meeting)).order_by(Meeting.starts_at.desc()).limit(1))


def open_action_count(circle: Circle) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ActionItem).join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(of_circle(circle.id), ActionItem.status == "open")) or 0
