"""Flask extensions, created unbound so that every app (and every test) binds its own."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from circles.core.db import db

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: Limits are opt-in per route (the log-in form); storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

__all__ = ["db", "migrate", "login_manager", "csrf", "babel", "limiter"]
