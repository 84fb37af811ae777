"""Good-practice cases (goede voorbeelden): writing with revisions, the publishing workflow (the same as a
work package's: direct to a circle, or reviewed for the platform and the public) and the listing with
search and facets. Plain functions: the view commits."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from circles.core import dialect, revisions, search
from circles.core.db import db
from circles.core.text import slugify
from circles.groups.models import Circle, Visibility
from circles.reference.models import Region
from circles.workpackages import facets as facet_lib
from circles.workpackages.cases.content import ConsentMissing, apply_case_content, case_content, case_markdown
from circles.workpackages.instruments import INSTRUMENT_LABELS
from circles.workpackages.models import RECRUITMENT_LABELS, SETTING_LABELS, Case, Status, case_instruments
from circles.workpackages.services import MAX_QUERY, Listing, readable_matches
from circles.workpackages.wording import words
from circles.workpackages.workflow import Kind, PublishError
from circles.workpackages.workflow import services as workflow

OBJECT_TYPE = "case"


#: A refused action, with a message for the person and the HTTP status to answer with.
CaseError = PublishError


CONSENT_MESSAGE = _l("Een citaat van de medewerker kan alleen met diens uitdrukkelijke toestemming. Vink aan dat "
                     "de toestemming er is, of haal het citaat weg.")


def _apply(case: Case, content: dict, user) -> None:
    try:
        apply_case_content(case, content, user=user)
    except ConsentMissing:
        raise CaseError(CONSENT_MESSAGE, 422) from None
    case.slug = slugify(case.title or "", "voorbeeld", 120)


# --- writing -----------------------------------------------------------------------------------------

def create_case(user, content: dict, *, circle: Circle | None = None) -> Case:
    """A new draft of the user's organisation, revision 1. Sector and region default to the
    organisation's (the region through its municipality) when the content leaves them out. ``circle``,
    when given, is the case's circle (else the content's ``circle_id``)."""
    content = dict(content)
    if circle is not None:
        content["circle_id"] = circle.id
    organisation = user.organisation
    if organisation is not None:
        if not content.get("sector_code"):
            content["sector_code"] = organisation.sector_code
        if not content.get("region_code") and organisation.municipality is not None:
            content["region_code"] = organisation.municipality.region_code
    case = Case(author_id=user.id, organisation_id=user.organisation_id, status=Status.DRAFT,
                visibility=Visibility.CIRCLE, slug="")
    db.session.add(case)
    _apply(case, content, user)
    workflow.save_revision(CASE, case, user, based_on=0)
    return case


def update_case(case: Case, user, content: dict, *, based_on: int, circle: Circle | None = None) -> None:
    """Save an edit as a new revision; revisions.StaleEdit when someone saved since ``based_on``.
    ``circle``, when given, is the case's circle (else the content's ``circle_id``)."""
    workflow.refuse_stale(CASE, case, based_on)
    if circle is not None:
        content = {**content, "circle_id": circle.id}
    _apply(case, content, user)
    workflow.save_revision(CASE, case, user, based_on=based_on)


def restore_revision(case: Case, user, revision: revisions.Revision) -> None:
    """An old version comes back as a new revision: nothing is lost."""
    _apply(case, revision.content, user)
    workflow.save_revision(CASE, case, user, based_on=case.revision, note=f"restored:{revision.number}")


def index_case(case: Case) -> None:
    """Keep the search index in step: the title weighs most, then every descriptive text and the quotes."""
    body = "\n".join([
        case.summary, case.function_title, case.story, case.guidance_notes, case.adjustments, case.costs_benefits,
        case.results_organisation, case.results_team, case.results_employee, case.growth, case.lessons, case.tips,
        *(q.text for q in case.quotes), str(SETTING_LABELS.get(case.setting, "")),
    ])
    search.index(OBJECT_TYPE, case.id, case.title, body)


# --- publishing and versions (the workflow is shared with packages: see workflow/) --------------------------

CASE = Kind(
    name=OBJECT_TYPE, model=Case, id_arg="case_id", url_base="/voorbeelden/<int:case_id>", endpoint_prefix="case_",
    content=case_content, markdown=case_markdown, restore=restore_revision, index=index_case, words=words(OBJECT_TYPE),
    form_template="workpackages/cases/case_form.html", email_folder="workpackages/cases/email")
(publish_to_circle, submit_for_review, approve, send_back, archive, reopen, review_queue, history,
 revision_of) = workflow.bind(CASE)


def regions() -> list[Region]:
    return list(db.session.scalars(sa.select(Region).order_by(Region.name)))


# --- listing with search and facets --------------------------------------------------------------------

def _region_options() -> dict:
    return {code: name for code, name in db.session.execute(sa.select(Region.code, Region.name)
                                                             .order_by(Region.name))}


def _sector_options() -> dict:
    from circles.reference.sectors import SECTOR_LABELS

    return dict(SECTOR_LABELS)


def _recruitment_items():
    """The codes in ``Case.recruitment`` (a JSON list) as rows with a ``value`` column, in SQL:
    json_each on SQLite, json_array_elements_text on PostgreSQL."""
    return dialect.json_array_items(Case.recruitment)


def _recruitment_condition(values: list[str]):
    items = _recruitment_items()
    return sa.exists().select_from(items).where(items.c.value.in_(values))


def _recruitment_counts(ids: sa.Subquery) -> sa.Select:
    items = _recruitment_items()
    return (sa.select(items.c.value, sa.func.count(sa.distinct(Case.id))).select_from(Case)
            .join(items, sa.true()).where(Case.id.in_(sa.select(ids.c.id))).group_by(items.c.value))


CASE_FACETS = [
    facet_lib.Facet("sector", _l("Sector"), _sector_options, lambda values: Case.sector_code.in_(values),
                    facet_lib.grouped(Case.sector_code)),
    facet_lib.Facet("afdeling", _l("Afdeling of omgeving"), lambda: dict(SETTING_LABELS),
                    lambda values: Case.setting.in_(values), facet_lib.grouped(Case.setting)),
    facet_lib.Facet("instrument", _l("Instrument"), lambda: dict(INSTRUMENT_LABELS),
                    facet_lib.in_link_table(Case, case_instruments, "case_id", "instrument"),
                    facet_lib.through(case_instruments, "case_id", "instrument")),
    facet_lib.Facet("regio", _l("Arbeidsmarktregio"), _region_options, lambda values: Case.region_code.in_(values),
                    facet_lib.grouped(Case.region_code)),
    facet_lib.Facet("werving", _l("Hoe de medewerker gevonden is"), lambda: dict(RECRUITMENT_LABELS),
                    _recruitment_condition, _recruitment_counts),
]


def search_cases(user, query: str, args, *, per_page: int = 20) -> Listing:
    """Published cases the user may read, matching the words (all of them, as prefixes, accents folded)
    and the facets, best match first (newest first without words). A fixed number of queries."""
    from circles.core.paging import paginate_rows

    query = (query or "").strip()[:MAX_QUERY]
    selection = facet_lib.read_selection(CASE_FACETS, args)
    base, order = readable_matches(Case, OBJECT_TYPE, user, query)
    states = facet_lib.facet_states(CASE_FACETS, base, Case.id, selection)
    rows = base.where(*facet_lib.conditions(CASE_FACETS, selection)).order_by(*order).options(
        selectinload(Case.organisation), selectinload(Case.region))
    page = paginate_rows(rows, per_page=per_page)
    page.items = [row[0] for row in page.items]
    return Listing(page=page, facets=states, query=query, selection=selection, uptake={})
