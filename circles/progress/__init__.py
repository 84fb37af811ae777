"""Progress and signals: targets and realised jobs per organisation, sector, region and circle, and the
register of bottlenecks members meet in practice."""

from flask import Blueprint

bp = Blueprint("progress", __name__)

from circles.progress import permissions  # noqa: E402,F401  (registers the rules)
from circles.progress.signals import permissions as signal_permissions  # noqa: E402,F401
