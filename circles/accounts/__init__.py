"""Accounts: registration, log-in, profiles, passwords, roles, organisations, AVG export and deletion."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from circles.accounts import permissions, views  # noqa: E402,F401  (registers routes and rules)
