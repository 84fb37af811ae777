"""Factories for the progress tests: figures for organisations, and the circles and packages they meet."""

from decimal import Decimal

import pytest

from circles.core.db import db
from circles.progress import records
from circles.progress.models import ProgressSettings
from tests.groups.conftest import add_member, create_circle  # noqa: F401  (fixtures re-exported)
from tests.workpackages.conftest import make_package  # noqa: F401


@pytest.fixture
def report(app):
    """``report(org, user, year, target=None, realised=None, quarter=None, source="own_count")``: one record,
    committed, through the service (so the rules apply)."""

    def add(org, user, year, *, target=None, realised=None, quarter=None, source="own_count", note=""):
        entry = records.record(org, user, year=year, quarter=quarter,
                               target=None if target is None else Decimal(str(target)),
                               realised=None if realised is None else Decimal(str(realised)),
                               source=source, note=note)
        db.session.commit()
        return entry

    return add


@pytest.fixture
def hide(app):
    """``hide(org)``: the organisation hides its own figures."""

    def set_hidden(org, hidden=True):
        settings = db.session.get(ProgressSettings, org.id) or ProgressSettings(organisation_id=org.id)
        settings.hidden = hidden
        db.session.add(settings)
        db.session.commit()

    return set_hidden
