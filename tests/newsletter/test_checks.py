"""Checks before sending: size, absolute links, and the accessibility of the e-mail HTML."""

import pytest

from circles.newsletter.checks import BLOCK, WARN, blocking, check_html, nearly_empty
from circles.newsletter.render import render_issue

CLEAN_BODY = """
<h1>Nieuwsbrief 12</h1>
<p><a href="https://leercirkels.example/nieuwsbrief/archief/12">Bekijk deze nieuwsbrief in uw browser</a></p>
<h2>Nieuwe werkpakketten</h2>
<h3><a href="https://leercirkels.example/werkpakketten/3">Werkpakket inclusief werven</a></h3>
<p>Vacatureteksten die iedereen begrijpt.</p>
<h3><a href="https://leercirkels.example/werkpakketten/4">Jobcarving</a></h3>
<h2>Nieuws</h2>
<h3><a href="http://example.org/nieuws">Banenmarkt Groningen</a></h3>
<p><img src="https://leercirkels.example/static/logo.png" alt=""></p>
<p><a href="mailto:redactie@leercirkels.example">Mail de redactie</a></p>
<p><a href="[[preferences_url]]">Uw voorkeuren aanpassen</a>
<a href="[[unsubscribe_url]]">Afmelden voor deze nieuwsbrief</a></p>
"""
TEXT = "Nieuwsbrief 12\n\nWerkpakket inclusief werven\nhttps://leercirkels.example/werkpakketten/3\n"


def page(body: str = CLEAN_BODY, html_tag: str = '<html lang="nl">') -> str:
    return f"<!doctype html>\n{html_tag}\n<head><title>Nieuwsbrief 12</title></head>\n<body>{body}</body>\n</html>"


def codes(findings) -> list[tuple[str, str]]:
    return [(f.level, f.code) for f in findings]


def test_clean_html_has_no_findings(app):
    assert check_html(page(), TEXT) == []


def test_a_rendered_issue_has_no_findings(app):
    snapshot = {"number": 3, "issue_date": "2026-11-26", "subject": "", "intro": "Hallo", "sections": [
        {"id": 1, "kind": "news", "title": "", "sectors": [], "regions": [], "items": [
            {"kind": "news", "object_id": 1, "title": "Toolkit", "teaser": "", "url": "https://example.org/t",
             "starts_at": None, "location": "", "language": "en", "changed": True}]}]}
    rendered = render_issue(snapshot, "nl", web_url="https://leercirkels.example/nieuwsbrief/archief/3",
                            unsubscribe_url="[[unsubscribe_url]]", preferences_url="[[preferences_url]]")
    assert check_html(rendered.html, rendered.text) == []


@pytest.mark.parametrize("href", ["/werkpakketten/3", "werkpakketten/3", "#inhoud", "", "javascript:alert(1)",
                                  "https:/werkpakketten/3", "ftp://example.org/a", "//example.org/a"])
def test_a_link_that_only_works_on_the_website_blocks(app, href):
    body = CLEAN_BODY + f'<p><a href="{href}">Het verslag van de landelijke dag</a></p>'
    findings = check_html(page(body), TEXT)
    assert codes(findings) == [(BLOCK, "not_absolute")]
    assert "Het verslag van de landelijke dag" in str(findings[0].message)
    assert f"“{href}”" in str(findings[0].message)
    assert blocking(findings)


def test_an_image_with_a_relative_address_blocks(app):
    findings = check_html(page(CLEAN_BODY + '<img src="/static/logo.png" alt="Logo">'), TEXT)
    assert codes(findings) == [(BLOCK, "not_absolute")]
    assert "/static/logo.png" in str(findings[0].message)


def test_an_image_without_alt_blocks(app):
    findings = check_html(page(CLEAN_BODY + '<img src="https://leercirkels.example/static/foto.jpg">'), TEXT)
    assert codes(findings) == [(BLOCK, "no_alt")]
    assert "https://leercirkels.example/static/foto.jpg" in str(findings[0].message)


@pytest.mark.parametrize("text", ["klik hier", "Klik hier!", "hier", "Lees meer »", "meer", "Read more",
                                  "click here", "more…", "link", "here"])
def test_a_link_text_that_says_nothing_blocks(app, text):
    body = CLEAN_BODY + f'<p>Het verslag staat online: <a href="https://leercirkels.example/v/4">{text}</a></p>'
    findings = check_html(page(body), TEXT)
    assert codes(findings) == [(BLOCK, "link_text")]
    assert "https://leercirkels.example/v/4" in str(findings[0].message)
    assert text in str(findings[0].message)


def test_an_empty_link_blocks_but_an_image_link_with_alt_does_not(app):
    empty = CLEAN_BODY + '<p><a href="https://leercirkels.example/v/4"> </a></p>'
    assert codes(check_html(page(empty), TEXT)) == [(BLOCK, "link_text")]
    image_link = (CLEAN_BODY + '<p><a href="https://leercirkels.example/v/4">'
                  '<img src="https://leercirkels.example/logo.png" alt="Verslag van de landelijke dag"></a></p>')
    assert check_html(page(image_link), TEXT) == []
    labelled = CLEAN_BODY + '<p><a href="https://leercirkels.example/v/4" aria-label="Het verslag">Meer</a></p>'
    assert check_html(page(labelled), TEXT) == []


def test_a_link_text_that_only_contains_a_generic_word_is_fine(app):
    body = CLEAN_BODY + '<p><a href="https://leercirkels.example/v/4">Lees meer over jobcarving</a></p>'
    assert check_html(page(body), TEXT) == []


def test_a_skipped_heading_level_blocks(app):
    body = "<h1>Nieuwsbrief 12</h1><h3>Werkpakket inclusief werven</h3>"
    findings = check_html(page(body), TEXT)
    assert codes(findings) == [(BLOCK, "heading_skip")]
    message = str(findings[0].message)
    assert "Werkpakket inclusief werven" in message and "niveau 3" in message and "niveau 1" in message


def test_going_back_up_to_a_higher_level_is_fine(app):
    body = "<h1>N</h1><h2>A</h2><h3>B</h3><h4>C</h4><h2>D</h2><h3>E</h3>"
    assert check_html(page(body), TEXT) == []


def test_two_h1_headings_block(app):
    findings = check_html(page("<h1>Nieuwsbrief 12</h1><h2>Nieuws</h2><h1>Nog een titel</h1>"), TEXT)
    assert codes(findings) == [(BLOCK, "h1_count")]
    assert "2" in str(findings[0].message)


def test_no_h1_blocks(app):
    findings = check_html(page("<h2>Nieuws</h2><p>Tekst</p>"), TEXT)
    assert codes(findings) == [(BLOCK, "h1_count")]


@pytest.mark.parametrize("html_tag", ["<html>", '<html lang="">', '<html lang=" ">'])
def test_missing_language_blocks(app, html_tag):
    findings = check_html(page(html_tag=html_tag), TEXT)
    assert codes(findings) == [(BLOCK, "no_lang")]


def test_a_document_without_html_element_blocks_for_its_language(app):
    assert codes(check_html(CLEAN_BODY, TEXT)) == [(BLOCK, "no_lang")]


def padded(total_bytes: int) -> tuple[str, str]:
    """A clean page and text that are together exactly ``total_bytes`` long."""
    html = page(CLEAN_BODY + "<p>{}</p>")
    filler = total_bytes - len(html.encode()) + 2 - len(TEXT.encode())
    return html.replace("{}", "x" * filler), TEXT


def test_an_issue_of_101_kb_blocks_because_gmail_clips_it(app):
    findings = check_html(*padded(101 * 1024))
    assert codes(findings) == [(BLOCK, "too_large")]
    assert "101 KB" in str(findings[0].message)


def test_size_limits(app):
    assert codes(check_html(*padded(100 * 1024))) == [(BLOCK, "too_large")]
    assert codes(check_html(*padded(100 * 1024 - 1))) == [(WARN, "large")]
    assert codes(check_html(*padded(80 * 1024 + 1))) == [(WARN, "large")]
    assert check_html(*padded(80 * 1024)) == []
    assert not blocking(check_html(*padded(90 * 1024)))


def test_the_text_part_counts_towards_the_size(app):
    html = page()
    text = "x" * (100 * 1024 - len(html.encode()))
    assert codes(check_html(html, text)) == [(BLOCK, "too_large")]


def test_blocking_findings_come_first(app):
    html, text = padded(90 * 1024)
    findings = check_html(html.replace('<html lang="nl">', "<html>"), text)
    assert codes(findings) == [(BLOCK, "no_lang"), (WARN, "large")]


def test_nearly_empty():
    def snapshot(*counts):
        return {"sections": [{"id": n, "items": [{"title": "x"}] * count} for n, count in enumerate(counts)]}

    assert nearly_empty({"sections": []})
    assert nearly_empty(snapshot(1, 0, 1))
    assert not nearly_empty(snapshot(1, 1, 1))
    assert not nearly_empty(snapshot(5))
