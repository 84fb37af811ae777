"""Permission rules for meetings and minutes. A meeting defers to its circles: its own circle, or the
circles invited to a regional meeting."""

import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.permissions import can, rule
from circles.groups.models import Circle
from circles.groups.permissions import is_coordinator, is_member
from circles.groups.services import visible_circles_clause
from circles.meetings.models import Meeting, meeting_circles


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


def visible_meetings_clause(user):
    """SQL condition: meetings ``user`` may see (one of their circles is visible to the user). The visible circles
    are one uncorrelated subquery that the database computes once (a correlated EXISTS per meeting read every
    upcoming meeting's circle one by one: most of a second at 80,000 meetings on PostgreSQL)."""
    visible = sa.select(Circle.id).where(visible_circles_clause(user)).correlate(None)
    invited = (sa.select(meeting_circles.c.meeting_id).where(meeting_circles.c.circle_id.in_(visible))
               .correlate(None))
    return sa.or_(Meeting.circle_id.in_(visible), Meeting.id.in_(invited))


@rule("meeting.view")
def view_meeting(user, meeting) -> bool:
    return any(can(user, "circle.view", c) for c in meeting.circles)


@rule("meeting.manage")
def manage_meeting(user, meeting) -> bool:
    """Coordinators of the meeting's circle, or of any circle invited to a regional meeting."""
    return _logged_in(user) and any(is_coordinator(user, c) for c in meeting.circles)


@rule("meeting.create")
def create_meeting(user, circle) -> bool:
    """A circle's coordinators schedule its meetings."""
    return is_coordinator(user, circle)


@rule("meeting.create_regional")
def create_regional_meeting(user, _obj=None) -> bool:
    """Platform coordinators organise regional meetings with the employer service points and UWV."""
    return _logged_in(user) and user.role == Role.COORDINATOR


@rule("meeting.rsvp")
def rsvp(user, meeting) -> bool:
    """Members of the meeting's circles answer; a cancelled meeting takes no answers."""
    return (_logged_in(user) and not meeting.is_cancelled
            and any(is_member(user, c) for c in meeting.circles))


@rule("meeting.see_members")
def see_members(user, meeting) -> bool:
    """Who takes part (the owner of an action item, ...) is for logged-in readers who may see the members
    of one of the meeting's circles: ``circle.see_members``, as on the circle page."""
    return any(can(user, "circle.see_members", c) for c in meeting.circles)


@rule("minutes.edit")
def edit_minutes(user, meeting) -> bool:
    """Coordinators, and the member a coordinator designated for this meeting."""
    if not _logged_in(user):
        return False
    return manage_meeting(user, meeting) or meeting.minutes_editor_id == user.id


@rule("minutes.view")
def view_minutes(user, minutes) -> bool:
    """Published minutes are for whoever sees the meeting; drafts for their editors."""
    if minutes.is_published:
        return view_meeting(user, minutes.meeting)
    return edit_minutes(user, minutes.meeting)


@rule("action_item.update")
def update_action_item(user, item) -> bool:
    """The owner marks their own item done; the meeting's coordinators manage all of them."""
    return _logged_in(user) and (item.owner_id == user.id or manage_meeting(user, item.meeting))
