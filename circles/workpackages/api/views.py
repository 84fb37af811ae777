"""Work packages outside the web pages: one package as a Markdown download, an Atom feed of newly
published public packages, and a read-only JSON API of public packages for partner websites.

The feed and the API show only what anyone may read (published and public), so they are the same for
everyone and may be cached and read from other sites.
"""

import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Response, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from circles.core.db import db
from circles.core.permissions import can, require
from circles.workpackages import bp, services
from circles.workpackages.content import package_content
from circles.workpackages.export import job_equivalent, package_markdown
from circles.workpackages.models import LICENCE_URLS, WorkPackage

#: Packages in the feed.
FEED_SIZE = 50
#: API paging: the default and the largest page.
PER_PAGE = 20
MAX_PER_PAGE = 100
#: Public data: any site may read it, and a cache may keep it five minutes.
PUBLIC_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"}

#: Characters XML 1.0 does not allow (a pasted text can hold them; the feed would not build).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _page_url(package: WorkPackage) -> str:
    return url_for("workpackages.show", package_id=package.id, slug=package.slug, _external=True)


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the second."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- Markdown ----------------------------------------------------------------------------------------

@bp.route("/werkpakketten/<int:package_id>/export.md")
def export_markdown(package_id: int):
    """The package as a Markdown file, for whoever may see it (404 for anyone else)."""
    package = db.get_or_404(WorkPackage, package_id, options=[
        selectinload(WorkPackage.sectors), selectinload(WorkPackage.tasks),
        selectinload(WorkPackage.instrument_rows), selectinload(WorkPackage.organisation),
        selectinload(WorkPackage.circle)])
    require("package.view", package, hide=True)
    circle = package.circle if package.circle is not None and can(current_user, "circle.view", package.circle) else None
    text = package_markdown(package_content(package),
                            organisation=package.organisation.name if package.organisation else None,
                            circle=circle.name if circle else None, url=_page_url(package),
                            revision=package.revision or None)
    filename = re.sub(r"[^a-z0-9-]+", "-", (package.slug or "").lower()).strip("-") or f"werkpakket-{package.id}"
    response = Response(text, content_type="text/markdown; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.md"'
    # Drafts and restricted packages are exported too (to those who may see them): keep it private.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- Atom feed ---------------------------------------------------------------------------------------

def _xml_text(text) -> str:
    return _NOT_XML.sub("", str(text or ""))


@bp.route("/werkpakketten/feed.atom")
def feed():
    """The 50 most recently published public packages as an Atom 1.0 feed."""
    packages = services.newest_public(FEED_SIZE)
    site = _("Leercirkels banenafspraak")
    fg = FeedGenerator()
    fg.id(url_for("workpackages.feed", _external=True))
    fg.title(_("Nieuwe werkpakketten · %(site)s", site=site))
    fg.subtitle(_("Werkpakketten die werkgevers openbaar hebben gedeeld om over te nemen."))
    fg.author({"name": site})
    fg.link(href=url_for("workpackages.feed", _external=True), rel="self", type="application/atom+xml")
    fg.link(href=url_for("workpackages.index", _external=True), rel="alternate", type="text/html")
    fg.generator(site)
    fg.language(str(get_locale() or "nl"))
    stamps = [p.updated_at or p.published_at for p in packages]
    if stamps:
        fg.updated(max(stamps))
    _add_entries(fg, packages, request.host.split(":")[0] or "localhost")
    response = Response(fg.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")
    response.headers["Cache-Control"] = PUBLIC_HEADERS["Cache-Control"]
    response.vary.add("Accept-Language")
    return response


def _add_entries(fg: FeedGenerator, packages: list[WorkPackage], host: str) -> None:
    """One entry per package; feedgen puts the entry added last on top, so the oldest goes in first."""
    for package in reversed(packages):
        entry = fg.add_entry()
        # A tag URI stays the same when the title (and so the page address) changes.
        entry.id(f"tag:{host},{package.created_at:%Y-%m-%d}:werkpakket/{package.id}")
        entry.title(_xml_text(package.title))
        entry.link(href=_page_url(package), rel="alternate", type="text/html")
        entry.published(package.published_at or package.created_at)
        entry.updated(package.updated_at or package.published_at)
        if package.summary:
            entry.summary(_xml_text(package.summary))
        if package.organisation is not None:
            entry.author({"name": _xml_text(package.organisation.name)})


# --- JSON API ----------------------------------------------------------------------------------------

def _api(data: dict, status: int = 200) -> Response:
    response = jsonify(data)
    response.status_code = status
    response.headers.update(PUBLIC_HEADERS)
    response.vary.add("Accept-Language")  # sector labels and messages follow the reader's language
    return response


def _item(package: WorkPackage, adoptions: int) -> dict:
    """What a list item says about a package."""
    return {
        "id": package.id,
        "title": package.title,
        "slug": package.slug,
        "summary": package.summary,
        "url": _page_url(package),
        "sectors": [{"code": s.code, "label": s.label} for s in package.sectors],
        "setting": package.setting,
        "hours_min": package.hours_min,
        "hours_max": package.hours_max,
        "job_equivalent_min": job_equivalent(package.hours_min),
        "job_equivalent_max": job_equivalent(package.hours_max),
        "work_level": package.work_level,
        "instruments": package.instruments,
        "tasks": [{"description": t.description, "frequency": t.frequency, "hours_per_week": t.hours_per_week,
                   "independence": t.independence} for t in package.tasks],
        "licence": package.licence,
        "licence_url": LICENCE_URLS.get(package.licence),
        "language": package.language,
        "organisation": {"name": package.organisation.name} if package.organisation else None,
        "published_at": _iso(package.published_at),
        "updated_at": _iso(package.updated_at),
        "adoptions": adoptions,
    }


def _int_arg(name: str, default: int) -> int:
    """A whole-number query parameter; anything else (text, huge numbers) gives ``default``."""
    raw = request.args.get(name, "", type=str).strip()
    if not raw or len(raw) > 9 or not re.fullmatch(r"-?\d+", raw):
        return default
    return int(raw)


@bp.route("/api/v1/werkpakketten")
def api_list():
    """Public published packages, newest first, a page at a time (``page``, ``per_page`` up to 100)."""
    per_page = _int_arg("per_page", PER_PAGE)
    per_page = PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
    packages, total, page, pages = services.public_packages_page(_int_arg("page", 1), per_page)
    counts = services.adoption_counts([p.id for p in packages])

    def link(number: int) -> str:
        return url_for("workpackages.api_list", page=number, per_page=per_page, _external=True)

    return _api({
        "items": [_item(p, counts.get(p.id, 0)) for p in packages],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "links": {"self": link(page), "next": link(page + 1) if page < pages else None,
                  "prev": link(page - 1) if page > 1 else None},
    })


@bp.route("/api/v1/werkpakketten/<int:package_id>")
def api_show(package_id: int):
    """One public published package with all it says; anything else is "not found"."""
    package = services.public_package(package_id)
    if package is None:
        return _api({"error": _("Dit werkpakket bestaat niet of is niet openbaar.")}, 404)
    content = package_content(package)
    # Which circle a package came from is not public: a circle may itself be private.
    content.pop("circle_id", None)
    content.pop("visibility", None)
    item = _item(package, services.adoption_counts([package.id]).get(package.id, 0))
    # The list's fields, with the task lines in full (tools included) and sectors with their labels.
    return _api({**content, **item, "tasks": content["tasks"]})
