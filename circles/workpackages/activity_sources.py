"""What the work-package library tells the rest of the platform is new: published public packages and
cases (circles.core.activity). Only public content: the newsletter goes to people without an account."""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from circles.accounts.models import Organisation
from circles.core import activity
from circles.core.db import db
from circles.reference.models import Municipality
from circles.workpackages.models import Case, Status, Visibility, WorkPackage


def _public(model):
    return sa.and_(model.status == Status.PUBLISHED, model.visibility == Visibility.PUBLIC)


def _changed_between(model, since: datetime | None, until: datetime):
    """Published, or changed after publication, in the period."""
    moment = sa.func.coalesce(model.updated_at, model.published_at)
    clause = sa.or_(model.published_at <= until, moment <= until)
    if since is None:
        return clause
    return sa.or_(sa.and_(model.published_at > since, model.published_at <= until),
                  sa.and_(model.updated_at > since, model.updated_at <= until))


def _region_of(organisation: Organisation | None) -> tuple[str, ...]:
    municipality: Municipality | None = organisation.municipality if organisation else None
    return (municipality.region_code,) if municipality and municipality.region_code else ()


def _package_item(package: WorkPackage) -> activity.Item:
    return _published_item("package", package, activity.public_url(
        "workpackages.show", package_id=package.id, slug=package.slug),
        sectors=tuple(s.code for s in package.sectors), regions=_region_of(package.organisation))


def _case_item(case: Case) -> activity.Item:
    return _published_item("case", case, activity.public_url("workpackages.case_show", case_id=case.id, slug=case.slug),
                           sectors=(case.sector_code,) if case.sector_code else (),
                           regions=(case.region_code,) if case.region_code else ())


def _published_item(kind: str, item, url: str, *, sectors: tuple, regions: tuple) -> activity.Item:
    """A package or a case as news: it changed (for the newsletter's memory) when its text or revision did."""
    return activity.Item(
        kind=kind, object_id=item.id, title=item.title, teaser=item.summary, url=url,
        fingerprint=activity.fingerprint(item.title, item.summary, item.revision),
        happened_at=max(d for d in (item.published_at, item.updated_at) if d is not None),
        language=item.language, sectors=sectors, regions=regions)


def _packages(clause) -> list[WorkPackage]:
    return list(db.session.scalars(
        sa.select(WorkPackage).where(_public(WorkPackage), clause)
        .options(selectinload(WorkPackage.sectors),
                 selectinload(WorkPackage.organisation).selectinload(Organisation.municipality))
        .order_by(WorkPackage.published_at, WorkPackage.id)))


def recent_packages(since: datetime | None, until: datetime) -> list[activity.Item]:
    return [_package_item(p) for p in _packages(_changed_between(WorkPackage, since, until))]


def lookup_packages(ids: Iterable[int]) -> dict[int, activity.Item]:
    return {p.id: _package_item(p) for p in _packages(WorkPackage.id.in_(list(ids)))}


def _cases(clause) -> list[Case]:
    return list(db.session.scalars(sa.select(Case).where(_public(Case), clause)
                                   .order_by(Case.published_at, Case.id)))


def recent_cases(since: datetime | None, until: datetime) -> list[activity.Item]:
    return [_case_item(c) for c in _cases(_changed_between(Case, since, until))]


def lookup_cases(ids: Iterable[int]) -> dict[int, activity.Item]:
    return {c.id: _case_item(c) for c in _cases(Case.id.in_(list(ids)))}


activity.register(activity.Source(kind="package", recent=recent_packages, lookup=lookup_packages, order=10))
activity.register(activity.Source(kind="case", recent=recent_cases, lookup=lookup_cases, order=20))
