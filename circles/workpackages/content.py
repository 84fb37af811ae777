"""A work package's content as one plain dict, and back.

The one description of "what a package says": the Markdown export, the JSON API, the revisions (and
their diffs) and the edit services all read it with ``package_content`` and write it with
``apply_content``. Codes stay codes here; labels are added where the content is shown.
"""

from circles.core.db import db
from circles.reference.models import Sector
from circles.workpackages.models import PackageInstrument, Task, WorkPackage

#: The plain (scalar or list-of-codes) fields, in the order of the package form.
FIELDS = (
    "title", "summary", "setting", "setting_other", "hours_min", "hours_max", "work_level", "skills", "taken_from",
    "relief", "contract_forms", "pay_scale", "guidance", "guidance_notes", "adjustments", "cost_one_off",
    "cost_yearly", "subsidies_yearly", "cost_notes", "preconditions", "pitfalls", "tips",
)
#: The fields of one task line.
TASK_FIELDS = ("description", "frequency", "hours_per_week", "independence", "tools")
#: The publishing fields that belong to the content (status and dates do not).
META_FIELDS = ("licence", "language", "visibility", "circle_id")
#: The fields that may be empty (None); any other field gets "" (or []) for None.
NULLABLE = {"hours_min", "hours_max", "cost_one_off", "cost_yearly", "subsidies_yearly", "circle_id"}
#: The fields that hold a list of codes.
CODE_LISTS = {"contract_forms", "guidance"}
#: Every key of the dict ``package_content`` returns.
KEYS = (*FIELDS, "sectors", "instruments", "tasks", *META_FIELDS)


def _unique(codes) -> list[str]:
    """The codes in their order, without repeats or blanks."""
    seen: list[str] = []
    for code in codes or ():
        if code and code not in seen:
            seen.append(code)
    return seen


def package_content(package: WorkPackage) -> dict:
    """Everything a package says, as plain values (JSON-safe: numbers, strings, lists of codes)."""
    content = {name: getattr(package, name) for name in FIELDS}
    content["contract_forms"] = list(package.contract_forms or [])
    content["guidance"] = list(package.guidance or [])
    content["sectors"] = [sector.code for sector in package.sectors]
    content["instruments"] = list(package.instruments)
    content["tasks"] = [{name: getattr(task, name) for name in TASK_FIELDS} for task in package.tasks]
    for name in META_FIELDS:
        content[name] = getattr(package, name)
    return content


def apply_content(package: WorkPackage, content: dict) -> None:
    """Set the fields of ``content`` on ``package`` (keys it lacks are left alone). Unknown sector codes
    are skipped; tasks are replaced by new rows, numbered in their order. Neither flushes nor commits."""
    for name in (*FIELDS, *META_FIELDS):
        if name in content:
            value = content[name]
            if name in CODE_LISTS:
                value = _unique(value)
            elif value is None and name not in NULLABLE:
                value = ""
            setattr(package, name, value)
    if "sectors" in content:
        sectors = [db.session.get(Sector, code) for code in _unique(content["sectors"])]
        package.sectors = [sector for sector in sectors if sector is not None]
    if "instruments" in content:
        wanted = _unique(content["instruments"])
        # Keep the rows that stay: deleting and re-adding a row with the same key in one flush is a
        # needless delete-then-insert of the same primary key.
        kept = [row for row in package.instrument_rows if row.instrument in wanted]
        have = {row.instrument for row in kept}
        package.instrument_rows = kept + [PackageInstrument(instrument=code) for code in wanted if code not in have]
    if "tasks" in content:
        package.tasks = [
            Task(position=position, **{name: line[name] for name in TASK_FIELDS if line.get(name) is not None})
            for position, line in enumerate(content["tasks"] or [])
        ]
