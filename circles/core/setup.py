"""Binds the extensions and the core mechanisms to an app, in one order."""

import contextlib

import sqlalchemy as sa
from flask import Flask
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter

# revisions: a model; search: its listeners create and drop the search table with db.create_all/drop_all.
from circles.core import errors, i18n, mail, pagecache, requestlog, revisions, search, security, timefmt  # noqa: F401
from circles.core.forms import BaseForm
from circles.core.markdown import render_markdown
from circles.core.permissions import template_can
from circles.core.slots import render_slots
from circles.extensions import babel, csrf, db, limiter, login_manager, migrate


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number a database id can be (1 to 2**31 - 1, PostgreSQL's integer). A
    longer number in an address is simply no page (404) instead of an overflow in the database driver (500)."""

    def __init__(self, map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class EmptyForm(BaseForm):
    """A form with only the CSRF token, for POST buttons (log out, leave, approve...)."""


def _button_form() -> EmptyForm:
    return EmptyForm(formdata=None)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RecordIdConverter  # before any blueprint adds its routes
    _tune_postgresql(app)
    db.init_app(app)
    _forgiving_session_teardown(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    # Imported here so the message is translated lazily, per request.
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Log in om deze pagina te bekijken.")
    login_manager.session_protection = "basic"

    requestlog.init_app(app)
    security.init_app(app)
    pagecache.init_app(app)
    errors.init_app(app)
    timefmt.init_app(app)
    mail.init_app(app)

    # Buttons in templates only need the token: their form must not read the request body (an oversized
    # upload would raise again inside the 413 error page).
    app.jinja_env.globals.update(can=template_can, get_locale=get_locale, empty_form=_button_form,
                                  render_slots=render_slots)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(revisions.note_text, "revision_note")


def _forgiving_session_teardown(app: Flask) -> None:
    """Close each request's session, forgiving a connection that died with the database.

    Flask-SQLAlchemy closes the session when the request ends. When PostgreSQL went away during the request (a
    restart), closing the dead connection raises after the response (the 503 page) was made, where no error
    handler sees it, and the reader got the server's bare 500 page instead. The connection is invalidated (the
    pool throws it away instead of keeping it checked out in a transaction); the next request gets a new one.
    """
    app.teardown_appcontext_funcs[:] = [f for f in app.teardown_appcontext_funcs if f != db._teardown_session]

    @app.teardown_appcontext
    def remove_session(_exc):
        try:
            db.session.remove()
        except sa.exc.SQLAlchemyError as error:
            app.logger.warning("closing the session failed, the database went away: %s", error)
            # give the connection back to the pool as unusable, or it stays checked out in its transaction
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                db.session.registry().invalidate()
            db.session.registry.clear()  # remove() stops before this when close() raises


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[1] / "migrations")


def _tune_postgresql(app: Flask) -> None:
    """No JIT compilation: PostgreSQL's cost estimate for a listing of tens of thousands of rows passes the
    JIT threshold, and compiling then costs 10-15 ms per query, more than the query itself (bench.pages)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})  # a copy: the default is shared
    connect_args = dict(options.get("connect_args") or {})
    connect_args["options"] = f"{connect_args.get('options', '')} -c jit=off".strip()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}


def _tune_sqlite(app: Flask) -> None:
    """WAL (readers do not block the writer), a busy timeout and enforced foreign keys."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        engine = db.engine

        @sa.event.listens_for(engine, "connect")
        def on_connect(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=10000")
            if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
