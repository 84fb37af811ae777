"""One work package as a clean Markdown document, to paste into a job description or a council proposal.

The same text is what revisions are compared by, so the output is stable and line-oriented: one fact
per line, sections in a fixed order, empty sections left out. Labels are in the reader's language;
what people wrote stays exactly as written (Markdown included).
"""

from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _

from circles.reference.sectors import SECTOR_LABELS
from circles.workpackages.instruments import INSTRUMENT_LABELS
from circles.workpackages.models import (
    CONTRACT_LABELS,
    FREQUENCY_LABELS,
    GUIDANCE_LABELS,
    HOURS_PER_JOB,
    INDEPENDENCE_LABELS,
    LICENCE_LABELS,
    LICENCE_URLS,
    SETTING_LABELS,
    WORK_LEVEL_LABELS,
)


def label(labels: dict, code) -> str:
    """The label of ``code`` in the reader's language, or the code itself when it is unknown."""
    found = labels.get(code) if code is not None else None
    return str(found) if found is not None else str(code or "")


def format_hours(hours: float) -> str:
    """12 -> "12", 12.5 -> "12,5" (in Dutch)."""
    return format_decimal(hours, format="#,##0.##")


def job_equivalent(hours: float | None) -> float | None:
    """The part of one job (baan: 25.5 paid hours a week) that ``hours`` make, to two decimals."""
    return None if hours is None else round(hours / HOURS_PER_JOB, 2)


def format_jobs(hours: float) -> str:
    return format_decimal(hours / HOURS_PER_JOB, format="0.00")


def hours_text(hours_min: float | None, hours_max: float | None) -> str:
    """ "12–20 uur (= 0,47–0,78 baan)", or one number when only one is known or both are equal; "" for none."""
    known = [h for h in (hours_min, hours_max) if h is not None]
    if not known:
        return ""
    if len(known) == 1 or hours_min == hours_max:
        return _("%(hours)s uur (= %(jobs)s baan)", hours=format_hours(known[0]), jobs=format_jobs(known[0]))
    return _("%(hours)s uur (= %(jobs)s baan)", hours=f"{format_hours(hours_min)}–{format_hours(hours_max)}",
             jobs=f"{format_jobs(hours_min)}–{format_jobs(hours_max)}")


def format_euros(amount: int) -> str:
    """Whole euros: "€ 1.500" (in Dutch)."""
    return format_currency(amount, "EUR", format="¤ #,##0", currency_digits=False)


def _line(text) -> str:
    """User text on one line (a fact, a heading): line breaks become spaces."""
    return " ".join(str(text or "").split())


def _block(text) -> str:
    """User text as written, with Unix line ends and no trailing blank lines."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _fact(name: str, value) -> str:
    return f"- **{name}:** {value}"


def _licence_text(code: str | None) -> str:
    url = LICENCE_URLS.get(code) if code else None
    text = label(LICENCE_LABELS, code)
    return f"{text} (<{url}>)" if url else text


def _facts(content: dict, organisation: str | None, circle: str | None, url: str | None,
           revision: int | None) -> list[str]:
    facts = []
    setting = label(SETTING_LABELS, content.get("setting")) if content.get("setting") else ""
    if content.get("setting_other"):
        setting = f"{setting} ({_line(content['setting_other'])})" if setting else _line(content["setting_other"])
    if setting:
        facts.append(_fact(_("Afdeling of omgeving"), setting))
    hours = hours_text(content.get("hours_min"), content.get("hours_max"))
    if hours:
        facts.append(_fact(_("Uren per week"), hours))
    if content.get("work_level"):
        facts.append(_fact(_("Werkniveau"), label(WORK_LEVEL_LABELS, content["work_level"])))
    if content.get("sectors"):
        facts.append(_fact(_("Sectoren"), ", ".join(label(SECTOR_LABELS, c) for c in content["sectors"])))
    if content.get("contract_forms"):
        forms = "; ".join(label(CONTRACT_LABELS, c) for c in content["contract_forms"])
        facts.append(_fact(_("Contractvormen"), forms))
    if content.get("pay_scale"):
        facts.append(_fact(_("Loonschaal en cao"), _line(content["pay_scale"])))
    if content.get("licence"):
        facts.append(_fact(_("Licentie"), _licence_text(content["licence"])))
    if organisation:
        facts.append(_fact(_("Ingebracht door"), _line(organisation)))
    if circle:
        facts.append(_fact(_("Leercirkel"), _line(circle)))
    if revision:
        facts.append(_fact(_("Versie"), str(revision)))
    if url:
        facts.append(_fact(_("Bron"), f"<{url}>"))
    return facts


def _tasks(tasks: list[dict]) -> list[str]:
    lines = []
    for number, task in enumerate(tasks, start=1):
        if lines:
            lines.append("")
        lines.append(f"{number}. {_line(task.get('description'))}")
        if task.get("frequency"):
            lines.append("   " + _fact(_("Hoe vaak"), label(FREQUENCY_LABELS, task["frequency"])))
        if task.get("hours_per_week") is not None:
            lines.append("   " + _fact(_("Uren per week"), format_hours(task["hours_per_week"])))
        if task.get("independence"):
            lines.append("   " + _fact(_("Hoe zelfstandig"), label(INDEPENDENCE_LABELS, task["independence"])))
        if task.get("tools"):
            lines.append("   " + _fact(_("Hulpmiddelen"), _line(task["tools"])))
    return lines


def package_markdown(content: dict, *, organisation: str | None = None, circle: str | None = None,
                     url: str | None = None, revision: int | None = None) -> str:
    """The package ``content`` (see ``content.package_content``) as a Markdown document."""
    sections: list[list[str]] = [[f"# {_line(content.get('title'))}"]]

    def section(heading: str, *parts: list[str] | str, level: int = 2) -> None:
        """A heading with its non-empty parts (lines or a block of text), blank lines between them."""
        body = [part if isinstance(part, list) else [_block(part)] for part in parts]
        body = [part for part in body if part and any(line for line in part)]
        if body:
            sections.append([f"{'#' * level} {heading}"])
            sections.extend(body)

    if content.get("summary"):
        sections.append([_block(content["summary"])])
    section(_("Kenmerken"), _facts(content, organisation, circle, url, revision))
    section(_("Taken"), _tasks(content.get("tasks") or []))
    section(_("Wat iemand moet kunnen"), content.get("skills") or "")
    if content.get("taken_from") or content.get("relief"):
        sections.append([f"## {_('Waar de taken vandaan komen')}"])
        section(_("Van welke functies komen de taken"), content.get("taken_from") or "", level=3)
        section(_("Wat het hen oplevert"), content.get("relief") or "", level=3)
    section(_("Begeleiding"), [f"- {label(GUIDANCE_LABELS, c)}" for c in content.get("guidance") or []],
            content.get("guidance_notes") or "")
    section(_("Aanpassingen van de werkplek"), content.get("adjustments") or "")
    section(_("Gebruikte instrumenten"), [f"- {label(INSTRUMENT_LABELS, c)}" for c in content.get("instruments") or []])
    costs = []
    for key, name in (("cost_one_off", _("Eenmalige kosten")), ("cost_yearly", _("Jaarlijkse kosten")),
                      ("subsidies_yearly", _("Tegemoetkomingen per jaar"))):
        if content.get(key) is not None:
            costs.append(_fact(name, format_euros(content[key])))
    section(_("Kosten en baten"), costs, content.get("cost_notes") or "")
    section(_("Randvoorwaarden"), content.get("preconditions") or "")
    section(_("Valkuilen"), content.get("pitfalls") or "")
    section(_("Tips"), content.get("tips") or "")
    return "\n\n".join("\n".join(part) for part in sections) + "\n"
