"""Loading a meeting the reader may see: used by every meetings view (one place for the 404 rule)."""

from sqlalchemy.orm import joinedload

from circles.core.loading import load_or_404
from circles.core.permissions import require
from circles.groups.models import Visibility
from circles.meetings.models import Meeting


def _for_members_only(meeting: Meeting) -> bool:
    """No circle of the meeting is public and one is for platform members: an anonymous reader logs in."""
    visibilities = {c.visibility for c in meeting.circles}
    return Visibility.PUBLIC not in visibilities and Visibility.PLATFORM in visibilities


def load_meeting(meeting_id: int, then: str | None = None) -> Meeting:
    """The meeting, or 404 when it does not exist or the reader may not know it exists. An anonymous
    reader of a meeting for logged-in members is sent to the log-in page. ``then``: what the reader
    wants to do with it (``"meeting.manage"``, ...), refused with 403 when they may not."""
    meeting = load_or_404(Meeting, meeting_id, options=[joinedload(Meeting.circle)], action="meeting.view",
                          members_only=_for_members_only)
    if then is not None:
        require(then, meeting)
    return meeting
