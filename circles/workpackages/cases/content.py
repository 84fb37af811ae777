"""A good-practice case's content as one plain dict, and back; and as stable Markdown for diffs.

The one description of "what a case says": revisions store ``case_content``, edits and restores write
with ``apply_case_content``, and the version pages compare ``case_markdown`` texts. Codes stay codes in
the dict; labels are added in the Markdown.

Quotes are by role, never by name. An employee's quote is kept only with their explicit consent
(AVG art. 9): ``apply_case_content`` refuses one without it, and records who noted the consent and when.
"""

from flask_babel import gettext as _

from circles.core.db import db, utcnow
from circles.groups.models import Circle
from circles.reference.models import Region
from circles.reference.sectors import SECTOR_LABELS
from circles.workpackages.export import format_hours, label
from circles.workpackages.instruments import INSTRUMENT_LABELS
from circles.workpackages.models import (
    CONTRACT_LABELS,
    GUIDANCE_LABELS,
    LANGUAGE_LABELS,
    LICENCE_LABELS,
    PARTNER_LABELS,
    QUOTE_ROLE_LABELS,
    RECRUITMENT_LABELS,
    SETTING_LABELS,
    TRIGGER_LABELS,
    Case,
    CaseInstrument,
    CaseQuote,
    QuoteRole,
    WorkPackage,
)

#: The plain (scalar) fields, in the order of the case form.
FIELDS = (
    "title", "summary", "story", "function_title", "setting", "start_year", "placements", "hours_per_week",
    "contract_form", "guidance_notes", "adjustments", "costs_benefits", "results_organisation", "results_team",
    "results_employee", "still_employed", "permanent_after_months", "growth", "lessons", "tips",
)
#: Fields that hold a list of codes, with the codes they accept.
CODE_LISTS = {
    "recruitment": RECRUITMENT_LABELS,
    "partners": PARTNER_LABELS,
    "triggers": TRIGGER_LABELS,
    "guidance": GUIDANCE_LABELS,
}
#: References to other records, and the publishing fields that belong to the content.
LINKS = ("sector_code", "region_code", "package_id", "circle_id")
META_FIELDS = ("licence", "language")
#: The fields that may be empty (None); any other field gets "" for None.
NULLABLE = {"start_year", "placements", "hours_per_week", "still_employed", "permanent_after_months", *LINKS}
#: The fields of one quote in the dict.
QUOTE_KEYS = ("role", "text", "consent_recorded", "consent_note")
#: Every key of the dict ``case_content`` returns.
KEYS = (*FIELDS, *CODE_LISTS, "instruments", "quotes", *LINKS, *META_FIELDS)


class ConsentMissing(ValueError):
    """An employee's quote without their recorded consent."""


def _unique(codes, known=None) -> list[str]:
    """The codes in their order, without repeats, blanks or (with ``known``) unknown codes."""
    seen: list[str] = []
    for code in codes or ():
        if code and code not in seen and (known is None or code in known):
            seen.append(code)
    return seen


def case_content(case: Case) -> dict:
    """Everything a case says, as plain values (JSON-safe: numbers, strings, booleans, lists)."""
    content = {name: getattr(case, name) for name in FIELDS}
    for name in CODE_LISTS:
        content[name] = list(getattr(case, name) or [])
    content["instruments"] = list(case.instruments)
    content["quotes"] = [{"role": q.role, "text": q.text, "consent_recorded": q.consent_recorded_at is not None,
                          "consent_note": q.consent_note or ""} for q in case.quotes]
    for name in (*LINKS, *META_FIELDS):
        content[name] = getattr(case, name)
    return content


def apply_case_content(case: Case, content: dict, *, user) -> None:
    """Set the fields of ``content`` on ``case`` (keys it lacks are left alone). Quotes are replaced; a
    quote keeps the consent record of an unchanged quote, or records ``user`` and now when consent is
    given. ConsentMissing for an employee's quote without consent. Neither flushes nor commits."""
    for name in (*FIELDS, *META_FIELDS):
        if name in content:
            value = content[name]
            if value is None and name not in NULLABLE:
                value = ""
            setattr(case, name, value)
    for name, known in CODE_LISTS.items():
        if name in content:
            setattr(case, name, _unique(content[name], known))
    if "sector_code" in content:
        case.sector_code = content["sector_code"] if content["sector_code"] in SECTOR_LABELS else None
    if "region_code" in content:
        code = content["region_code"]
        case.region = db.session.get(Region, code) if code else None
    if "package_id" in content:
        package_id = content["package_id"]
        case.package = db.session.get(WorkPackage, package_id) if package_id else None
    if "circle_id" in content:
        circle_id = content["circle_id"]
        case.circle = db.session.get(Circle, circle_id) if circle_id else None
    if "instruments" in content:
        wanted = _unique(content["instruments"], INSTRUMENT_LABELS)
        # Keep the rows that stay (no delete-then-insert of the same key in one flush).
        kept = [row for row in case.instrument_rows if row.instrument in wanted]
        have = {row.instrument for row in kept}
        case.instrument_rows = kept + [CaseInstrument(instrument=code) for code in wanted if code not in have]
    if "quotes" in content:
        case.quotes = _quotes(case, content["quotes"] or [], user)


def _quotes(case: Case, lines: list[dict], user) -> list[CaseQuote]:
    """New quote rows for ``lines``; an unchanged quote with recorded consent keeps that record."""
    recorded = {(q.role, q.text): q for q in case.quotes if q.consent_recorded_at is not None}
    rows = []
    for position, line in enumerate(lines):
        role, text = line.get("role") or QuoteRole.SUPERVISOR, (line.get("text") or "").strip()
        if not text:
            continue
        consent = bool(line.get("consent_recorded"))
        if role == QuoteRole.EMPLOYEE and not consent:
            raise ConsentMissing(text)
        row = CaseQuote(position=position, role=role, text=text, consent_note=line.get("consent_note") or "")
        if consent:
            before = recorded.get((role, text))
            row.consent_recorded_at = before.consent_recorded_at if before else utcnow()
            row.consent_recorded_by_id = before.consent_recorded_by_id if before else getattr(user, "id", None)
        rows.append(row)
    return rows


# --- as Markdown, for the version pages ------------------------------------------------------------------

def _name(model, key, attribute: str) -> str:
    record = db.session.get(model, key) if key else None
    return getattr(record, attribute) if record is not None else (str(key) if key else "")


def case_markdown(content: dict) -> str:
    """The case as Markdown: one fact per line, sections in a fixed order, empty ones left out. Labels in
    the reader's language; what people wrote exactly as written. Revisions are compared by this text."""
    lines = [f"# {content.get('title') or ''}", ""]
    if content.get("summary"):
        lines += [content["summary"], ""]

    facts = []

    def fact(name: str, value) -> None:
        if value not in (None, "", []):
            facts.append(f"- **{name}:** {value}")

    fact(_("Functie"), content.get("function_title"))
    fact(_("Afdeling of omgeving"), label(SETTING_LABELS, content.get("setting")) if content.get("setting") else "")
    fact(_("Sector"), label(SECTOR_LABELS, content.get("sector_code")) if content.get("sector_code") else "")
    fact(_("Arbeidsmarktregio"), _name(Region, content.get("region_code"), "name"))
    fact(_("Werkpakket"), _name(WorkPackage, content.get("package_id"), "title"))
    fact(_("Leercirkel"), _name(Circle, content.get("circle_id"), "name"))
    fact(_("Startjaar"), content.get("start_year"))
    fact(_("Aantal plaatsingen"), content.get("placements"))
    hours = content.get("hours_per_week")
    fact(_("Uren per week"), format_hours(hours) if hours is not None else None)
    fact(_("Contractvorm"), label(CONTRACT_LABELS, content.get("contract_form")) if content.get("contract_form")
         else "")
    for name, title in (("recruitment", _("Hoe de medewerker gevonden is")), ("partners", _("Samenwerkingspartners")),
                        ("triggers", _("Aanleiding")), ("guidance", _("Begeleiding"))):
        fact(title, "; ".join(label(CODE_LISTS[name], code) for code in content.get(name) or []))
    fact(_("Instrumenten"), "; ".join(label(INSTRUMENT_LABELS, code) for code in content.get("instruments") or []))
    still = content.get("still_employed")
    fact(_("Nog in dienst"), "" if still is None else (_("ja") if still else _("nee")))
    fact(_("Vast contract na (maanden)"), content.get("permanent_after_months"))
    fact(_("Licentie"), label(LICENCE_LABELS, content.get("licence")) if content.get("licence") else "")
    fact(_("Taal"), label(LANGUAGE_LABELS, content.get("language")) if content.get("language") else "")
    if facts:
        lines += [*facts, ""]

    for name, title in (
        ("story", _("Het verhaal")), ("guidance_notes", _("Toelichting op de begeleiding")),
        ("adjustments", _("Aanpassingen van de werkplek")), ("costs_benefits", _("Kosten en baten")),
        ("results_organisation", _("Resultaat voor de organisatie")), ("results_team", _("Resultaat voor het team")),
        ("results_employee", _("Resultaat voor de medewerker")), ("growth", _("Doorgroei")),
        ("lessons", _("Lessen")), ("tips", _("Tips")),
    ):
        if content.get(name):
            lines += [f"## {title}", "", content[name].strip(), ""]

    quotes = [q for q in content.get("quotes") or [] if q.get("text")]
    if quotes:
        lines += [f"## {_('Citaten')}", ""]
        for quote in quotes:
            lines += [f"> {line}" for line in quote["text"].splitlines()]
            who = label(QUOTE_ROLE_LABELS, quote.get("role"))
            if quote.get("consent_recorded"):
                who += " · " + _("toestemming vastgelegd")
                if quote.get("consent_note"):
                    who += f" ({quote['consent_note']})"
            lines += [f"— {who}", ""]
    return "\n".join(lines).rstrip() + "\n"
