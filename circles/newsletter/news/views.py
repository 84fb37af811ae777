"""News submission pages: members submit and follow their submissions, editors approve or decline in
a queue, approved items have a public page the newsletter links to.
Each view: load (404), authorise, validate, call one service, commit, flash, redirect."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from circles.core.db import db
from circles.core.loading import load_or_404
from circles.core.permissions import require
from circles.core.setup import EmptyForm
from circles.core.views import form_page
from circles.newsletter import bp
from circles.newsletter.models import NewsItem, NewsStatus
from circles.newsletter.news import services as news
from circles.newsletter.news.forms import DeclineNewsForm, NewsForm
from circles.reference.models import Region
from circles.reference.sectors import SECTOR_LABELS
from circles.reference.services import regions_by_name, sectors_in_order


def _names() -> dict:
    """Sector labels and region names for the templates (sector labels need no query)."""
    return {"sector_labels": SECTOR_LABELS, "region_names": news.region_names()}


# --- Submitting ------------------------------------------------------------------------------------

@bp.route("/nieuwsbrief/melden", methods=["GET", "POST"])
@login_required
def submit_news():
    """A member submits a news item or initiative; below the form, their own submissions and decisions."""
    require("news.submit")
    form = NewsForm()
    form.fill_choices(sectors_in_order(), regions_by_name())
    if form.validate_on_submit():
        news.submit(current_user, **form.fields())
        db.session.commit()
        flash(_("Dank u wel. Uw melding is ontvangen; de redactie beslist erover. U krijgt daarover een e-mail."),
              "success")
        return redirect(url_for("newsletter.submit_news"))
    return form_page("newsletter/news/submit.html", form, own=news.own_submissions(current_user),
                     statuses=NewsStatus, **_names())


# --- The editors' queue ----------------------------------------------------------------------------

def _page() -> int:
    """The queue page asked for; nonsense (abc, -1, absurdly large) means the first page."""
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= 100_000 else 1


def _queue_page(status: int = 200, decline_form: DeclineNewsForm | None = None, declining: int | None = None):
    """The queue; ``declining`` is the item whose decline form had errors (shown with what was typed)."""
    pending = db.paginate(news.pending_query(), page=_page(), per_page=news.QUEUE_PAGE_SIZE, error_out=False)
    if pending.page > 1 and not pending.items and pending.total:  # past the end: show the last page
        pending = db.paginate(news.pending_query(), page=pending.pages, per_page=news.QUEUE_PAGE_SIZE,
                              error_out=False)
    decided = news.recent_decisions()
    return render_template("newsletter/news/queue.html", pending=pending, decided=decided,
                           deciders=news.user_names(n.decided_by_id for n in decided),
                           decline_form=decline_form or DeclineNewsForm(formdata=None), declining=declining,
                           statuses=NewsStatus, **_names()), status


@bp.route("/nieuwsbrief/redactie/meldingen")
@login_required
def news_queue():
    """Editors: waiting submissions (oldest first) to approve or decline, then the latest decisions."""
    require("newsletter.edit")
    return _queue_page()


def _back_to_queue():
    """Back to the queue page the editor was on."""
    page = _page()
    return redirect(url_for("newsletter.news_queue", page=page if page > 1 else None))


def _refused(err: news.NewsError):
    """A broken rule: undo, and show the queue again with the message and a 4xx status."""
    db.session.rollback()
    flash(str(err.message), "error")
    return _queue_page(err.status)


@bp.route("/nieuwsbrief/redactie/meldingen/<int:news_id>/goedkeuren", methods=["POST"])
@login_required
def approve_news(news_id: int):
    """Approve a waiting submission; the submitter gets an e-mail."""
    item = load_or_404(NewsItem, news_id)
    require("newsletter.edit")
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        news.approve(current_user, item)
    except news.NewsError as err:
        return _refused(err)
    db.session.commit()
    flash(_("De melding %(title)s is goedgekeurd. De indiener krijgt een e-mail.", title=item.title), "success")
    return _back_to_queue()


@bp.route("/nieuwsbrief/redactie/meldingen/<int:news_id>/afwijzen", methods=["POST"])
@login_required
def decline_news(news_id: int):
    """Decline a waiting submission with a reason; the submitter gets an e-mail with that reason."""
    item = load_or_404(NewsItem, news_id)
    require("newsletter.edit")
    form = DeclineNewsForm()
    try:
        news.check_pending(item)  # a decided item is a 409, whatever the form says
        if not form.validate_on_submit():
            return _queue_page(422, decline_form=form, declining=item.id)
        news.decline(current_user, item, form.note.data)
    except news.NewsError as err:
        return _refused(err)
    db.session.commit()
    flash(_("De melding %(title)s is afgewezen. De indiener krijgt een e-mail met uw reden.", title=item.title),
          "success")
    return _back_to_queue()


# --- The public page -------------------------------------------------------------------------------

@bp.route("/nieuwsbrief/nieuws/<int:news_id>")
def news_item(news_id: int):
    """An approved news item, public (the newsletter links here); anything else is 404."""
    item = load_or_404(NewsItem, where=news.approved_where(news_id), options=[joinedload(NewsItem.organisation)])
    region = db.session.get(Region, item.region_code) if item.region_code else None
    return render_template("newsletter/news/item.html", item=item, region=region,
                           sector_label=SECTOR_LABELS.get(item.sector_code) if item.sector_code else None)
