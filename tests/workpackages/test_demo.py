"""The demo work packages, cases and adoptions: enough of each to show the library, idempotent, findable,
and free of anything that identifies a placed employee."""

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from circles.accounts.models import User
from circles.core.db import db
from circles.core.personal_data import find_identifier
from circles.groups.models import Circle
from circles.workpackages import services
from circles.workpackages.models import Adoption, Case, CaseQuote, QuoteRole, Status, Task, WorkPackage


def _seed() -> int:
    """The whole demo, plus the work-package part in case circles/demo/ does not call it (yet): then
    it adds what seed_demo did not, else nothing."""
    from circles.demo import seed_demo
    from circles.workpackages.demo import seed as seed_workpackages

    seed_demo()
    circles = {c.name: c for c in db.session.scalars(sa.select(Circle))}
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    added = seed_workpackages(circles, users)
    db.session.commit()
    return added


def _counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (WorkPackage, Task, Adoption, Case, CaseQuote, User))


def test_the_demo_is_seeded_once(app):
    _seed()
    counts = _counts()
    assert _seed() == 0
    assert _counts() == counts

    originals = db.session.scalars(sa.select(WorkPackage).where(WorkPackage.copied_from_id.is_(None))).all()
    assert len(originals) >= 12
    assert {p.status for p in originals} >= {Status.PUBLISHED, Status.IN_REVIEW, Status.DRAFT}
    assert {p.visibility for p in originals if p.is_published} == {"public", "platform", "circle"}
    assert len({sector.code for p in originals for sector in p.sectors}) >= 10
    assert all(3 <= len(p.tasks) <= 7 and p.hours_min <= p.hours_max for p in originals)
    assert all(p.revision >= 1 and services.history(p) for p in originals)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                             .where(Case.status == Status.PUBLISHED)) >= 6


def test_the_library_shows_uptake_and_a_family_tree(app):
    _seed()
    in_use = db.session.scalars(sa.select(Adoption).where(Adoption.in_use_at.is_not(None), Adoption.jobs > 0)).all()
    assert len(in_use) >= 5 and sum(a.jobs for a in in_use) >= 10
    caretaker = db.session.scalar(sa.select(WorkPackage).where(WorkPackage.title == "Assistent-conciërge")
                                  .order_by(WorkPackage.id))
    tree = services.family_tree(caretaker)
    assert tree.package == caretaker
    grandchildren = [g for child in tree.children for g in child.children]
    assert len(grandchildren) == 1 and grandchildren[0].package.organisation.name.startswith("Stichting")


def test_search_finds_the_caretaker_without_the_accent(app):
    _seed()
    with app.test_request_context("/werkpakketten?q=concierge"):
        listing = services.search_packages(None, "concierge", MultiDict())
    titles = [p.title for p in listing.page.items]
    assert set(titles[:2]) == {"Assistent-conciërge", "Assistent-conciërge op een praktijkschool"}
    with app.test_request_context("/werkpakketten"):
        everyone = services.search_packages(None, "", MultiDict()).page.items
    assert "Magazijnmedewerker kazerne" not in [p.title for p in everyone]  # its circle only
    assert all(p.visibility == "public" for p in everyone)


def test_no_text_identifies_a_placed_employee(app):
    _seed()
    texts = []
    for model in (WorkPackage, Task, Case, CaseQuote):
        columns = [c for c in model.__table__.columns if isinstance(c.type, sa.String | sa.Text)]
        for row in db.session.execute(sa.select(*columns)):
            texts += [value for value in row if isinstance(value, str)]
    assert len(texts) > 500
    assert [t for t in texts if find_identifier(t)] == []
    employee_quotes = db.session.scalars(sa.select(CaseQuote).where(CaseQuote.role == QuoteRole.EMPLOYEE)).all()
    assert employee_quotes and all(q.consent_recorded_at is not None for q in employee_quotes)
