"""Factories for the work-package feature, shared by every workpackages test file."""

from datetime import timedelta

import pytest

from circles.core.db import db, utcnow
from circles.core.text import slugify
from circles.workpackages.content import apply_content
from circles.workpackages.models import Case, CaseInstrument, Status, WorkPackage
from tests.groups.conftest import add_member, create_circle  # noqa: F401  (fixtures re-exported)


def _task(line) -> dict:
    """A task line from a description or a dict of task fields."""
    return {"description": line} if isinstance(line, str) else dict(line)


@pytest.fixture
def make_package(app, create_org):
    """``make_package(*, title=None, summary=None, status="published", visibility="public", circle=None,
    organisation=None, author=None, tasks=(), sectors=(), instruments=(), hours=None, **fields)``:
    a work package row, committed.

    ``tasks`` are descriptions or dicts of task fields; ``hours`` is a number or a (min, max) pair;
    other keyword arguments are set as columns (``skills=...``, ``cost_one_off=...``, ``published_at=...``).
    Without an organisation (or an author with one) all packages of a test share one organisation.
    A published package gets ``published_at`` a minute after the previous one, so "newest first" is
    the order they were made in."""
    counter = iter(range(1, 10_000))
    shared = {}
    start = utcnow() - timedelta(days=30)

    def make(*, title: str | None = None, summary: str | None = None, status: str = Status.PUBLISHED,
             visibility: str = "public", circle=None, organisation=None, author=None, tasks=(), sectors=(),
             instruments=(), hours=None, **fields) -> WorkPackage:
        n = next(counter)
        if organisation is None:
            organisation = author.organisation if author is not None and author.organisation else None
        if organisation is None:
            if "org" not in shared:
                shared["org"] = create_org("Gemeente Werkstad")
            organisation = shared["org"]
        title = title or f"Werkpakket {n}"
        hours_min, hours_max = hours if isinstance(hours, tuple | list) else (hours, hours)
        package = WorkPackage(
            title=title, slug=slugify(title, "werkpakket"), summary=summary if summary is not None else
            f"Samenvatting van {title.lower()}.", status=status, visibility=visibility, circle=circle,
            organisation=organisation, author=author, hours_min=hours_min, hours_max=hours_max,
            published_at=start + timedelta(minutes=n) if status == Status.PUBLISHED else None,
        )
        for name, value in fields.items():
            setattr(package, name, value)
        db.session.add(package)
        apply_content(package, {"tasks": [_task(t) for t in tasks], "sectors": list(sectors),
                                "instruments": list(instruments)})
        db.session.commit()
        return package

    return make


@pytest.fixture
def make_case(app, create_org):
    """``make_case(*, title=None, status="published", visibility="public", circle=None, organisation=None,
    instruments=(), **fields)``: a good-practice case row, committed."""
    counter = iter(range(1, 10_000))
    shared = {}
    start = utcnow() - timedelta(days=30)

    def make(*, title: str | None = None, status: str = Status.PUBLISHED, visibility: str = "public", circle=None,
             organisation=None, instruments=(), **fields) -> Case:
        n = next(counter)
        if organisation is None:
            if "org" not in shared:
                shared["org"] = create_org("Hogeschool Voorbeeld", sector="hbo")
            organisation = shared["org"]
        title = title or f"Voorbeeld {n}"
        case = Case(title=title, slug=slugify(title, "voorbeeld"), summary=f"Samenvatting van {title.lower()}.",
                    status=status, visibility=visibility, circle=circle, organisation=organisation,
                    published_at=start + timedelta(minutes=n) if status == Status.PUBLISHED else None,
                    instrument_rows=[CaseInstrument(instrument=code) for code in instruments])
        for name, value in fields.items():
            setattr(case, name, value)
        db.session.add(case)
        db.session.commit()
        return case

    return make


@pytest.fixture
def page_routes(app):
    """Stand-ins for the package and case pages while those views are being written: tests that only
    link to them need the endpoints to exist. Adds nothing once the real routes are registered."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    if "workpackages.show" not in endpoints:
        app.add_url_rule("/werkpakketten/<int:package_id>-<slug>", "workpackages.show",
                         lambda package_id, slug: "")
    if "workpackages.case_show" not in endpoints:
        app.add_url_rule("/voorbeelden/<int:case_id>-<slug>", "workpackages.case_show", lambda case_id, slug: "")
    if "workpackages.cases" not in endpoints:
        app.add_url_rule("/voorbeelden", "workpackages.cases", lambda: "")
    return app
