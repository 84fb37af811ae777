"""Public pages: home, accessibility and privacy statements, security.txt, language switch, health."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

