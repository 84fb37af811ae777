"""The biweekly newsletter: double opt-in subscriptions, news submissions, a composer that drafts each
issue from the platform's activity, checks before sending, crash-safe sending through the outbox, and
a public archive. Routes: ``views`` (the composer) and the sub-packages it imports."""

from flask import Blueprint

bp = Blueprint("newsletter", __name__)

from circles.newsletter import permissions  # noqa: E402,F401  (registers the rules)
from circles.newsletter.news import services as news_services  # noqa: E402,F401  (registers its activity source)
