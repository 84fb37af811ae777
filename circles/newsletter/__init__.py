"""The biweekly newsletter: double opt-in subscriptions, news submissions, a composer that drafts each
issue from the platform's activity, checks before sending, crash-safe sending through the outbox, and
a public archive."""

from flask import Blueprint

bp = Blueprint("newsletter", __name__)

from circles.newsletter import (  # noqa: E402,F401  (registers routes, rules, slots and sources)
    archive_views,
    compose_views,
    news,
    news_views,
    permissions,
    subscription_views,
)
