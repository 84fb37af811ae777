"""Structured request logs: one JSON line per request, with a request id and without secrets."""

import json
import logging

import pytest

from circles.core.requestlog import LOGGER, JsonFormatter
from tests.routes import ROUTES, make_world


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def request_log(app):
    """Turn the request log on for this test's app and read what it writes (the formatter it uses)."""
    logger = logging.getLogger(LOGGER)
    app.config["REQUEST_LOG"] = True
    lines = Lines()
    lines.setFormatter(JsonFormatter())
    logger.addHandler(lines)
    level, logger.level = logger.level, logging.INFO
    yield lines.lines
    logger.removeHandler(lines)
    logger.setLevel(level)


def test_each_request_is_one_json_line_with_its_id(client, request_log):
    response = client.get("/leercirkels?sector=gemeenten")
    line = request_log[-1]
    assert (line["method"], line["path"], line["status"], line["endpoint"]) == ("GET", "/leercirkels", 200,
                                                                                 "groups.index")
    assert line["level"] == "info" and line["ms"] >= 0 and line["user"] is None
    assert line["request_id"] == response.headers["X-Request-ID"] and len(line["request_id"]) == 32


def test_the_proxys_request_id_is_kept_and_a_strange_one_replaced(client, request_log):
    client.get("/", headers={"X-Request-ID": "nginx-1234abcd"})
    assert request_log[-1]["request_id"] == "nginx-1234abcd"
    response = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert request_log[-1]["request_id"] == response.headers["X-Request-ID"] != "<script>alert(1)</script>"


def test_tokens_in_addresses_are_not_logged(app, client, request_log):
    world = make_world()
    client.get(f"/account/wachtwoord-herstellen/{world.reset_token}")
    client.get(ROUTES["newsletter.unsubscribe"].url("newsletter.unsubscribe", world))
    logged = json.dumps(request_log)
    assert world.reset_token not in logged and world.unsubscribe_token not in logged
    assert "[token]" in request_log[-1]["path"]


def test_no_log_lines_in_the_tests_unless_asked(app, client):
    seen = Lines()
    logging.getLogger(LOGGER).addHandler(seen)
    try:
        client.get("/")
    finally:
        logging.getLogger(LOGGER).removeHandler(seen)
    assert app.config["REQUEST_LOG"] is False and seen.lines == []
