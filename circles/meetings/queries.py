"""Loading meetings the reader may see: used by every meetings view (one place for the 404 rule)."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from circles.core.db import db
from circles.core.permissions import require
from circles.extensions import login_manager
from circles.meetings.models import Meeting
from circles.meetings.permissions import visible_meetings_clause


def meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting, or 404 when it does not exist or the reader may not know it exists. An anonymous
    reader of a meeting for logged-in members is sent to the log-in page."""
    meeting = db.session.get(Meeting, meeting_id, options=[joinedload(Meeting.circle)]) or abort(404)
    visibilities = {c.visibility for c in meeting.circles}
    if not current_user.is_authenticated and "public" not in visibilities and "platform" in visibilities:
        abort(login_manager.unauthorized())
    require("meeting.view", meeting, hide=True)
    return meeting


def visible_meetings(user) -> sa.Select:
    """A select of the meetings ``user`` may see, with their circles loaded in fixed extra queries."""
    return (sa.select(Meeting).where(visible_meetings_clause(user))
            .options(selectinload(Meeting.circle), selectinload(Meeting.invited_circles),
                     selectinload(Meeting.region)))
