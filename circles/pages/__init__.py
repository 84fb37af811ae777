"""Public pages: home, accessibility and privacy statements, security.txt, language switch, health."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from circles.pages import views  # noqa: E402,F401
