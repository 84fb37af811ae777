"""The public archive: every issue that went out, as a web page rendered from its frozen content,
the frozen e-mail itself, and an Atom feed."""

import re
from datetime import datetime

import sqlalchemy as sa
from feedgen.feed import FeedGenerator
from flask import Response, abort, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from circles.core.activity import public_url
from circles.core.db import db
from circles.core.pagecache import for_everyone
from circles.core.paging import paginate_rows
from circles.core.security import FRAMED_EMAIL_POLICY
from circles.newsletter import bp, services
from circles.newsletter.models import Issue, IssueStatus
from circles.newsletter.render import default_section_title

GONE_OUT = (IssueStatus.SENDING, IssueStatus.SENT)
FEED_SIZE = 30
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _gone_out():
    return sa.select(Issue).where(Issue.status.in_(GONE_OUT))


def _issue_or_404(number: int) -> Issue:
    issue = db.session.scalar(_gone_out().where(Issue.number == number))
    if issue is None or not issue.snapshot:
        abort(404)
    return issue


@bp.route("/nieuwsbrief/archief")
@for_everyone
def archive():
    page = paginate_rows(_gone_out().order_by(Issue.number.desc()), per_page=20)
    return render_template("newsletter/archive.html", page=page)


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
    return render_template("newsletter/archive_issue.html", issue=issue, data=issue.snapshot,
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


def _xml_text(text) -> str:
    return _NOT_XML.sub("", str(text or ""))


@bp.route("/nieuwsbrief/archief.atom")
def archive_feed():
    issues = list(db.session.scalars(_gone_out().order_by(Issue.number.desc()).limit(FEED_SIZE)))
    site = _("Leercirkels banenafspraak")
    host = request.host.split(":")[0] or "localhost"
    fg = FeedGenerator()
    fg.id(url_for("newsletter.archive_feed", _external=True))
    fg.title(_("Nieuwsbrief · %(site)s", site=site))
    fg.subtitle(_("De tweewekelijkse nieuwsbrief over banen voor mensen met een arbeidsbeperking bij overheid "
                  "en onderwijs."))
    fg.author({"name": site})
    fg.link(href=url_for("newsletter.archive_feed", _external=True), rel="self", type="application/atom+xml")
    fg.link(href=url_for("newsletter.archive", _external=True), rel="alternate", type="text/html")
    fg.generator(site)
    fg.language(str(get_locale() or "nl"))
    if issues:
        fg.updated(max(i.send_started_at or i.approved_at or i.created_at for i in issues))
    for issue in reversed(issues):  # feedgen puts the entry added last on top
        entry = fg.add_entry()
        entry.id(f"tag:{host},{issue.created_at:%Y-%m-%d}:nieuwsbrief/{issue.number}")
        entry.title(_xml_text(issue.display_subject))
        entry.link(href=url_for("newsletter.archive_issue", number=issue.number, _external=True), rel="alternate",
                   type="text/html")
        moment = issue.send_started_at or issue.approved_at or issue.created_at
        entry.published(moment)
        entry.updated(moment)
        titles = [item["title"] for section in issue.snapshot["sections"] for item in section["items"]]
        entry.summary(_xml_text("; ".join(titles)[:1000]))
    response = Response(fg.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")
    response.vary.add("Accept-Language")
    return response
