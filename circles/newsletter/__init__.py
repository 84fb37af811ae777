"""The biweekly newsletter: double opt-in subscriptions, news submissions, a composer that drafts each
issue from the platform's activity, checks before sending, crash-safe sending through the outbox, and
a public archive."""

from flask import Blueprint

bp = Blueprint("newsletter", __name__)

from circles.newsletter import permissions, views  # noqa: E402,F401  (registers routes, rules, slots and sources)
from circles.newsletter.archive import views as archive_views  # noqa: E402,F401
from circles.newsletter.news import services as news_services  # noqa: E402,F401  (its activity source)
from circles.newsletter.news import views as news_views  # noqa: E402,F401
from circles.newsletter.subscriptions import views as subscription_views  # noqa: E402,F401
