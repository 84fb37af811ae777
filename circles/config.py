"""Configuration defaults. Overridden by instance/config.py, then by environment variables."""

import os

#: Environment variables that are read into the config as they are (strings).
ENV_STRINGS = (
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_DEFAULT_SENDER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_BACKEND",
    "RATELIMIT_STORAGE_URI",
    "SERVER_NAME",
    "BASE_URL",
    "PREFERRED_URL_SCHEME",
    "UPLOAD_FOLDER",
    "NEWSLETTER_UNSUBSCRIBE_MAILTO",
)
ENV_INTS = ("MAIL_PORT", "NEWSLETTER_SEND_WINDOW_HOURS", "CACHE_SECONDS")
ENV_FLOATS = ("MAIL_RATE_PER_SECOND",)
ENV_BOOLS = ("MAIL_USE_TLS", "MAIL_USE_SSL", "SESSION_COOKIE_SECURE", "BEHIND_PROXY", "REQUEST_LOG")


class Defaults:
    """Settings that suit development on one machine; production overrides a few (see README)."""

    SQLALCHEMY_DATABASE_URI = "sqlite:///circles.db"  # resolved into instance/ by Flask-SQLAlchemy
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    MAIL_BACKEND = "smtp"  # "smtp" or "console" (make run prints mail to the terminal)
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "Leercirkels banenafspraak <noreply@leercirkels.example>"
    MAIL_TIMEOUT = 10
    #: Messages per second per sender process (0: as fast as the server takes them).
    MAIL_RATE_PER_SECOND = 0.0
    #: Seconds to wait before retry n after a temporary failure (4xx, cannot connect); after the last: failed.
    MAIL_BACKOFF_SECONDS = (60, 300, 900, 3600)
    #: The mailto address in the newsletter's List-Unsubscribe header; empty: nieuwsbrief-afmelden@ and the
    #: domain of MAIL_DEFAULT_SENDER.
    NEWSLETTER_UNSUBSCRIBE_MAILTO = ""
    #: A newsletter not delivered this many hours after "send" is not sent late.
    NEWSLETTER_SEND_WINDOW_HOURS = 48

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    BEHIND_PROXY = False
    #: Seconds a derived figure (the progress totals, the work-package facet counts) or a public page as
    #: visitors who are not logged in see it (core.pagecache) stays cached in a process (core.cache). A change
    #: in this process clears it at once; this bounds how long another app server shows the old one. 0: off.
    CACHE_SECONDS = 60
    #: One JSON line per request on stderr (core.requestlog); None: on, except in the tests.
    REQUEST_LOG: bool | None = None

    #: Uploads are at most 10 MB; a little room for the rest of the form.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    #: The folder attachments are stored in (core.storage); None: ``instance/uploads``.
    UPLOAD_FOLDER: str | None = None
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: no expiry while someone types
    RATELIMIT_STORAGE_URI = "memory://"
    #: Said here, not left to Flask-Limiter: it keeps the last app's setting on its one shared object.
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute"
    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds
    #: werkzeug's scrypt (N=2**15); the tests use a cheaper cost to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"

    #: The public address, for links in e-mails sent outside a request (cron, CLI).
    BASE_URL = "http://127.0.0.1:5000"
    SECURITY_CONTACT = "mailto:security@leercirkels.example"


def from_environment() -> dict:
    """The settings given in environment variables, typed."""
    out: dict = {}
    for name in ENV_STRINGS:
        if os.environ.get(name):
            out[name] = os.environ[name]
    for name in ENV_INTS:
        if os.environ.get(name):
            out[name] = int(os.environ[name])
    for name in ENV_FLOATS:
        if os.environ.get(name):
            out[name] = float(os.environ[name])
    for name in ENV_BOOLS:
        if os.environ.get(name):
            out[name] = os.environ[name].lower() in ("1", "true", "yes", "on")
    if os.environ.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    return out


def normalise_database_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
