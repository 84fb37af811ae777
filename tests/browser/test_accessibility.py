"""WCAG 2.1 AA in real Chromium, for EVERY page of the route inventory (tests/routes.py), in Dutch and
in English, as the role the page is for:

* axe-core (tags wcag2a, wcag2aa, wcag21a, wcag21aa) finds no violation, at 1280 and at 320 px wide;
* at 320 CSS px wide nothing scrolls sideways (WCAG 1.4.10 Reflow);
* no text of the other language shows (an English page with a Dutch catalog text, or the reverse).

The forms are checked again in their error state (sent empty), and so are the error pages. One test
per role walks that role's pages (one app, one log-in, warm browser caches: fast); its failure lists
every problem found with url, language, rule, impact, targets and help.

CSP: the app's Content-Security-Policy (script-src 'self') does not block axe. Playwright's
``page.evaluate`` runs the script through the DevTools protocol, which CSP does not govern, so the
context needs no ``bypass_csp``. If a later axe version is blocked, create the context for THIS test
only with ``new_context(browser, bypass_csp=True)`` (never for the flows).
"""

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.routes import ROUTES, axe_pages, make_world

pytestmark = pytest.mark.browser

LANGUAGES = ("nl", "en")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
NARROW = 320
CATALOG = Path(__file__).resolve().parents[2] / "circles/translations/en/LC_MESSAGES/messages.po"
#: Catalog texts shorter than this are not looked for: short words are often the same in both languages.
MIN_TEXT = 12
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")

#: Forms checked in their error state: sent with every text field emptied. Each is in ROUTES.
FORMS = [
    "accounts.login",
    "accounts.register",
    "accounts.forgot_password",
    "accounts.reset_password",
    "accounts.change_password",
    "accounts.profile",
    "accounts.delete_account",
    "accounts.organisation_edit",
    "groups.create",
    "groups.edit",
    "meetings.create",
    "meetings.create_regional",
    "meetings.edit",
    "workpackages.create",
    "workpackages.edit",
    "workpackages.case_create",
    "workpackages.case_edit",
    "workpackages.attachment_add",
    "newsletter.subscribe",
    "newsletter.unsubscribe_request",
    "newsletter.submit_news",
    "newsletter.my_subscription",
    "progress.record",
    "progress.signal_report",
    "progress.signal_edit",
    # not here: meetings.settings (its one field is a number, which "sent empty" leaves filled) and
    # meetings.minutes_edit (an empty text is a valid save): sent empty, both succeed; newsletter.preferences
    # (every field may be empty); newsletter.compose has a button per item (its error state is walked by
    # tests/browser/test_newsletter_flows.py).
]
#: Pages that no endpoint renders at 200 but people do see: name -> (path, status).
ERROR_PAGES = {
    "not found": ("/bestaat-niet", 404),
    "invalid reset link": ("/account/wachtwoord-herstellen/ongeldig", 404),
}

_axe = Axe()


# --- the checks: each returns a list of readable problems ------------------------------------------

def axe_violations(page) -> dict[tuple[str, str], str]:
    """(rule id, targets) -> a readable line, for each axe violation on the page as it is now."""
    found = {}
    for violation in _axe.run(page, options=AXE_OPTIONS).response["violations"]:
        targets = "; ".join(" >> ".join(map(str, node["target"])) for node in violation["nodes"])
        found[violation["id"], targets] = (
            f"axe {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"      targets: {targets}\n      see {violation['helpUrl']}"
        )
    return found


_OVERFLOWING = """width => {
  const inScroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => !inScroller(el) || ['absolute', 'fixed'].includes(getComputedStyle(el).position))
    .slice(0, 8)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
               + (el.classList.length ? '.' + [...el.classList].join('.') : ''));
}"""


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def narrow_problems(page, where: str, seen: dict) -> list[str]:
    """At 320 px wide: no sideways scrolling (WCAG 1.4.10), and axe again (scrolling tables, say).
    The viewport is restored afterwards."""
    size = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": size["height"]})
    try:
        problems = []
        width = scroll_width(page)
        if width > NARROW + 1:
            culprits = page.evaluate(_OVERFLOWING, NARROW)
            problems.append(f"{where} at {NARROW} px: scrolls sideways (scrollWidth {width}); "
                            f"sticking out: {culprits}")
        problems += [f"{where} at {NARROW} px: {line}"
                     for key, line in axe_violations(page).items() if key not in seen]
        return problems
    finally:
        page.set_viewport_size(size)


def _fragment(text: str) -> str | None:
    """The text up to its first placeholder, when that is long enough to look for."""
    text = " ".join(text.split())
    match = PLACEHOLDER.search(text)
    if match:
        text = text[: match.start()].strip()
    return text if len(text) >= MIN_TEXT else None


@cache
def foreign_texts() -> dict[str, tuple[str, ...]]:
    """Per page language, the catalog texts of the OTHER language that must not appear on it."""
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    pairs = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        pairs += [(nl, en) for nl, en in zip(ids, strings, strict=False) if en and nl != en]
    all_dutch = " | ".join(nl for nl, _en in pairs)
    all_english = " | ".join(en for _nl, en in pairs)
    dutch, english = set(), set()
    for nl, en in pairs:
        nl_text, en_text = _fragment(nl), _fragment(en)
        # A fragment that the other language uses too (a name, say) proves nothing.
        if nl_text and nl_text not in all_english:
            dutch.add(nl_text)
        if en_text and en_text not in all_dutch:
            english.add(en_text)
    return {"en": tuple(sorted(dutch)), "nl": tuple(sorted(english))}


def untranslated_problems(page, lang: str, where: str) -> list[str]:
    text = page.evaluate("document.title + '\\n' + document.body.innerText")
    text = " ".join(text.split())
    found = [t for t in foreign_texts()[lang] if t in text]
    found = [t for t in found if not any(t != other and t in other for other in found)]  # longest only
    kind = "Dutch text on the English page" if lang == "en" else "English text on the Dutch page"
    return [f"{where}: {kind}: {t!r}" for t in found]


def check_page(page, lang: str, where: str) -> list[str]:
    """Every problem on the page as it is now: axe (wide and narrow), reflow, the other language."""
    html_lang = page.locator("html").get_attribute("lang")
    if html_lang != lang:
        return [f"{where}: <html lang={html_lang!r}>, expected {lang!r} (the language switch failed)"]
    wide = axe_violations(page)
    return ([f"{where}: {line}" for line in wide.values()]
            + untranslated_problems(page, lang, where)
            + narrow_problems(page, where, wide))


def open_in(page, live_server, url: str, lang: str):
    """Open ``url`` through the header's language switch, as a reader who picked ``lang`` would."""
    return page.goto(live_server(f"/taal/{lang}?{urlencode({'next': url})}"))


def send_empty(page, where: str) -> list[str]:
    """Empty every text field of the page's form and send it: the error summary must show, with focus."""
    form = page.locator("main form[method=post]").first
    for field in form.locator("input[type=text], input[type=email], input[type=password], "
                              "input[type=url], input:not([type]), textarea").all():
        field.fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    summary = page.get_by_role("alert")
    try:
        expect(summary).to_be_visible(timeout=2000)
        expect(summary).to_be_focused(timeout=2000)
    except AssertionError as error:
        return [f"{where}: the error summary does not show with focus: {str(error).splitlines()[0]}"]
    return []


def report(problems: list[str]) -> str:
    return f"{len(problems)} accessibility problem(s):\n" + "\n".join(f"  - {p}" for p in problems)


def _role_id(role) -> str:
    return "anonymous" if role is None else role.value


#: The roles the pages are for, each walked in one test (one app, one log-in, warm browser caches).
ROLES = sorted({ROUTES[endpoint].role for endpoint in axe_pages()}, key=lambda r: (r is not None, r or ""))


# --- the tests --------------------------------------------------------------------------------------

def test_the_checked_forms_are_inventory_pages():
    assert set(FORMS) <= set(axe_pages())


def test_the_catalog_gives_texts_to_look_for():
    texts = foreign_texts()
    assert len(texts["en"]) > 50 and len(texts["nl"]) > 50
    assert "Samen meer banen voor mensen met een arbeidsbeperking" in texts["en"]
    assert "Together for more jobs for people with an occupational disability" in texts["nl"]


@pytest.mark.parametrize("role", ROLES, ids=_role_id)
def test_pages_are_accessible(app, live_server, context, page, copy_login, role):
    """Every axe page of the inventory that is for ``role``, in Dutch and English; forms also with errors."""
    world = make_world()
    if role is not None:
        copy_login(context, world.account(role))
    endpoints = [endpoint for endpoint in axe_pages() if ROUTES[endpoint].role == role]
    assert endpoints
    problems = []
    for endpoint in endpoints:
        route = ROUTES[endpoint]
        url = route.url(endpoint, world)
        for lang in LANGUAGES:
            where = f"{url} [{lang}]"
            response = open_in(page, live_server, url, lang)
            if response.status != route.status:
                problems.append(f"{where}: answered {response.status}, the inventory says {route.status}")
                continue
            problems += check_page(page, lang, where)
            if endpoint in FORMS:
                where = f"{url} [{lang}, sent empty]"
                errors = send_empty(page, where)
                problems += errors or check_page(page, lang, where)
    assert not problems, report(problems)


def test_error_pages_are_accessible(app, live_server, page):
    problems = []
    for path, status in ERROR_PAGES.values():
        for lang in LANGUAGES:
            response = open_in(page, live_server, path, lang)
            assert response.status == status, path
            problems += check_page(page, lang, f"{path} [{lang}]")
    assert not problems, report(problems)
