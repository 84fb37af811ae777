"""Calendars (a sub-feature of meetings): one meeting as an .ics file, personal and circle feeds, and the
secret tokens of personal feed URLs. Its views register on ``circles.meetings.bp``; ``circles.meetings``
imports them."""
