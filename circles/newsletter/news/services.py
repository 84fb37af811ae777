"""News submissions: members send in a news item or initiative, an editor approves or declines it,
the submitter hears the decision by e-mail. Approved items have a public page and are an activity
source ("news") for the newsletter composer.

Plain functions; they never commit. Decisions are written to the audit log.
"""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from circles.accounts.models import User
from circles.core import activity, audit
from circles.core.db import db, utcnow
from circles.core.mail import queue_mail
from circles.core.markdown import plain_text
from circles.core.rules import RuleBroken
from circles.newsletter.models import NewsItem, NewsStatus
from circles.reference.models import Region

#: Decided submissions shown below the editors' queue.
RECENT_DECISIONS = 50
#: Pending submissions per page of the editors' queue.
QUEUE_PAGE_SIZE = 25
#: Own submissions listed under the form (newest first).
OWN_LIMIT = 100
#: Length of the teaser the newsletter shows.
TEASER_LENGTH = 300


class NewsError(RuleBroken, ValueError):
    """A rule was broken; the message says which, in words the user understands."""


# --- Submitting ------------------------------------------------------------------------------------

def submit(user: User, *, title: str, body: str, link: str = "", sector_code: str | None = None,
           region_code: str | None = None) -> NewsItem:
    """A member's submission, waiting for the editors; it carries the member's organisation."""
    item = NewsItem(title=title, body=body, link=link or "", sector_code=sector_code or None,
                    region_code=region_code or None, submitted_by_id=user.id,
                    organisation_id=user.organisation_id, status=NewsStatus.PENDING)
    db.session.add(item)
    db.session.flush()
    audit.record("news.submitted", actor=user, obj_type="news", obj_id=item.id)
    return item


def own_submissions(user: User) -> list[NewsItem]:
    """What ``user`` submitted, newest first (one query)."""
    return list(db.session.scalars(
        sa.select(NewsItem).where(NewsItem.submitted_by_id == user.id)
        .order_by(NewsItem.created_at.desc(), NewsItem.id.desc()).limit(OWN_LIMIT)))


# --- The editors' queue ----------------------------------------------------------------------------

def pending_query() -> sa.Select:
    """Waiting submissions, oldest first, with submitter and organisation loaded in the same query."""
    return (sa.select(NewsItem).where(NewsItem.status == NewsStatus.PENDING)
            .options(joinedload(NewsItem.submitted_by), joinedload(NewsItem.organisation))
            .order_by(NewsItem.created_at, NewsItem.id))


def recent_decisions(limit: int = RECENT_DECISIONS) -> list[NewsItem]:
    """The last decided submissions, newest decision first."""
    return list(db.session.scalars(
        sa.select(NewsItem).where(NewsItem.status != NewsStatus.PENDING)
        .options(joinedload(NewsItem.submitted_by), joinedload(NewsItem.organisation))
        .order_by(NewsItem.decided_at.desc(), NewsItem.id.desc()).limit(limit)))


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Names of some users by id, in one query (the editors who decided)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def region_names() -> dict[str, str]:
    return dict(db.session.execute(sa.select(Region.code, Region.name)).all())


def approved_where(news_id: int) -> list:
    """The conditions of an approved item's public page: pending, declined and unknown ids are all 404."""
    return [NewsItem.id == news_id, NewsItem.status == NewsStatus.APPROVED]


# --- Deciding --------------------------------------------------------------------------------------

def check_pending(item: NewsItem) -> None:
    """Refuse a second decision (409), before anything else is said about the request."""
    if item.status != NewsStatus.PENDING:
        raise NewsError(_l("Over deze melding is al beslist. Er is niets veranderd."))


def _decide(editor: User, item: NewsItem, status: NewsStatus, note: str) -> None:
    """Move a pending item to ``status`` with one conditional update, so that two editors deciding at
    the same moment cannot both win: the second one is told it was already decided."""
    check_pending(item)
    now = utcnow()
    result = db.session.execute(
        sa.update(NewsItem)
        .where(NewsItem.id == item.id, NewsItem.status == NewsStatus.PENDING)
        .values(status=status, decided_by_id=editor.id, decided_at=now, decision_note=note, updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise NewsError(_l("Over deze melding is al beslist. Er is niets veranderd."))
    db.session.refresh(item)


def approve(editor: User, item: NewsItem) -> None:
    """Approve a pending submission; the submitter gets an e-mail with the link to the public page."""
    _decide(editor, item, NewsStatus.APPROVED, "")
    audit.record("news.approved", actor=editor, subject=item.submitted_by, obj_type="news", obj_id=item.id)
    _tell_submitter(item, approved=True)


def decline(editor: User, item: NewsItem, note: str) -> None:
    """Decline a pending submission with a reason; the submitter gets an e-mail with that reason."""
    note = (note or "").strip()
    if not note:
        raise NewsError(_l("Schrijf waarom u de melding afwijst; de indiener leest dit."), 422)
    _decide(editor, item, NewsStatus.DECLINED, note)
    audit.record("news.declined", actor=editor, subject=item.submitted_by, obj_type="news", obj_id=item.id)
    _tell_submitter(item, approved=False)


def _tell_submitter(item: NewsItem, *, approved: bool) -> None:
    submitter = item.submitted_by
    if submitter is None:  # the account was deleted meanwhile
        return
    subject = _l("Uw melding is goedgekeurd") if approved else _l("Uw melding is afgewezen")
    queue_mail(submitter.email, subject, "newsletter/news/email/decision", locale=submitter.locale,
               recipient=submitter, item=item, approved=approved, note=item.decision_note,
               item_url=activity.public_url("newsletter.news_item", news_id=item.id) if approved else None,
               submit_url=activity.public_url("newsletter.submit_news"))


# --- The activity source ---------------------------------------------------------------------------

def teaser(body: str) -> str:
    """The first words of the text, without markup."""
    return plain_text(body, TEASER_LENGTH)


def _item(news: NewsItem) -> activity.Item:
    return activity.Item(
        kind="news",
        object_id=news.id,
        title=news.title,
        teaser=teaser(news.body),
        url=activity.public_url("newsletter.news_item", news_id=news.id),
        fingerprint=activity.fingerprint(news.title, news.body, news.link),
        happened_at=news.decided_at,
        language="nl",
        sectors=(news.sector_code,) if news.sector_code else (),
        regions=(news.region_code,) if news.region_code else (),
    )


def recent(since: datetime | None, until: datetime) -> list[activity.Item]:
    """Items approved in (since, until], oldest decision first (one query)."""
    query = sa.select(NewsItem).where(NewsItem.status == NewsStatus.APPROVED, NewsItem.decided_at <= until)
    if since is not None:
        query = query.where(NewsItem.decided_at > since)
    return [_item(n) for n in db.session.scalars(query.order_by(NewsItem.decided_at, NewsItem.id))]


def lookup(ids: Iterable[int]) -> dict[int, activity.Item]:
    """The approved items among ``ids`` as they are now (one query); others are no longer public."""
    ids = list(ids)
    if not ids:
        return {}
    query = sa.select(NewsItem).where(NewsItem.id.in_(ids), NewsItem.status == NewsStatus.APPROVED)
    return {n.id: _item(n) for n in db.session.scalars(query)}


SOURCE = activity.Source(kind="news", recent=recent, lookup=lookup, order=90)
activity.register(SOURCE)
