"""Permission rules for the newsletter: editors compose and send, members submit news and manage
their own subscription; subscribing and the archive are open to everyone."""

from circles.accounts.models import Role
from circles.core.permissions import rule


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


@rule("newsletter.edit")
def edit_newsletter(user, _obj=None) -> bool:
    """Compose, check, approve and send issues; read send reports; decide on news submissions."""
    return _logged_in(user) and user.role == Role.EDITOR


@rule("news.submit")
def submit_news(user, _obj=None) -> bool:
    return _logged_in(user)


@rule("newsletter.manage_own")
def manage_own_subscription(user, _obj=None) -> bool:
    return _logged_in(user)
