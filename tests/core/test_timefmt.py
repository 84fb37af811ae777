"""Times are stored as aware UTC and shown in Europe/Amsterdam, in the reader's language."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from circles.core.db import UTCDateTime, db
from circles.core.timefmt import datetime_filter


def test_dutch_format_in_winter_and_summer(app):
    with app.test_request_context(), force_locale("nl"):
        assert datetime_filter(datetime(2025, 3, 3, 13, 0, tzinfo=UTC)) == "maandag 3 maart 2025, 14:00"
        assert datetime_filter(datetime(2025, 7, 1, 12, 0, tzinfo=UTC)) == "dinsdag 1 juli 2025, 14:00"


def test_english_format(app):
    with app.test_request_context(), force_locale("en"):
        assert datetime_filter(datetime(2025, 3, 3, 13, 0, tzinfo=UTC)) == "Monday 3 March 2025, 14:00"


def test_the_night_the_clocks_go_back(app):
    """26 October 2025: 00:30 and 01:30 UTC are both 02:30 in Amsterdam (CEST, then CET)."""
    with app.test_request_context(), force_locale("nl"):
        assert datetime_filter(datetime(2025, 10, 26, 0, 30, tzinfo=UTC)).endswith("02:30")
        assert datetime_filter(datetime(2025, 10, 26, 1, 30, tzinfo=UTC)).endswith("02:30")


def test_utc_column_refuses_naive_and_returns_aware(app):
    from circles.core.models import AuditEntry

    entry = AuditEntry(action="test", created_at=datetime(2025, 10, 26, 1, 30, tzinfo=UTC))
    db.session.add(entry)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id).created_at == datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2025, 1, 1), db.engine.dialect)
