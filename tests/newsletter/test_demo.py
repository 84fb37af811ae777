"""The newsletter demo: subscribers in every state, news waiting for the editors, two issues in the
archive, and a draft that proposes only what did not go out yet. Seeding twice adds nothing."""

import sqlalchemy as sa

from circles.core.db import db
from circles.demo import seed_demo
from circles.newsletter import services
from circles.newsletter.models import Issue, IssueItem, IssueStatus, NewsItem, Subscriber


def _counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Subscriber, NewsItem, Issue, IssueItem))


def test_the_newsletter_demo_is_complete_and_seeded_once(app, client):
    seed_demo()
    counts = _counts()
    seed_demo()
    assert _counts() == counts

    states = set(db.session.scalars(sa.select(Subscriber.status)))
    assert states == {"pending", "confirmed", "unsubscribed", "bouncing"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsItem).where(NewsItem.status == "pending")) >= 1

    issues = list(db.session.scalars(sa.select(Issue).order_by(Issue.number)))
    assert [i.status for i in issues] == [IssueStatus.SENT, IssueStatus.SENT, IssueStatus.DRAFT]
    archive = client.get("/nieuwsbrief/archief").get_data(as_text=True)
    assert issues[0].display_subject in archive and issues[1].display_subject in archive
    for issue in issues[:2]:
        assert client.get(f"/nieuwsbrief/archief/{issue.number}").status_code == 200

    draft = issues[2]
    sent_items = {(i.kind, i.object_id) for issue in issues[:2] for i in issue.items}
    draft_items = {(i.kind, i.object_id) for i in draft.items}
    assert len(draft_items) >= services.NEARLY_EMPTY
    assert not sent_items & draft_items
