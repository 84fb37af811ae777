"""One JSON line per request on stderr (gunicorn passes it on to the journal or the log collector).

Each line carries a request id, taken from the proxy's ``X-Request-ID`` when it looks like one and made here
otherwise, and sent back in the response, so a user's report of an error page can be found in the log.
Tokens in addresses (password reset, unsubscribe, calendar feeds) are never written to the log.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from flask_login import current_user

LOGGER = "circles.request"
#: What a request id from the proxy may look like (anything else is replaced, not logged).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    """The record's ``fields`` as one JSON object, with the time and the level."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), **getattr(record, "fields", {"message": record.getMessage()})}
        return json.dumps(line, ensure_ascii=False, default=str)


def logged_path() -> str:
    """The path with every address part named like a token replaced, so no secret reaches the log."""
    args = request.view_args or {}
    secrets_in_path = [str(value) for name, value in args.items() if "token" in name and value]
    path = request.path
    for secret in secrets_in_path:
        path = path.replace(secret, "[token]")
    return path


def _start() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _finish(response):
    started = g.pop("request_started", None)
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    if started is None or not current_app.config["REQUEST_LOG"]:
        return response
    user = current_user.id if current_user and current_user.is_authenticated else None
    logging.getLogger(LOGGER).info("request", extra={"fields": {
        "event": "request", "request_id": request_id, "method": request.method, "path": logged_path(),
        "endpoint": request.endpoint, "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1), "bytes": response.calculate_content_length(),
        "user": user, "remote": request.remote_addr,
    }})
    return response


def init_app(app: Flask) -> None:
    """Log requests when ``REQUEST_LOG`` is on (by default: outside the tests)."""
    if app.config.get("REQUEST_LOG") is None:
        app.config["REQUEST_LOG"] = not app.testing
    app.before_request(_start)
    app.after_request(_finish)
    logger = logging.getLogger(LOGGER)
    if app.config["REQUEST_LOG"] and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
