"""Accounts: registration, log-in, profiles, passwords, roles, organisations, AVG export and deletion."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from circles.accounts import permissions  # noqa: E402,F401  (registers the rules)
