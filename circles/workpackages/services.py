"""Work packages: writing with revisions, the publishing workflow (direct to a circle, or reviewed for
the platform and the public), copying into another organisation, reported jobs, and the listing with
search and facets. Plain functions: the view commits."""

import math
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from circles.accounts.models import Organisation, User
from circles.core import audit, cache, revisions, search
from circles.core.db import db, utcnow
from circles.core.text import slugify
from circles.groups.models import Circle, Membership, MembershipState, Visibility
from circles.reference.models import Municipality, Region
from circles.workpackages import facets as facet_lib
from circles.workpackages.content import apply_content, package_content
from circles.workpackages.export import package_markdown
from circles.workpackages.instruments import INSTRUMENT_LABELS
from circles.workpackages.models import (
    HOURS_PER_JOB,
    SETTING_LABELS,
    WORK_LEVEL_LABELS,
    Adoption,
    Case,
    Status,
    WorkPackage,
    case_instruments,
    package_instruments,
    package_sectors,
)
from circles.workpackages.permissions import visible_clause
from circles.workpackages.wording import words
from circles.workpackages.workflow import Kind, PublishError
from circles.workpackages.workflow import services as workflow

OBJECT_TYPE = "package"


#: A refused action, with a message for the person and the HTTP status to answer with.
PackageError = PublishError


# --- writing -----------------------------------------------------------------------------------------

def create_package(user: User, content: dict, *, circle=None) -> WorkPackage:
    """A new draft of the user's organisation, revision 1."""
    package = WorkPackage(author_id=user.id, organisation_id=user.organisation_id, circle=circle,
                          status=Status.DRAFT, slug="")
    db.session.add(package)
    apply_content(package, content)
    package.slug = slugify(package.title, "werkpakket")[:120]
    db.session.flush()
    package.family_id = package.id
    _new_revision(package, user, based_on=0)
    return package


def update_package(package: WorkPackage, user: User, content: dict, *, based_on: int, circle=None) -> None:
    """Save an edit as a new revision; revisions.StaleEdit when someone saved since ``based_on``."""
    workflow.refuse_stale(PACKAGE, package, based_on)
    apply_content(package, content)
    package.circle = circle
    package.slug = slugify(package.title, "werkpakket")[:120]
    _new_revision(package, user, based_on=based_on)


def restore_revision(package: WorkPackage, user: User, revision: revisions.Revision) -> None:
    """An old version's text comes back as a new revision: nothing is lost. Who may read it (visibility,
    circle) stays as it is now: restoring never widens the audience past a review."""
    content = {k: v for k, v in revision.content.items() if k not in ("visibility", "circle_id")}
    apply_content(package, content)
    package.slug = slugify(package.title, "werkpakket")[:120]
    _new_revision(package, user, based_on=package.revision, note=f"restored:{revision.number}")


def _new_revision(package: WorkPackage, user: User, *, based_on: int, note: str = "") -> None:
    workflow.save_revision(PACKAGE, package, user, based_on=based_on, note=note)


def index_package(package: WorkPackage) -> None:
    """Keep the search index in step: title weighs most, then every descriptive text."""
    body = "\n".join([
        package.summary, package.setting_other, package.skills, package.taken_from, package.relief,
        package.guidance_notes, package.adjustments, package.pay_scale, package.cost_notes, package.preconditions,
        package.pitfalls, package.tips, *(t.description for t in package.tasks), *(t.tools for t in package.tasks),
        str(SETTING_LABELS.get(package.setting, "")),
    ])
    search.index(OBJECT_TYPE, package.id, package.title, body)


def package_text(content: dict) -> str:
    """The package as line-oriented text: what the diffs compare."""
    return package_markdown(content, organisation=None, circle=None, url=None, revision=None)


# --- publishing and versions (the workflow is shared with cases: see workflow/) --------------------------

PACKAGE = Kind(
    name=OBJECT_TYPE, model=WorkPackage, id_arg="package_id", url_base="/werkpakketten/<int:package_id>",
    endpoint_prefix="", content=package_content, markdown=package_text, restore=restore_revision, index=index_package,
    words=words(OBJECT_TYPE), form_template="workpackages/form.html", email_folder="workpackages/email",
    load_options=(joinedload(WorkPackage.circle), joinedload(WorkPackage.organisation),
                  joinedload(WorkPackage.sectors), joinedload(WorkPackage.instrument_rows)))
(publish_to_circle, submit_for_review, approve, send_back, archive, reopen, review_queue, history,
 revision_of) = workflow.bind(PACKAGE)


# --- copying and jobs --------------------------------------------------------------------------------

def adopt(source: WorkPackage, user: User) -> Adoption:
    """"Overnemen": a draft copy for the user's organisation that records what it came from."""
    existing = db.session.scalar(sa.select(Adoption).where(Adoption.source_id == source.id,
                                                           Adoption.organisation_id == user.organisation_id))
    if existing is not None:
        raise PackageError(_l("Uw organisatie heeft dit werkpakket al overgenomen."))
    # The copy starts private to the adopting organisation: not in the source's circle, not visible.
    content = {k: v for k, v in package_content(source).items() if k not in ("visibility", "circle_id")}
    copy = WorkPackage(author_id=user.id, organisation_id=user.organisation_id, status=Status.DRAFT,
                       visibility=Visibility.CIRCLE, slug=source.slug, copied_from_id=source.id,
                       copied_from_revision=source.revision, family_id=source.family_id or source.id,
                       licence=source.licence)
    db.session.add(copy)
    apply_content(copy, content)
    db.session.flush()
    revisions.save(OBJECT_TYPE, copy.id, package_content(copy), author=user, based_on=0,
                   note=f"copied:{source.id}:{source.revision}")
    copy.revision = 1
    index_package(copy)
    adoption = Adoption(source_id=source.id, copy=copy, organisation_id=user.organisation_id,
                        adopted_by_id=user.id, source_revision=source.revision)
    db.session.add(adoption)
    audit.record("package.adopted", actor=user, obj_type="package", obj_id=source.id)
    return adoption


def report_in_use(adoption: Adoption, user: User, jobs: int) -> None:
    """The adopter reports the package in use, with the jobs it produced (a correction overwrites)."""
    if jobs < 0:
        raise PackageError(_l("Het aantal banen kan niet negatief zijn."), 422)
    adoption.in_use_at = adoption.in_use_at or utcnow()
    adoption.jobs = jobs
    adoption.reported_by_id = user.id


def adoption_of(copy: WorkPackage) -> Adoption | None:
    return db.session.scalar(sa.select(Adoption).where(Adoption.copy_id == copy.id))


@dataclass
class Uptake:
    adoptions: int = 0
    in_use: int = 0
    jobs: int = 0

    @classmethod
    def from_columns(cls, values) -> "Uptake":
        n, in_use, jobs = values
        return cls(n or 0, in_use or 0, int(jobs or 0))


def uptake(package_ids: list[int]) -> dict[int, Uptake]:
    """Adoptions, adoptions in use and jobs per source package, in one query."""
    if not package_ids:
        return {}
    rows = db.session.execute(
        sa.select(Adoption.source_id, sa.func.count(), sa.func.count(Adoption.in_use_at),
                  sa.func.coalesce(sa.func.sum(Adoption.jobs), 0))
        .where(Adoption.source_id.in_(package_ids)).group_by(Adoption.source_id))
    result: dict[int, Uptake] = defaultdict(Uptake)
    for source_id, n, in_use, jobs in rows:
        result[source_id] = Uptake(n, in_use, int(jobs))
    return result


def _uptake_select(*conditions) -> sa.Select:
    return (sa.select(sa.func.count(), sa.func.count(Adoption.in_use_at),
                      sa.func.coalesce(sa.func.sum(Adoption.jobs), 0))
            .select_from(Adoption).join(WorkPackage, WorkPackage.id == Adoption.source_id).where(*conditions))


def uptake_where(*conditions) -> Uptake:
    """Adoptions and jobs of the packages matching ``conditions`` (a circle's, a sector's)."""
    n, in_use, jobs = db.session.execute(_uptake_select(*conditions)).one()
    return Uptake(n, in_use, int(jobs))


def uptake_columns(*conditions) -> list:
    """``uptake_where`` as three columns to add to another select (a page saves a query); read them back
    with ``Uptake.from_columns``. Not correlated: the figures are about all packages matching ``conditions``."""
    query = _uptake_select(*conditions).correlate(None)
    return [query.with_only_columns(column).scalar_subquery() for column in query.selected_columns]


def adopted_jobs_by(group, *conditions) -> dict[tuple, int]:
    """Jobs that adopters reported, summed per (``group`` value, year the package was taken into use), for the
    adopting organisations matching ``conditions`` (on Organisation): the progress dashboards put these beside
    the organisations' own figures. ``group`` may be None for one total per year."""
    year = sa.extract("year", Adoption.in_use_at)
    keys = [group] if group is not None else []
    rows = db.session.execute(
        sa.select(*keys, year, sa.func.coalesce(sa.func.sum(Adoption.jobs), 0))
        .join(Organisation, Organisation.id == Adoption.organisation_id)
        .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
        .where(Adoption.in_use_at.is_not(None), *conditions).group_by(*keys, year))
    return {(row[0] if keys else None, int(row[-2])): int(row[-1]) for row in rows}


def adoptions_of(package: WorkPackage) -> list[Adoption]:
    return list(db.session.scalars(
        sa.select(Adoption).where(Adoption.source_id == package.id)
        .options(joinedload(Adoption.organisation), joinedload(Adoption.copy)).order_by(Adoption.adopted_at)))


@dataclass
class FamilyNode:
    package: WorkPackage
    children: list["FamilyNode"]


def family_tree(package: WorkPackage) -> FamilyNode | None:
    """The original and every copy of copies, in one query; None when the package has no copies and is
    no copy."""
    members = db.session.scalars(sa.select(WorkPackage).where(WorkPackage.family_id == package.family_id)
                                 .options(joinedload(WorkPackage.organisation))
                                 .order_by(WorkPackage.created_at, WorkPackage.id)).all()
    if len(members) < 2:
        return None
    children = defaultdict(list)
    root = None
    for member in members:
        if member.copied_from_id is None or member.id == package.family_id:
            root = member
        else:
            children[member.copied_from_id].append(member)

    def build(p: WorkPackage) -> FamilyNode:
        return FamilyNode(p, [build(c) for c in children.get(p.id, [])])

    return build(root) if root is not None else None


# --- listing with search and facets --------------------------------------------------------------------

def hours_bands() -> dict:
    return {
        "tot12": _l("Tot 12 uur per week"),
        "12-20": _l("12 tot 20 uur"),
        "20-25": _l("20 tot 25,5 uur"),
        "baan": _l("25,5 uur of meer (een hele baan)"),
    }


def _band_expression():
    hours = WorkPackage.hours_max
    return sa.case((hours < 12, "tot12"), (hours < 20, "12-20"), (hours < HOURS_PER_JOB, "20-25"),
                   (hours >= HOURS_PER_JOB, "baan"), else_=None)


def _band_condition(values: list[str]):
    return _band_expression().in_(values)


def _band_counts(ids: sa.Subquery) -> sa.Select:
    band = _band_expression()
    return (sa.select(band, sa.func.count()).select_from(WorkPackage)
            .where(WorkPackage.id.in_(sa.select(ids.c.id)), band.is_not(None)).group_by(band))


def _region_options() -> dict:
    return {code: name for code, name in db.session.execute(sa.select(Region.code, Region.name)
                                                             .order_by(Region.name))}


def _organisation_region():
    return (sa.select(Municipality.region_code).join(Organisation, Organisation.municipality_id == Municipality.id)
            .where(Organisation.id == WorkPackage.organisation_id).scalar_subquery())


def _region_counts(ids: sa.Subquery) -> sa.Select:
    return (sa.select(Municipality.region_code, sa.func.count()).select_from(WorkPackage)
            .join(Organisation, Organisation.id == WorkPackage.organisation_id)
            .join(Municipality, Municipality.id == Organisation.municipality_id)
            .where(WorkPackage.id.in_(sa.select(ids.c.id))).group_by(Municipality.region_code))


def _sector_options() -> dict:
    from circles.reference.sectors import SECTOR_LABELS

    return dict(SECTOR_LABELS)


PACKAGE_FACETS = [
    facet_lib.Facet("sector", _l("Sector"), _sector_options,
                    facet_lib.in_link_table(WorkPackage, package_sectors, "package_id", "sector_code"),
                    facet_lib.through(package_sectors, "package_id", "sector_code")),
    facet_lib.Facet("afdeling", _l("Afdeling of omgeving"), lambda: dict(SETTING_LABELS),
                    lambda values: WorkPackage.setting.in_(values), facet_lib.grouped(WorkPackage.setting)),
    facet_lib.Facet("uren", _l("Uren per week"), hours_bands, _band_condition, _band_counts),
    facet_lib.Facet("instrument", _l("Instrument"), lambda: dict(INSTRUMENT_LABELS),
                    facet_lib.in_link_table(WorkPackage, package_instruments, "package_id", "instrument"),
                    facet_lib.through(package_instruments, "package_id", "instrument")),
    facet_lib.Facet("niveau", _l("Werkniveau"), lambda: dict(WORK_LEVEL_LABELS),
                    lambda values: WorkPackage.work_level.in_(values), facet_lib.grouped(WorkPackage.work_level)),
    facet_lib.Facet("regio", _l("Regio van de organisatie"), _region_options,
                    lambda values: _organisation_region().in_(values), _region_counts),
]

#: The longest search text we look at; more is cut off, not refused.
MAX_QUERY = 200


@dataclass
class Listing:
    page: object
    facets: list
    query: str
    selection: dict
    uptake: dict


#: The facet counts of a search (all the matching packages the reader may see, counted six ways: most of the
#: search's time at tens of thousands of packages) and the number of results are kept for a short while per
#: reader, words and filters (circles.core.cache): cleared when this process changes a package or a membership,
#: at most CACHE_SECONDS old otherwise. So are the ids of the first results (RANKED_KEPT); the packages shown
#: are always read afresh, under every condition of the search.
FACET_CACHE = "package_facets"
cache.watch(FACET_CACHE, "workpackages", "workpackage_sectors", "workpackage_instruments", "memberships",
            "organisations", "circles")


def _reader_key(user):
    """Who sees the same packages: every anonymous reader alike; a logged-in reader on their own (circle-only
    packages depend on their memberships)."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return ("user", user.id, user.role)


#: The ids of the first ten pages of results, in order, are kept with the counts: paging through them, or the
#: same search again, does not rank every match again (16,000 matches of one word at national scale).
RANKED_KEPT = 200


def readable_matches(model, object_type: str, user, query: str) -> tuple[sa.Select, list]:
    """The published items of ``model`` (packages or cases) ``user`` may read that match the words of
    ``query`` (all of them), and their order: best match first, newest first without words."""
    base = sa.select(model).where(visible_clause(model, user))
    order = [model.published_at.desc(), model.id.desc()]
    matched = search.matches(object_type, query) if query else None
    if matched is not None:
        m = matched.subquery()
        base = base.join(m, m.c.doc_id == model.id)
        order = [m.c.rank.desc(), *order]
    return base, order


def search_packages(user, query: str, args, *, per_page: int = 20) -> Listing:
    """Published packages the user may read, matching the words (all of them, as prefixes, accents
    folded) and the facets, best match first (newest first without words). A fixed number of queries."""
    query = (query or "").strip()[:MAX_QUERY]
    selection = facet_lib.read_selection(PACKAGE_FACETS, args)
    base, order = readable_matches(WorkPackage, OBJECT_TYPE, user, query)
    key = (_reader_key(user), str(get_locale()), tuple(search.words(query)),
           tuple(sorted((name, tuple(values)) for name, values in selection.items())))
    chosen = base.where(*facet_lib.conditions(PACKAGE_FACETS, selection))

    def first_results() -> tuple:
        rows = db.session.execute(chosen.with_only_columns(WorkPackage.id, sa.func.count().over())
                                  .order_by(*order).limit(RANKED_KEPT)).all()
        return (facet_lib.facet_states(PACKAGE_FACETS, base, WorkPackage.id, selection),
                rows[0][1] if rows else 0, [row[0] for row in rows])

    states, total, first_ids = cache.cached(FACET_CACHE, key, first_results)
    page = _result_page(chosen, order, first_ids, total, per_page)
    return Listing(page=page, facets=states, query=query, selection=selection,
                   uptake=uptake([p.id for p in page.items]))


def _result_page(chosen: sa.Select, order: list, first_ids: list[int], total: int, per_page: int):
    """The page asked for: from the kept ids when it lies among them (the packages looked up by id, still
    under every condition of the search), else ranked again."""
    from circles.core.paging import RowPage, paginate_rows, requested_page

    number = requested_page(total, per_page)
    start = (number - 1) * per_page
    options = (selectinload(WorkPackage.sectors), selectinload(WorkPackage.organisation),
               selectinload(WorkPackage.instrument_rows))
    if start + per_page <= len(first_ids) or len(first_ids) == total:
        ids = first_ids[start:start + per_page]
        found = {p.id: p for p in db.session.scalars(chosen.where(WorkPackage.id.in_(ids)).options(*options))}
        return RowPage(items=[found[i] for i in ids if i in found], page=number, per_page=per_page, total=total)
    page = paginate_rows(chosen.order_by(*order).options(*options), per_page=per_page, total=total)
    page.items = [row[0] for row in page.items]
    return page


def my_circles(user) -> list[Circle]:
    """Circles the user takes part in: the ones a package or case can belong to."""
    return list(db.session.scalars(
        sa.select(Circle).join(Membership, Membership.circle_id == Circle.id)
        .where(Membership.user_id == user.id, Membership.state == MembershipState.ACTIVE).order_by(Circle.name)))


def public_packages() -> sa.Select:
    """Published public packages, newest first, with what a list item shows loaded up front."""
    return (sa.select(WorkPackage)
            .where(visible_clause(WorkPackage, None))
            .options(selectinload(WorkPackage.sectors), selectinload(WorkPackage.tasks),
                     selectinload(WorkPackage.instrument_rows), selectinload(WorkPackage.organisation))
            .order_by(WorkPackage.published_at.desc(), WorkPackage.id.desc()))


def adoption_counts(ids: list[int]) -> dict[int, int]:
    """How often each package was taken over, in one grouped query."""
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Adoption.source_id, sa.func.count(Adoption.id))
                              .where(Adoption.source_id.in_(ids)).group_by(Adoption.source_id))
    return dict(rows.all())


def public_packages_page(page: int, per_page: int) -> tuple[list[WorkPackage], int, int, int]:
    """One page of ``public_packages``: the packages, the total, the page (kept within the pages there are)
    and the number of pages."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(WorkPackage)
                              .where(visible_clause(WorkPackage, None)))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    packages = db.session.scalars(public_packages().limit(per_page).offset((page - 1) * per_page)).all()
    return list(packages), total, page, pages


def public_package(package_id: int) -> WorkPackage | None:
    return db.session.scalar(public_packages().where(WorkPackage.id == package_id))


def newest_public(limit: int) -> list[WorkPackage]:
    """The most recently published packages anyone may read, with their organisations (the feed)."""
    return list(db.session.scalars(
        sa.select(WorkPackage).where(visible_clause(WorkPackage, None))
        .options(selectinload(WorkPackage.organisation))
        .order_by(WorkPackage.published_at.desc(), WorkPackage.id.desc()).limit(limit)))


def my_packages(user) -> list[WorkPackage]:
    """Everything of the user's organisation and by the user, in any status, newest change first."""
    return list(db.session.scalars(
        sa.select(WorkPackage).where(sa.or_(WorkPackage.organisation_id == user.organisation_id,
                                            WorkPackage.author_id == user.id))
        .options(selectinload(WorkPackage.circle)).order_by(WorkPackage.updated_at.desc())))


def packages_for_cases(user) -> list[WorkPackage]:
    """Packages a case may point to: those the user can read, plus their own organisation's."""
    return list(db.session.scalars(
        sa.select(WorkPackage).where(sa.or_(visible_clause(WorkPackage, user),
                                            WorkPackage.organisation_id == user.organisation_id))
        .order_by(WorkPackage.title)))


def cases_of_package(package: WorkPackage, user) -> list[Case]:
    return list(db.session.scalars(sa.select(Case).where(Case.package_id == package.id,
                                                         visible_clause(Case, user)).order_by(Case.title)))



# --- on other features' pages --------------------------------------------------------------------------

def circle_packages(circle: Circle, user, limit: int = 10) -> tuple[list[WorkPackage], Uptake]:
    """The circle's newest published packages ``user`` may read, and how often all its published packages were
    copied, in one query. A reader who may see none of them gets no figures either."""
    columns = uptake_columns(WorkPackage.circle_id == circle.id, WorkPackage.status == Status.PUBLISHED)
    rows = db.session.execute(
        sa.select(WorkPackage, *columns)
        .where(WorkPackage.circle_id == circle.id, visible_clause(WorkPackage, user))
        .order_by(WorkPackage.published_at.desc()).limit(limit)).all()
    return [row[0] for row in rows], (Uptake.from_columns(rows[0][1:]) if rows else Uptake())


def sector_uptake(sector) -> Uptake:
    """How often the sector's published packages were copied, and the jobs that gave."""
    in_sector = sa.exists().where(package_sectors.c.package_id == WorkPackage.id,
                                  package_sectors.c.sector_code == sector.code)
    return uptake_where(in_sector, WorkPackage.status == Status.PUBLISHED)


# --- the instrument guide ------------------------------------------------------------------------------

#: The column that links an instrument code to a package or a case.
_INSTRUMENT_KEYS = {WorkPackage: package_instruments.c.package_id, Case: case_instruments.c.case_id}


def instrument_usage(user, model) -> dict[str, int]:
    """Per instrument code: how many published items of ``model`` (packages or cases) ``user`` may read."""
    key = _INSTRUMENT_KEYS[model]
    link = key.table
    rows = db.session.execute(
        sa.select(link.c.instrument, sa.func.count())
        .join(model, model.id == key)
        .where(visible_clause(model, user))
        .group_by(link.c.instrument))
    return dict(rows.all())


def instrument_users(user, model, code: str, limit: int) -> tuple[list, int]:
    """The newest published items ``user`` may read that used instrument ``code``, and how many there are."""
    key = _INSTRUMENT_KEYS[model]
    link = key.table
    using = sa.and_(visible_clause(model, user),
                    model.id.in_(sa.select(key).where(link.c.instrument == code)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(using))
    items = db.session.scalars(
        sa.select(model).where(using).options(selectinload(model.organisation))
        .order_by(model.published_at.desc(), model.id.desc()).limit(limit)).all() if total else []
    return items, total
