"""Whole pages for visitors who are not logged in, kept in the process for a short while.

Every visitor without an account sees the same page for the same address and language, so a page whose view
is marked ``@for_everyone`` is rendered once and then answered from memory: at national scale the public
pages cost a fraction of a millisecond instead of a full render and its queries. The pages live in the cache
namespace "pages" (``core.cache``), which watches every table: any change made through this process clears
them at once, and ``CACHE_SECONDS`` bounds how long a change made on another app server takes to show.

Never kept: pages for a logged-in reader or anyone with a remember-me cookie, a page that showed a flash
message, put a CSRF token in a form or changed the session, a request that was not a GET, and any answer but
200. A kept page carries an ETag, so a browser that asks again gets a 304 without the page.
"""

import hashlib
from collections.abc import Callable

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from circles.core import cache

NAMESPACE = "pages"
#: Pages kept per process (each some tens of kilobytes; the worker stays well under its memory budget).
MAX_PAGES = 300
#: Headers that belong to one answer, not to the page.
_PER_ANSWER = {"set-cookie", "date", "x-request-id", "content-length"}

cache.watch(NAMESPACE, cache.EVERY_TABLE)


def for_everyone(view: Callable) -> Callable:
    """Mark a view whose page is the same for every visitor who is not logged in."""
    view.page_for_everyone = True
    return view


def _visitor() -> bool:
    """Nobody logged in and nothing personal waiting (decided from the cookie, without the database)."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_user_id" not in session and "_flashes" not in session and remember not in request.cookies


def _answer_from_memory() -> Response | None:
    if request.method != "GET" or not cache.enabled():
        return None
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "page_for_everyone", False) or not _visitor():
        return None
    key = (request.host, request.full_path, str(get_locale()))
    kept = cache.lookup(NAMESPACE, key)
    if kept is None:
        g.page_cache_key = key  # rendered now; kept afterwards if it turns out the same for everyone
        return None
    body, headers = kept
    return current_app.response_class(body, status=200, headers=headers).make_conditional(request)


def _keep(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.direct_passthrough:
        return response
    personal = (session.modified or "csrf_token" in g or "_flashes" in session or "Set-Cookie" in response.headers
                or current_user.is_authenticated)
    if personal:
        return response
    body = response.get_data()
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    # A browser may keep the page but asks each time whether it is still current (and gets a 304 if so).
    response.headers.setdefault("Cache-Control", "no-cache")
    response.vary.add("Cookie")
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _PER_ANSWER]
    cache.keep(NAMESPACE, key, (body, headers), max_entries=MAX_PAGES)
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.before_request(_answer_from_memory)
    app.after_request(_keep)
