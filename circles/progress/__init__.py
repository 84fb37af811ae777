"""Progress and signals: targets and realised jobs per organisation, sector, region and circle, and the
register of bottlenecks members meet in practice."""

from flask import Blueprint

bp = Blueprint("progress", __name__)

from circles.progress import (  # noqa: E402,F401  (registers routes, rules and slots)
    permissions,
    signal_views,
    views,
)
