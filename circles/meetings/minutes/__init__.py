"""Minutes (a sub-feature of meetings): minutes with revisions and stale-edit detection, decisions and
action items. Its views register on ``circles.meetings.bp``; ``circles.meetings`` imports them."""
