"""Times are stored as aware UTC and shown in Europe/Amsterdam, through these filters only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_date, format_datetime

from circles.core.db import utcnow

LOCAL = ZoneInfo("Europe/Amsterdam")

#: "maandag 3 maart 2025, 14:00" in Dutch; "Monday 3 March 2025, 14:00" in English.
DATETIME_FORMAT = "EEEE d MMMM y, HH:mm"
DATE_FORMAT = "EEEE d MMMM y"


def local_today() -> date:
    """Today's date in the Netherlands (a year or quarter begins there, not in UTC)."""
    return utcnow().astimezone(LOCAL).date()


def datetime_filter(value: datetime | None, fmt: str = DATETIME_FORMAT) -> str:
    """A UTC datetime as local (Amsterdam) time in the reader's language."""
    return "" if value is None else format_datetime(value, fmt)


def date_filter(value, fmt: str = DATE_FORMAT) -> str:
    return "" if value is None else format_date(value, fmt)


def isoformat_filter(value: datetime | None) -> str:
    """ISO 8601 for <time datetime="...">, in UTC so it is unambiguous."""
    return "" if value is None else value.isoformat()


def init_app(app: Flask) -> None:
    app.add_template_filter(datetime_filter, "datetime")
    app.add_template_filter(date_filter, "date")
    app.add_template_filter(isoformat_filter, "isoformat")
