"""Attendance (a sub-feature of meetings): answers with a waiting list, the attendee list and its CSV,
attendance, the circle's reminder setting, and the reminder run. Its views register on
``circles.meetings.bp``; ``circles.meetings`` imports them."""
