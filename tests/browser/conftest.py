"""Real-browser fixtures: Debian's Chromium driven by Playwright, and the per-test ``app`` served from a
thread. Never ``playwright install``: its browser download is blocked here; /usr/bin/chromium is used.

Without Chromium the browser tests are skipped on a developer's machine, but FAIL when the
environment variable CI is set: a CI run must not go green without them.
"""

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("CIRCLES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1280, "height": 900}
#: Playwright waits at most this long for an element or a navigation. The app answers in milliseconds, but a
#: CI machine running every test file at once has stalled a navigation for over ten seconds.
TIMEOUT_MS = 20_000
#: A request slower than this is reported on stderr (shown with a failing test's output).
SLOW_REQUEST_S = 2.0


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str):
    message = f"{reason}: install Debian's chromium package (scripts/install-chromium.sh)"
    if in_ci():
        pytest.fail(f"{message}. CI is set, so the browser tests may not be skipped.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM}")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (errors are still logged); a slow request is reported, so a
    browser time-out says which request kept it waiting."""

    def run_wsgi(self):
        started = time.monotonic()
        super().run_wsgi()
        took = time.monotonic() - started
        if took > SLOW_REQUEST_S:
            print(f"slow request: {self.command} {self.path} took {took:.1f} s", file=sys.stderr)

    def log_request(self, code="-", size="-"):
        pass


@dataclass
class LiveServer:
    app: Flask
    url: str  # http://127.0.0.1:<port>, no trailing slash

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(app):
    """The test's ``app`` (its own fresh database) served on a free port from a thread. An exception in
    a view fails the test even when the page the browser got looked fine."""
    errors: list[BaseException] = []

    def record(sender, exception, **extra):
        errors.append(exception)

    got_request_exception.connect(record, app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record, app)
    if errors:
        pytest.fail(f"the app raised while serving the browser: {errors!r}", pytrace=False)


def new_context(browser, **options):
    context = browser.new_context(locale="nl-NL", viewport=VIEWPORT, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile per test (no cookies), closed before the server stops."""
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def copy_login(client, auth, live_server):
    """Log in as ``user`` with the test client and give the browser ``context`` its session cookie
    (quicker than the log-in form; the flows test the form itself)."""

    def copy(context, user, password: str | None = None) -> None:
        client.delete_cookie("session")  # a logged-in client would be redirected away from the form
        response = auth.login(user.email) if password is None else auth.login(user.email, password)
        assert response.status_code == 302, "log-in with the test client failed"
        client.get(response.location)  # shows (so uses up) the Dutch "U bent ingelogd." message
        cookie = client.get_cookie("session")
        context.clear_cookies()
        context.add_cookies([{"name": "session", "value": cookie.value, "url": live_server.url,
                              "httpOnly": True, "sameSite": "Lax"}])

    return copy
