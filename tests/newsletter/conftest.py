"""Factories for the newsletter tests: subscribers, and the content the composer collects (re-exported
from the work-package and meeting tests)."""

import pytest

from circles.core.db import db, utcnow
from circles.newsletter.models import CONSENT_VERSION, Subscriber
from tests.groups.conftest import add_member, create_circle  # noqa: F401  (fixtures re-exported)
from tests.meetings.conftest import create_meeting, in_days  # noqa: F401
from tests.workpackages.conftest import make_case, make_package  # noqa: F401


@pytest.fixture
def make_subscriber(app):
    """``make_subscriber(email=None, *, status="confirmed", language="nl", sectors=(), regions=())``: committed."""
    counter = iter(range(1, 1_000_000))

    def make(email: str | None = None, *, status: str = "confirmed", language: str = "nl", sectors=(), regions=(),
             name: str = "") -> Subscriber:
        subscriber = Subscriber(email=email or f"lezer{next(counter)}@voorbeeld.nl", name=name, language=language,
                                sectors=list(sectors), regions=list(regions), status=status,
                                consent_version=CONSENT_VERSION,
                                confirmed_at=utcnow() if status != "pending" else None)
        db.session.add(subscriber)
        db.session.commit()
        return subscriber

    return make


@pytest.fixture
def regional_meeting(create_meeting, create_circle):  # noqa: F811
    """``regional_meeting(days=10, title=None)``: a public regional meeting (its invited circle is public)."""

    def make(days: int = 10, title: str | None = None, region: str = "AM22"):
        circle = create_circle(visibility="public")
        return create_meeting(kind="regional", region=region, invited=[circle], start=in_days(days), title=title)

    return make
