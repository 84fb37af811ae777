"""Markdown is rendered and sanitised by one configuration."""

from html.parser import HTMLParser

import pytest

from circles.core.markdown import plain_text, render_markdown


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_markdown_renders_basic_formatting():
    html = str(render_markdown("# Titel\n\nEen **vet** woord en [een link](https://example.org)."))
    assert "<h2>Titel</h2>" in html  # the page owns the h1
    assert "<strong>vet</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize("source", [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "[klik](javascript:window.__xss=1)",
    "![plaatje](javascript:window.__xss=1)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](JaVaScRiPt:alert(1))",
    '<svg onload="window.__xss=1">',
    '<iframe src="https://example.org"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
])
def test_dangerous_markup_never_becomes_an_element(source):
    for tag, attrs in elements(str(render_markdown(source))):
        assert tag not in ("script", "img", "svg", "iframe", "div", "object", "embed", "style")
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:"))


def test_raw_html_is_shown_as_text_not_lost():
    html = str(render_markdown('Gebruik <b> niet, en <img src=x onerror="y">'))
    assert "&lt;b&gt;" in html
    assert "onerror" in html  # still there as text, for the reader to see


def test_empty_input_gives_empty_markup():
    assert str(render_markdown(None)) == "" and str(render_markdown("")) == ""


def test_a_markdown_image_keeps_its_description_as_a_link():
    """Images are not shown; the description a writer gave must not vanish with them."""
    html = str(render_markdown("Zo ziet het eruit: ![Plattegrond van de werkplek](https://example.org/plattegrond.png)"))
    assert "<img" not in html
    assert '<a href="https://example.org/plattegrond.png"' in html and "Plattegrond van de werkplek</a>" in html
    assert "Plattegrond van de werkplek" in plain_text("![Plattegrond van de werkplek](https://example.org/p.png)")
    unsafe = str(render_markdown('![x](javascript:alert(1) "t") ![y](data:text/html,hi)'))
    assert "href=" not in unsafe  # not made into links; left as the text that was typed
