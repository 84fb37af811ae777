"""The composer: draft an issue from the platform's activity, let the editor shape it, check it,
freeze it, and hand it to the outbox. Plain functions; the views commit.

The memory of what went out is the items of issues that started sending: an item is proposed again
only when its fingerprint changed since (and then it is marked as changed).
"""

from datetime import date, datetime, timedelta
from itertools import combinations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from circles.accounts.models import User
from circles.core import activity, audit
from circles.core.db import db, utcnow
from circles.core.rules import RuleBroken
from circles.newsletter.models import (
    Issue,
    IssueItem,
    IssueRendering,
    IssueSection,
    IssueStatus,
    NewsItem,
    NewsStatus,
    SectionKind,
    Subscriber,
)

#: One issue every two weeks.
CADENCE = timedelta(days=14)
#: Regional meetings in this window after the cut-off are announced.
UPCOMING_WINDOW = timedelta(weeks=6)
#: Fewer included items than this: the composer warns that the issue is nearly empty.
NEARLY_EMPTY = 3
#: Each targeted section doubles the number of renderings; more than this is refused.
MAX_TARGETED_SECTIONS = 4
LANGUAGES = ("nl", "en")

#: Which section an activity kind lands in, and the order of the default sections.
SECTION_FOR_KIND = {"package": SectionKind.PACKAGES, "case": SectionKind.CASES, "minutes": SectionKind.SUMMARIES,
                    "meeting": SectionKind.MEETINGS, "news": SectionKind.NEWS}
KIND_LABELS = {"package": _l("Werkpakket"), "case": _l("Goed voorbeeld"), "minutes": _l("Verslag van een bijeenkomst"),
               "meeting": _l("Regionale bijeenkomst"), "news": _l("Nieuws of initiatief")}
DEFAULT_SECTIONS = (SectionKind.PACKAGES, SectionKind.CASES, SectionKind.SUMMARIES, SectionKind.MEETINGS,
                    SectionKind.NEWS)


class ComposeError(RuleBroken):
    """A refused step, with a message for the editor and the HTTP status to answer with."""


# --- finding issues ------------------------------------------------------------------------------

def issues_newest_first() -> list[Issue]:
    return list(db.session.scalars(sa.select(Issue).order_by(Issue.number.desc())))


def open_issue() -> Issue | None:
    """The draft or approved issue being worked on (there is at most one)."""
    return db.session.scalar(sa.select(Issue).where(Issue.status.in_([IssueStatus.DRAFT, IssueStatus.APPROVED]))
                             .order_by(Issue.number.desc()).limit(1))


def _last_gone_out() -> Issue | None:
    return db.session.scalar(sa.select(Issue).where(Issue.status.in_([IssueStatus.SENDING, IssueStatus.SENT]))
                             .order_by(Issue.number.desc()).limit(1))


def subscriber_counts() -> dict[str, int]:
    """Subscribers per status, for the editors' overview (one query)."""
    return dict(db.session.execute(sa.select(Subscriber.status, sa.func.count()).group_by(Subscriber.status)).all())


def waiting_news_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(NewsItem)
                             .where(NewsItem.status == NewsStatus.PENDING)) or 0


def next_issue_date(today: date) -> date:
    """Two weeks after the last issue that went out, moved on by whole fortnights until not in the past."""
    last = _last_gone_out()
    if last is None:
        return today
    upcoming = last.issue_date + CADENCE
    while upcoming < today:
        upcoming += CADENCE
    return upcoming


# --- drafting ------------------------------------------------------------------------------------

def went_out() -> dict[tuple[str, int], str]:
    """(kind, object id) -> the fingerprint it had when it last went out."""
    rows = db.session.execute(
        sa.select(IssueItem.kind, IssueItem.object_id, IssueItem.fingerprint)
        .join(Issue, Issue.id == IssueItem.issue_id)
        .where(IssueItem.included.is_(True), Issue.status.in_([IssueStatus.SENDING, IssueStatus.SENT]))
        .order_by(Issue.number))
    return {(kind, object_id): fp for kind, object_id, fp in rows}


def proposals(since: datetime | None, now: datetime) -> list[tuple[activity.Item, bool]]:
    """What happened since ``since`` (and the regional meetings ahead), minus what already went out
    unchanged. Each with ``changed``: it went out before and changed since."""
    sent = went_out()
    found = []
    for source in activity.sources():
        items = source.recent(now, now + UPCOMING_WINDOW) if source.upcoming else source.recent(since, now)
        for item in items:
            before = sent.get((item.kind, item.object_id))
            if before == item.fingerprint:
                continue
            found.append((item, before is not None))
    return found


def new_issue(editor: User, now: datetime) -> Issue:
    """Draft the next issue from what happened since the previous one's cut-off."""
    if open_issue() is not None:
        raise ComposeError(_l("Er is al een editie in voorbereiding. Maak die eerst af of verwijder het concept."))
    last = _last_gone_out()
    number = (db.session.scalar(sa.select(sa.func.max(Issue.number))) or 0) + 1
    # No subject yet: each reader gets "Nieuwsbrief 12" / "Newsletter 12" until the editor writes one.
    issue = Issue(number=number, issue_date=next_issue_date(now.date()), cut_off=now,
                  period_start=last.cut_off if last else None, created_by_id=editor.id, subject="")
    db.session.add(issue)
    for position, kind in enumerate(DEFAULT_SECTIONS):
        issue.sections.append(IssueSection(kind=kind, title="", position=position))
    db.session.flush()
    _add_items(issue, proposals(issue.period_start, now))
    audit.record("newsletter.issue_created", actor=editor, obj_type="newsletter_issue", obj_id=issue.id)
    return issue


def refresh(issue: Issue, now: datetime) -> int:
    """Add what happened since the draft was made (keeps the editor's choices). Returns how many."""
    _require_status(issue, IssueStatus.DRAFT)
    present = {(item.kind, item.object_id) for item in issue.items}
    new = [(item, changed) for item, changed in proposals(issue.period_start, now)
           if (item.kind, item.object_id) not in present]
    issue.cut_off = now
    _add_items(issue, new)
    return len(new)


def _add_items(issue: Issue, found: list[tuple[activity.Item, bool]]) -> None:
    """Add proposals to the sections of their kind, after what is there; one INSERT for all of them
    (a draft of hundreds of proposals is one statement, not one per item)."""
    if not found:
        return
    by_kind = {section.kind: section for section in issue.sections}
    next_position = {section.id: len(section.items) for section in issue.sections}
    rows = []
    now = utcnow()
    for item, changed in found:
        section = by_kind.get(SECTION_FOR_KIND.get(item.kind, SectionKind.CUSTOM)) or issue.sections[-1]
        rows.append({
            "issue_id": issue.id, "section_id": section.id, "position": next_position[section.id],
            "included": True, "kind": item.kind, "object_id": item.object_id, "fingerprint": item.fingerprint,
            "title": item.title[:300], "teaser": item.teaser, "url": item.url, "starts_at": item.starts_at,
            "location": item.location[:300], "language": item.language, "changed": changed, "added_at": now})
        next_position[section.id] += 1
    db.session.execute(sa.insert(IssueItem), rows)
    db.session.expire(issue, ["items"])
    for section in issue.sections:
        db.session.expire(section, ["items"])


def delete_draft(issue: Issue, editor: User) -> None:
    _require_status(issue, IssueStatus.DRAFT)
    audit.record("newsletter.issue_deleted", actor=editor, obj_type="newsletter_issue", obj_id=issue.id,
                 number=issue.number)
    db.session.delete(issue)
    db.session.flush()


def _require_status(issue: Issue, *statuses: str) -> None:
    if issue.status not in statuses:
        raise ComposeError(_l("Dat kan niet meer: deze editie heeft de status „{status}”.")
                           .format(status=issue.status_label))


# --- editing -------------------------------------------------------------------------------------

def save(issue: Issue, *, subject: str, issue_date: date, intro: str, items: dict[int, dict],
         sections: dict[int, dict]) -> None:
    """Store the composer form: ``items`` id -> {included, teaser, section_id}; ``sections`` id -> {title}."""
    _require_status(issue, IssueStatus.DRAFT)
    issue.subject, issue.issue_date, issue.intro = subject, issue_date, intro
    section_ids = {s.id for s in issue.sections}
    for section in issue.sections:
        values = sections.get(section.id)
        if values is not None and "title" in values:
            section.title = values["title"]
    for item in issue.items:
        values = items.get(item.id)
        if values is None:
            continue
        item.included = values["included"]
        item.teaser = values["teaser"]
        target = values.get("section_id")
        if target in section_ids and target != item.section_id:
            item.section_id = target
            item.position = 10_000  # last in its new section, renumbered below
    db.session.flush()
    db.session.expire(issue, ["sections", "items"])
    _renumber(issue)


def _renumber(issue: Issue) -> None:
    for section in issue.sections:
        for position, item in enumerate(sorted(section.items, key=lambda i: (i.position, i.id))):
            item.position = position
    db.session.flush()


def move(issue: Issue, what: str, object_id: int, direction: str) -> None:
    """Move a section or an item one place up or down."""
    _require_status(issue, IssueStatus.DRAFT)
    if what == "section":
        siblings = list(issue.sections)
    else:
        item = next((i for i in issue.items if i.id == object_id), None)
        if item is None:
            return
        siblings = sorted(item.section.items, key=lambda i: i.position)
    index = next((n for n, s in enumerate(siblings) if s.id == object_id), None)
    if index is None:
        return
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
    db.session.flush()
    db.session.expire(issue, ["sections", "items"])


def add_section(issue: Issue, *, title: str, sectors: list[str], regions: list[str]) -> IssueSection:
    """A section for readers with one of these interests (none: for everyone)."""
    _require_status(issue, IssueStatus.DRAFT)
    targeted = [s for s in issue.sections if s.is_targeted]
    if (sectors or regions) and len(targeted) >= MAX_TARGETED_SECTIONS:
        raise ComposeError(_l("Een editie heeft hoogstens {n} secties voor een regio of sector.")
                           .format(n=MAX_TARGETED_SECTIONS), 422)
    section = IssueSection(kind=SectionKind.CUSTOM, title=title, sectors=sorted(sectors), regions=sorted(regions),
                           position=len(issue.sections))
    issue.sections.append(section)
    db.session.flush()
    return section


def remove_section(issue: Issue, section_id: int) -> None:
    """Remove an added section; its items go back to the section of their kind."""
    _require_status(issue, IssueStatus.DRAFT)
    section = next((s for s in issue.sections if s.id == section_id and s.kind == SectionKind.CUSTOM), None)
    if section is None:
        raise ComposeError(_l("Alleen zelf toegevoegde secties kunnen weg."), 404)
    by_kind = {s.kind: s for s in issue.sections}
    for item in list(section.items):
        item.section = by_kind[SECTION_FOR_KIND[item.kind]]
        item.position = 10_000
    issue.sections.remove(section)
    db.session.flush()
    for position, s in enumerate(issue.sections):
        s.position = position
    db.session.expire(issue, ["sections", "items"])
    _renumber(issue)


# --- the structured content ----------------------------------------------------------------------

def snapshot(issue: Issue) -> dict:
    """The issue as the renderer and the archive read it: included items only, in order."""
    return {
        "number": issue.number,
        "issue_date": issue.issue_date.isoformat(),
        "subject": issue.subject,
        "intro": issue.intro,
        "sections": [{
            "id": section.id, "kind": section.kind, "title": section.title,
            "sectors": list(section.sectors or []), "regions": list(section.regions or []),
            "items": [{
                "kind": item.kind, "object_id": item.object_id, "title": item.title, "teaser": item.teaser,
                "url": item.url, "starts_at": item.starts_at.isoformat() if item.starts_at else None,
                "location": item.location, "language": item.language, "changed": item.changed,
            } for item in sorted(section.items, key=lambda i: i.position) if item.included],
        } for section in issue.sections],
    }


def included_count(issue: Issue) -> int:
    return sum(1 for item in issue.items if item.included)


def targeted_ids(data: dict) -> list[int]:
    return [s["id"] for s in data["sections"] if s["sectors"] or s["regions"]]


def sections_for(data: dict, sectors, regions) -> str:
    """The variant key of a reader with these interests: the sorted ids of the targeted sections for them."""
    sectors, regions = set(sectors or ()), set(regions or ())
    ids = [s["id"] for s in data["sections"]
           if (s["sectors"] or s["regions"]) and (sectors & set(s["sectors"]) or regions & set(s["regions"]))]
    return ",".join(str(i) for i in sorted(ids))


def variant_sections(data: dict, variant: str) -> set[int] | None:
    """The section ids a variant shows: everyone's sections plus its targeted ones ("*": all)."""
    if variant == "*":
        return None
    chosen = {int(i) for i in variant.split(",") if i}
    return {s["id"] for s in data["sections"] if not (s["sectors"] or s["regions"]) or s["id"] in chosen}


def all_variants(data: dict) -> list[str]:
    targeted = targeted_ids(data)
    keys = ["*"]
    for size in range(len(targeted) + 1):
        keys.extend(",".join(str(i) for i in sorted(combo)) for combo in combinations(targeted, size))
    return keys


def render(data: dict, language: str, variant: str = "*", *, unsubscribe_url: str | None = None,
           preferences_url: str | None = None):
    """One rendering of the structured content; links for a recipient are placeholders the outbox fills."""
    from circles.newsletter import render as renderer

    return renderer.render_issue(
        data, language, section_ids=variant_sections(data, variant),
        web_url=activity.public_url("newsletter.archive_issue", number=data["number"]),
        unsubscribe_url=unsubscribe_url or "[[unsubscribe_url]]",
        preferences_url=preferences_url or "[[preferences_url]]")


# --- checks --------------------------------------------------------------------------------------

class Finding:
    """A check result for the editor: ``block`` stops approval and sending, ``warn`` does not."""

    def __init__(self, level: str, code: str, message):
        self.level, self.code, self.message = level, code, message

    @property
    def blocks(self) -> bool:
        return self.level == "block"


def content_findings(issue: Issue, now: datetime) -> list[Finding]:
    """What changed on the platform since the items were added: gone, moved, past."""
    findings = []
    included = [item for item in issue.items if item.included]
    current: dict[str, dict[int, activity.Item]] = {}
    for kind in {item.kind for item in included}:
        current[kind] = activity.lookup(kind, [i.object_id for i in included if i.kind == kind])
    for item in included:
        now_item = current.get(item.kind, {}).get(item.object_id)
        if now_item is None:
            findings.append(Finding("block", "gone", _l(
                "“{title}” is niet meer openbaar gepubliceerd (of afgezegd). Haal het uit deze editie.")
                .format(title=item.title)))
            continue
        if item.kind == "meeting":
            if item.starts_at is not None and now_item.starts_at is not None and now_item.starts_at <= now:
                findings.append(Finding("block", "past", _l(
                    "De bijeenkomst “{title}” is al begonnen of voorbij.").format(title=item.title)))
            elif now_item.fingerprint != item.fingerprint:
                findings.append(Finding("block", "moved", _l(
                    "De bijeenkomst “{title}” is gewijzigd (tijd, plaats of titel) nadat u hem toevoegde. "
                    "Controleer de tekst en klik op “Nieuwe onderwerpen ophalen”.").format(title=item.title)))
        elif now_item.fingerprint != item.fingerprint:
            findings.append(Finding("warn", "changed", _l(
                "“{title}” is gewijzigd nadat u het toevoegde. Controleer de tekst.").format(title=item.title)))
    return findings


def findings(issue: Issue, now: datetime) -> list[Finding]:
    """Every check before approval and sending: content, size, links and accessibility of the e-mail."""
    from circles.newsletter import checks

    result = []
    data = snapshot(issue)
    if included_count(issue) == 0:
        result.append(Finding("block", "empty", _l("Deze editie bevat nog geen onderwerpen.")))
    elif included_count(issue) < NEARLY_EMPTY:
        result.append(Finding("warn", "nearly_empty", _l(
            "Deze editie is bijna leeg (onderwerpen: {n}). Voeg nieuws toe of sla een editie over.")
            .format(n=included_count(issue))))
    result.extend(content_findings(issue, now))
    seen = set()
    for language in LANGUAGES:
        rendered = render(data, language)
        for finding in checks.check_html(rendered.html, rendered.text):
            key = (finding.code, str(finding.message))
            if key not in seen:
                seen.add(key)
                result.append(Finding(finding.level, finding.code, finding.message))
    return result


def update_from_platform(issue: Issue) -> int:
    """Take over the current title, time and place of items that changed (the editor's teaser stays)."""
    _require_status(issue, IssueStatus.DRAFT)
    updated = 0
    for kind in {item.kind for item in issue.items}:
        items = [i for i in issue.items if i.kind == kind]
        current = activity.lookup(kind, [i.object_id for i in items])
        for item in items:
            now_item = current.get(item.object_id)
            if now_item is not None and now_item.fingerprint != item.fingerprint:
                item.fingerprint, item.title, item.url = now_item.fingerprint, now_item.title[:300], now_item.url
                item.starts_at, item.location = now_item.starts_at, now_item.location[:300]
                updated += 1
    db.session.flush()
    return updated


# --- approve, reopen -----------------------------------------------------------------------------

def approve(issue: Issue, editor: User, now: datetime) -> list[Finding]:
    """Freeze: store the structured content and every rendering that can be sent. Refused (with the
    findings) while a check blocks."""
    _require_status(issue, IssueStatus.DRAFT)
    found = findings(issue, now)
    if any(f.blocks for f in found):
        raise ComposeError(_l("Nog niet goed te keuren: los eerst de blokkerende punten op."), 409)
    freeze(issue, editor, now)
    audit.record("newsletter.approved", actor=editor, obj_type="newsletter_issue", obj_id=issue.id)
    return found


def freeze(issue: Issue, editor: User | None, now: datetime) -> None:
    """Store the structured content and every rendering (language x targeted sections) as approved."""
    from circles.core import mail

    data = snapshot(issue)
    for language in LANGUAGES:
        for variant in all_variants(data):
            rendered = render(data, language, variant)
            body = mail.new_body(rendered.subject, rendered.text, rendered.html)
            db.session.add(IssueRendering(issue_id=issue.id, language=language, variant=variant, body_id=body.id))
    issue.snapshot = data
    issue.status = IssueStatus.APPROVED
    issue.approved_at, issue.approved_by_id = now, editor.id if editor else None
    db.session.flush()


def reopen(issue: Issue, editor: User) -> None:
    """Back to draft before sending; the frozen renderings go."""
    _require_status(issue, IssueStatus.APPROVED)
    renderings = list(db.session.scalars(sa.select(IssueRendering).where(IssueRendering.issue_id == issue.id)))
    bodies = [r.body for r in renderings]
    for rendering in renderings:
        db.session.delete(rendering)
    db.session.flush()
    for body in bodies:
        db.session.delete(body)
    issue.status, issue.snapshot, issue.approved_at, issue.approved_by_id = IssueStatus.DRAFT, None, None, None
    db.session.flush()
    audit.record("newsletter.reopened", actor=editor, obj_type="newsletter_issue", obj_id=issue.id)


def frozen(issue: Issue, language: str, variant: str = "*") -> IssueRendering | None:
    return db.session.scalar(sa.select(IssueRendering).where(
        IssueRendering.issue_id == issue.id, IssueRendering.language == language,
        IssueRendering.variant == variant))


def send_window() -> timedelta:
    return timedelta(hours=current_app.config["NEWSLETTER_SEND_WINDOW_HOURS"])
