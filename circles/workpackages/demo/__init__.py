"""Demo work packages, good-practice cases and adoptions for ``flask --app circles seed-demo``; the data is
in packages.toml and cases.toml, drawn from the sector publications (domain.md sections 5 and 6) and the
themes of the Voion study. The caller (circles/demo/) passes the circles and the people by name and e-mail.

Everything goes through the services, so revisions, the search index and the audit log are as real use
would leave them. Idempotent: packages and cases are looked up by title, adoptions by source and
organisation, before anything is made. No text says who a placed employee is: numbers are aggregates,
quotes are by role, and an employee's quote carries a recorded consent.
"""

import tomllib
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from circles.accounts.models import Role, User
from circles.core import audit
from circles.core.db import db, utcnow
from circles.groups.models import Visibility
from circles.groups.services import coordinators

# The work-package and case services this seeder uses.
from circles.workpackages import services
from circles.workpackages.cases import services as case_services
from circles.workpackages.models import Adoption, Case, Status, WorkPackage

ADMIN = "beheerder@demo.leercirkels.nl"
EDITOR = "redacteur@demo.leercirkels.nl"


def _load(name: str) -> dict:
    return tomllib.loads((Path(__file__).parent / name).read_text(encoding="utf-8"))


def _with_tasks(content: dict) -> dict:
    """The content as the services take it: every task with all its keys (a task is done independently
    after instruction and needs no tools unless the data says otherwise)."""
    if "tasks" not in content:
        return content
    return {**content, "tasks": [{"description": t["description"], "frequency": t["frequency"],
                                  "hours_per_week": t["hours_per_week"],
                                  "independence": t.get("independence", "zelfstandig_na_instructie"),
                                  "tools": t.get("tools", "")} for t in content["tasks"]]}


def _reviewer(item, author: User, people: dict) -> User:
    """Who approves it, as the review flow asks: a coordinator of its circle (someone other than the author
    where possible), a platform editor when it has no circle; an administrator otherwise."""
    if item.circle is not None:
        others = [u for u in coordinators(item.circle) if u.id != author.id]
        return others[0] if others else people[ADMIN]
    editor = people.get(EDITOR)
    return editor if editor is not None and editor.role == Role.EDITOR else people[ADMIN]


def _publish(item, plan: dict, author: User, people: dict, module) -> None:
    """Leave ``item`` (a package or a case; ``module`` its services) where the plan says it got to."""
    how = plan["publish"]
    kind = "package" if module is services else "case"
    if how == "circle":
        module.publish_to_circle(item, author)
    elif how in ("public", "platform", "review"):
        # What submit_for_review leaves, without mailing the demo reviewers.
        item.visibility = Visibility.PUBLIC if how == "review" else Visibility(how)
        item.status = Status.IN_REVIEW
        audit.record(f"{kind}.submitted", actor=author, obj_type=kind, obj_id=item.id)
        if how != "review":
            module.approve(item, _reviewer(item, author, people))
    if item.status == Status.PUBLISHED:
        item.published_at = utcnow() - timedelta(days=plan["days_ago"])


def _original(title: str) -> WorkPackage | None:
    """The first package with this title (a copy keeps its source's title until it is adapted)."""
    return db.session.scalar(sa.select(WorkPackage).where(WorkPackage.title == title).order_by(WorkPackage.id)
                             .limit(1))


def seed(circles_by_name: dict, people: dict) -> int:
    """Create the demo packages, adoptions (with reported jobs) and cases that are missing; returns how
    many records were added (packages, copies and cases). ``people``: the demo accounts by e-mail.
    Flushes; the caller commits."""
    added = 0
    packages = _load("packages.toml")
    for plan in packages["packages"]:
        content = _with_tasks(plan["content"])
        if _original(content["title"]) is not None:
            continue
        author = people[plan["author"]]
        circle = circles_by_name[plan["circle"]] if "circle" in plan else None
        package = services.create_package(author, {**content, "circle_id": circle.id if circle else None},
                                          circle=circle)
        _publish(package, plan, author, people, services)
        added += 1
    db.session.flush()

    for plan in packages["adoptions"]:
        source = _original(plan["source"])
        adopter = people[plan["adopter"]]
        if source is None or db.session.scalar(sa.select(Adoption.id).where(
                Adoption.source_id == source.id, Adoption.organisation_id == adopter.organisation_id)):
            continue
        adoption = services.adopt(source, adopter)
        added += 1
        if "changes" in plan:
            copy = adoption.copy
            circle = next((c for c in circles_by_name.values() if c.id == source.circle_id), None)
            services.update_package(copy, adopter, {**_with_tasks(plan["changes"]),
                                                    "circle_id": circle.id if circle else None},
                                    based_on=copy.revision, circle=circle)
            _publish(copy, {"publish": "public", "days_ago": 20}, adopter, people, services)
        if "jobs" in plan:
            services.report_in_use(adoption, adopter, plan["jobs"])
        db.session.flush()

    for plan in _load("cases.toml")["cases"]:
        content = plan["content"]
        if db.session.scalar(sa.select(Case.id).where(Case.title == content["title"])) is not None:
            continue
        author = people[plan["author"]]
        circle = circles_by_name[plan["circle"]] if "circle" in plan else None
        package = _original(plan["package"]) if "package" in plan else None
        case = case_services.create_case(author, {**content, "circle_id": circle.id if circle else None,
                                                  "package_id": package.id if package else None})
        _publish(case, plan, author, people, case_services)
        added += 1
    db.session.flush()
    return added
