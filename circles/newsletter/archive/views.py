"""The public archive: every issue that went out, as a web page rendered from its frozen content,
the frozen e-mail itself, and an Atom feed."""

from datetime import datetime

import sqlalchemy as sa
from flask import abort, make_response, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from circles.core.activity import public_url
from circles.core.db import db
from circles.core.feeds import Entry, atom_response
from circles.core.loading import load_or_404
from circles.core.pagecache import for_everyone
from circles.core.paging import paginate_rows
from circles.core.security import FRAMED_EMAIL_POLICY
from circles.newsletter import bp, services
from circles.newsletter.models import Issue, IssueStatus
from circles.newsletter.render import default_section_title

GONE_OUT = (IssueStatus.SENDING, IssueStatus.SENT)
FEED_SIZE = 30


def _gone_out():
    return sa.select(Issue).where(Issue.status.in_(GONE_OUT))


def _issue_or_404(number: int) -> Issue:
    """An issue that went out; one without its frozen content (sent before snapshots existed) is not shown."""
    issue = load_or_404(Issue, where=[Issue.status.in_(GONE_OUT), Issue.number == number])
    if not issue.snapshot:
        abort(404)
    return issue


@bp.route("/nieuwsbrief/archief")
@for_everyone
def archive():
    page = paginate_rows(_gone_out().order_by(Issue.number.desc()), per_page=20)
    return render_template("newsletter/archive/index.html", page=page)


def _sections(data: dict) -> list[dict]:
    """The snapshot's sections for the page: default titles in the reader's language, dates parsed."""
    sections = []
    for section in data["sections"]:
        if not section["items"]:
            continue
        items = [{**item, "starts_at": datetime.fromisoformat(item["starts_at"]) if item["starts_at"] else None}
                 for item in section["items"]]
        sections.append({**section, "title": section["title"] or str(default_section_title(section["kind"])),
                         "items": items})
    return sections


@bp.route("/nieuwsbrief/archief/<int:number>")
@for_everyone
def archive_issue(number: int):
    issue = _issue_or_404(number)
    return render_template("newsletter/archive/issue.html", issue=issue, data=issue.snapshot,
                           sections=_sections(issue.snapshot))


@bp.route("/nieuwsbrief/archief/<int:number>/e-mail")
def archive_email(number: int):
    """The complete e-mail as it was approved, in the reader's language."""
    issue = _issue_or_404(number)
    language = str(get_locale() or "nl")
    rendering = services.frozen(issue, language) or services.frozen(issue, "nl")
    if rendering is None:
        abort(404)
    html = (rendering.body.body_html or "").replace(
        "[[unsubscribe_url]]", public_url("newsletter.unsubscribe_request")).replace(
        "[[preferences_url]]", public_url("newsletter.subscribe"))
    response = make_response(html)
    response.headers["Content-Security-Policy"] = FRAMED_EMAIL_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.vary.add("Accept-Language")
    return response


@bp.route("/nieuwsbrief/archief.atom")
def archive_feed():
    """The issues that went out, newest first, as an Atom 1.0 feed."""
    issues = db.session.scalars(_gone_out().order_by(Issue.number.desc()).limit(FEED_SIZE))
    return atom_response(
        feed_endpoint="newsletter.archive_feed", page_endpoint="newsletter.archive",
        title=_("Nieuwsbrief · %(site)s", site=_("Leercirkels banenafspraak")),
        subtitle=_("De tweewekelijkse nieuwsbrief over banen voor mensen met een arbeidsbeperking bij overheid "
                   "en onderwijs."),
        entries=[_feed_entry(issue) for issue in issues])


def _feed_entry(issue: Issue) -> Entry:
    moment = issue.send_started_at or issue.approved_at or issue.created_at
    titles = [item["title"] for section in issue.snapshot["sections"] for item in section["items"]]
    return Entry(tag=f"nieuwsbrief/{issue.number}", created=issue.created_at, title=issue.display_subject,
                 url=url_for("newsletter.archive_issue", number=issue.number, _external=True),
                 published=moment, updated=moment, summary="; ".join(titles)[:1000])
