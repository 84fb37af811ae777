"""Error pages in the reader's language, for people and for the CSRF and rate-limit refusals."""

from contextlib import suppress

import sqlalchemy as sa
from flask import Flask, abort, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from circles.core.db import db
from circles.extensions import login_manager

#: Title and explanation per status code; anything else falls back to the generic 400 text.
MESSAGES = {
    400: (_l("Ongeldig verzoek"),
          _l("Dit verzoek kon niet worden verwerkt. Controleer wat u invulde en probeer het opnieuw.")),
    401: (_l("Inloggen nodig"), _l("U moet ingelogd zijn om deze pagina te zien.")),
    403: (_l("Geen toegang"), _l("U heeft geen toegang tot deze pagina.")),
    404: (_l("Pagina niet gevonden"),
          _l("Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina.")),
    405: (_l("Niet toegestaan"), _l("Deze handeling is op deze pagina niet toegestaan.")),
    409: (_l("Conflict"), _l("Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw.")),
    413: (_l("Bestand of formulier te groot"),
          _l("Wat u verstuurde is te groot. Maak het kleiner en probeer het opnieuw.")),
    422: (_l("Ongeldige invoer"), _l("Controleer wat u invulde en probeer het opnieuw.")),
    429: (_l("Te veel pogingen"),
          _l("U heeft het te vaak geprobeerd. Wacht een minuut en probeer het dan opnieuw.")),
    500: (_l("Er ging iets mis"),
          _l("Er ging bij ons iets mis. Probeer het later opnieuw. Uw gegevens zijn niet verloren.")),
    503: (_l("Tijdelijk niet beschikbaar"),
          _l("De website is even niet bereikbaar. Probeer het over een paar minuten opnieuw.")),
}


def render_error(code: int, detail: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[400])
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_in_path():
        """No page has a NUL in its address, and PostgreSQL refuses one in a query (a 500 otherwise)."""
        if "\x00" in request.path:
            abort(404)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            str(_l("Het formulier was verlopen of onvolledig. Laad de pagina opnieuw en probeer het nog eens.")),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)

    @app.errorhandler(sa.exc.IntegrityError)
    def conflicting_write(error):
        """Two requests stored the same thing at once (a double click, two tabs): the unique constraint kept
        one; the other gets the 409 page instead of a 500."""
        app.logger.info("conflicting write: %s", error.orig)
        db.session.rollback()
        return render_error(409, str(_l("Dit was intussen al opgeslagen, misschien door een dubbele klik of in "
                                         "een ander venster. Laad de pagina opnieuw.")))

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    def database_unavailable(error):
        """The database is down or restarting: say so with a 503; the pool reconnects by itself."""
        app.logger.warning("database unavailable: %s", error)
        with suppress(sa.exc.SQLAlchemyError):
            db.session.rollback()
        # The page shows the menu for the current user, and loading a logged-in user asks the database: render
        # it for an anonymous visitor (Flask-Login keeps the current user in g._login_user).
        g._login_user = login_manager.anonymous_user()
        body, code = render_error(503)
        return body, code, {"Retry-After": "30"}
