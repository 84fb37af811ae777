"""What a service raises when a business rule refuses an action. Every feature's error is one of these, so
a view answers any refusal the same way: the message for the person, the status to answer with."""


class RuleBroken(Exception):
    """A rule refused the action. ``message`` is for the person (a lazy string is fine), ``status`` is the
    HTTP status to answer with, and ``field`` names the form field the message belongs to, if one does."""

    default_status = 409

    def __init__(self, message, status: int | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.status = status or self.default_status
        self.field = field
