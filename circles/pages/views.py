"""Pages that belong to no feature."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Response, abort, current_app, redirect, render_template, session, url_for
from flask_login import current_user

from circles.core.db import utcnow
from circles.core.pagecache import for_everyone
from circles.core.security import safe_next
from circles.extensions import db
from circles.pages import bp


@bp.route("/")
@for_everyone
def home():
    """What the platform is for, in plain language, and (later) what is new."""
    return render_template("pages/home.html")


@bp.route("/toegankelijkheid")
def accessibility():
    """The accessibility statement (Besluit digitale toegankelijkheid overheid)."""
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy():
    """The privacy statement: purposes, legal bases, retention, rights (AVG art. 13)."""
    return render_template("pages/privacy.html")


@bp.route("/.well-known/security.txt")
def security_txt():
    """RFC 9116: where to report a vulnerability."""
    expires = (utcnow() + timedelta(days=180)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    body = "\n".join([
        f"Contact: {current_app.config['SECURITY_CONTACT']}",
        f"Expires: {expires}",
        "Preferred-Languages: nl, en",
        f"Canonical: {url_for('pages.security_txt', _external=True)}",
        f"Policy: {url_for('pages.accessibility', _external=True).replace('/toegankelijkheid', '/privacy')}",
        "",
    ])
    return Response(body, mimetype="text/plain")


@bp.route("/taal/<code>")
def set_language(code: str):
    """Switch the interface language and return to the page the reader was on."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(url_for("pages.home")))


@bp.route("/healthz")
def healthz():
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
