"""Rendering the meeting page, shared by the views of meetings and of its sub-features (attendance,
minutes): a form in one part of the page that was refused shows the whole page again."""

from flask import render_template

from circles.meetings.models import MEETING_KIND_LABELS, Meeting


def meeting_page(meeting: Meeting, status: int = 200):
    """The meeting page, then what the meetings sub-features add to it (answer box, calendar, minutes).
    With a 4xx status a part of it (answer, minutes, decision, action item) was refused, and that part
    shows the form as it was sent, with its message."""
    return render_template("meetings/show.html", meeting=meeting, kind_labels=MEETING_KIND_LABELS), status
