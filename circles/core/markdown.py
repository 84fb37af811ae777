"""Markdown to safe HTML: one parser and one sanitiser configuration for the whole platform."""

from html import unescape as html_unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def _image_as_link(self, tokens, idx, options, env) -> str:
    """Images are not shown (no third-party requests, and alt text is easily forgotten); their description
    is, as a link to the image, so the text a writer gave never vanishes. The sanitiser checks the link."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrGet("src") or "")
    return f'<a href="{escapeHtml(src)}">{escapeHtml(alt or src)}</a>'


_md.add_render_rule("image", _image_as_link)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML from Markdown. Raw HTML is not interpreted; links only http(s) and mailto;
    headings start at h2 because the page owns its h1."""
    if not text:
        return Markup("")
    html = _md.render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def plain_text(text: str | None, limit: int | None = None) -> str:
    """The words of a Markdown text without markup (teasers, plain-text e-mail), cut at a word
    boundary with an ellipsis when longer than ``limit``."""
    if not text:
        return ""
    words = " ".join(nh3.clean(_md.render(text), tags=set()).split())
    words = html_unescape(words)
    if limit is None or len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
