"""The issue as e-mail: HTML and plain text from one snapshot, in the reader's language, mail-client safe."""

import copy
import re
from html.parser import HTMLParser

import pytest

from circles.newsletter.checks import check_html
from circles.newsletter.render import COLOUR_PAIRS, COLOURS, TEXT_WIDTH, default_section_title, render_issue

WEB_URL = "https://leercirkels.example/nieuwsbrief/archief/12"
LONG_URL = "https://leercirkels.example/werkpakketten/7/een-heel-lange-naam-die-niet-op-een-regel-past-en-ook-niet-mag-breken"

SNAPSHOT = {
    "number": 12,
    "issue_date": "2026-03-26",
    "subject": "Nieuwsbrief 12: werven zonder drempels",
    "intro": ("Beste lezer,\n\nDeze keer veel **nieuwe werkpakketten** en twee regionale bijeenkomsten. "
              "Lees ook [het verslag van de landelijke dag](https://leercirkels.example/verslagen/4).\n\n"
              "#### Tip van de redactie\n\nKijk in de agenda van uw regio."),
    "sections": [
        {"id": 1, "kind": "packages", "title": "", "sectors": [], "regions": [], "items": [
            {"kind": "package", "object_id": 3, "title": "Werkpakket inclusief werven",
             "teaser": "Vacatureteksten die iedereen begrijpt, met voorbeelden uit drie gemeenten.",
             "url": "https://leercirkels.example/werkpakketten/3", "starts_at": None, "location": "",
             "language": "nl", "changed": False},
            {"kind": "package", "object_id": 7, "title": "Jobcarving in het onderwijs",
             "teaser": "Taken herverdelen zodat er passend werk ontstaat.",
             "url": LONG_URL, "starts_at": None, "location": "", "language": "nl", "changed": True},
        ]},
        {"id": 2, "kind": "cases", "title": "", "sectors": [], "regions": [], "items": [
            {"kind": "case", "object_id": 9, "title": "Gemeente Zwolle: tien nieuwe collega's",
             "teaser": "Hoe een team de begeleiding regelde.", "url": "https://leercirkels.example/voorbeelden/9",
             "starts_at": None, "location": "", "language": "nl", "changed": False},
        ]},
        {"id": 3, "kind": "summaries", "title": "", "sectors": [], "regions": [], "items": []},
        {"id": 4, "kind": "meetings", "title": "", "sectors": [], "regions": [], "items": [
            {"kind": "meeting", "object_id": 21, "title": "Regiobijeenkomst Utrecht",
             "teaser": "Ervaringen delen over werkplekaanpassingen.",
             "url": "https://leercirkels.example/bijeenkomsten/21",
             "starts_at": "2026-03-28T09:00:00+00:00", "location": "Stadhuis Utrecht", "language": "nl",
             "changed": False},
            {"kind": "meeting", "object_id": 22, "title": "Regiobijeenkomst Zwolle", "teaser": "",
             "url": "https://leercirkels.example/bijeenkomsten/22",
             "starts_at": "2026-03-29T08:00:00+00:00", "location": "Provinciehuis", "language": "nl",
             "changed": False},
        ]},
        {"id": 5, "kind": "news", "title": "", "sectors": [], "regions": [], "items": [
            {"kind": "news", "object_id": 30, "title": "Inclusive hiring toolkit published",
             "teaser": "A toolkit for universities.", "url": "https://example.org/toolkit",
             "starts_at": None, "location": "", "language": "en", "changed": False},
        ]},
        {"id": 6, "kind": "custom", "title": "Alleen voor Groningen", "sectors": [], "regions": ["AM01"], "items": [
            {"kind": "news", "object_id": 31, "title": "Banenmarkt Groningen",
             "teaser": "Werkgevers in de regio zoeken kandidaten.", "url": "https://example.org/groningen",
             "starts_at": None, "location": "", "language": "nl", "changed": False},
        ]},
    ],
}


def render(snapshot=SNAPSHOT, language="nl", **kwargs):
    kwargs.setdefault("web_url", WEB_URL)
    kwargs.setdefault("unsubscribe_url", "[[unsubscribe_url]]")
    kwargs.setdefault("preferences_url", "[[preferences_url]]")
    return render_issue(snapshot, language, **kwargs)


class Outline(HTMLParser):
    """The parts of the HTML a reader (or a screen reader) meets: headings, item links, lang attributes."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.items: list[tuple[str, str]] = []  # (title, url) of the links in h3 headings
        self.links: list[tuple[str, str]] = []
        self.lang_of: dict[str, str] = {}  # text -> the nearest lang attribute
        self._stack: list[tuple[str, str | None]] = []
        self._heading = None
        self._link = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("br", "meta"):
            self._stack.append((tag, attrs.get("lang")))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag, ""]
        if tag == "a":
            self._link = [attrs["href"], ""]

    def handle_endtag(self, tag):
        while self._stack and self._stack.pop()[0] != tag:
            pass
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append((self._heading[0], self._heading[1].strip()))
            self._heading = None
        if tag == "a":
            self.links.append((self._link[1].strip(), self._link[0]))
            if self._heading and self._heading[0] == "h3":
                self.items.append((self._link[1].strip(), self._link[0]))
            self._link = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data
        if self._link:
            self._link[1] += data
        if data.strip():
            lang = next((lang for _tag, lang in reversed(self._stack) if lang), None)
            self.lang_of[data.strip()] = lang


def text_items(text: str) -> list[tuple[str, str]]:
    """(title, url) per item in the plain text: a block that starts with the title and ends with its URL."""
    items = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        if len(lines) >= 2 and lines[-1].startswith("https://") and lines[-1] != WEB_URL:
            items.append((re.sub(r" \((bijgewerkt|updated)\)$", "", lines[0]), lines[-1]))
    return items


@pytest.mark.parametrize("language", ["nl", "en"])
def test_rendered_issue_passes_every_html_check(app, language):
    rendered = render(language=language)
    assert check_html(rendered.html, rendered.text) == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_text_and_html_show_the_same_items_in_the_same_order(app, language):
    rendered = render(language=language)
    expected = [(item["title"], item["url"]) for section in SNAPSHOT["sections"] for item in section["items"]]
    assert Outline(rendered.html).items == expected
    assert text_items(rendered.text) == expected


def test_headings_follow_the_outline_of_the_issue(app):
    headings = Outline(render().html).headings
    assert headings[0] == ("h1", "Nieuwsbrief 12: werven zonder drempels")
    # The intro's "####" comes right after the h1, so it becomes an h2.
    assert ("h2", "Tip van de redactie") in headings
    assert [text for tag, text in headings if tag == "h2"][1:] == [
        "Nieuwe werkpakketten", "Goede voorbeelden", "Regionale bijeenkomsten in de komende weken",
        "Nieuws en initiatieven", "Alleen voor Groningen"]


def test_a_section_without_items_is_left_out(app):
    rendered = render()
    assert "Verslagen van bijeenkomsten" not in rendered.html
    assert "Verslagen van bijeenkomsten" not in rendered.text


def test_section_filter_leaves_out_the_targeted_section(app):
    everyone = {1, 2, 3, 4, 5}
    rendered = render(section_ids=everyone)
    for part in (rendered.html, rendered.text):
        assert "Alleen voor Groningen" not in part
        assert "Banenmarkt Groningen" not in part
        assert "Werkpakket inclusief werven" in part
    assert "Banenmarkt Groningen" in render(section_ids=everyone | {6}).html


def test_a_changed_item_says_so_in_words(app):
    rendered = render()
    assert re.search(r"Jobcarving in het onderwijs</a> <span[^>]*>Bijgewerkt</span>", rendered.html)
    assert rendered.html.count(">Bijgewerkt<") == 1
    assert "Jobcarving in het onderwijs (bijgewerkt)\n" in rendered.text
    assert rendered.text.count("(bijgewerkt)") == 1


def test_meetings_are_shown_in_amsterdam_time_across_the_change_to_summer_time(app):
    rendered = render()
    # 09:00 UTC on the last Saturday of winter time and 08:00 UTC on the first day of summer time:
    # both at 10:00 in Amsterdam.
    for part in (rendered.html, rendered.text):
        assert "Wanneer: zaterdag 28 maart 2026, 10:00" in part
        assert "Wanneer: zondag 29 maart 2026, 10:00" in part
    assert "Waar: Stadhuis Utrecht" in rendered.text
    assert "Waar: Provinciehuis" in rendered.html
    english = render(language="en")
    assert "Sunday 29 March 2026, 10:00" in english.html
    assert "Sunday 29 March 2026, 10:00" in english.text


def test_english_rendering_has_english_chrome(app):
    rendered = render(language="en")
    assert '<html lang="en">' in rendered.html
    headings = [text for tag, text in Outline(rendered.html).headings if tag == "h2"]
    assert headings[1:] == ["New work packages", "Good-practice cases", "Regional meetings in the coming weeks",
                            "News and initiatives", "Alleen voor Groningen"]
    for part in (rendered.html, rendered.text):
        assert "View this newsletter in your browser" in part
        assert "Unsubscribe from this newsletter" in part
        assert "Change your language and interests for the newsletter" in part
        assert "When: Saturday 28 March 2026, 10:00" in part
        assert "Bekijk deze nieuwsbrief" not in part
    assert "(updated)" in rendered.text
    assert ">Updated<" in rendered.html


def test_content_in_another_language_is_marked_with_lang(app):
    dutch = Outline(render(language="nl").html)
    assert dutch.lang_of["Inclusive hiring toolkit published"] == "en"
    assert dutch.lang_of["A toolkit for universities."] == "en"
    assert dutch.lang_of["Werkpakket inclusief werven"] == "nl"  # inherited from <html>
    assert dutch.lang_of["Nieuwe werkpakketten"] == "nl"

    english = Outline(render(language="en").html)
    # The editor's Dutch subject, intro and own section title, and the Dutch items, in an English e-mail.
    assert english.lang_of["Nieuwsbrief 12: werven zonder drempels"] == "nl"
    assert english.lang_of["Beste lezer,"] == "nl"
    assert english.lang_of["Alleen voor Groningen"] == "nl"
    assert english.lang_of["Werkpakket inclusief werven"] == "nl"
    assert english.lang_of["Inclusive hiring toolkit published"] == "en"


def test_recipient_placeholders_survive_unchanged(app):
    rendered = render()
    links = dict(Outline(rendered.html).links)
    assert links["Afmelden voor deze nieuwsbrief"] == "[[unsubscribe_url]]"
    assert links["Uw taal en interesses voor de nieuwsbrief aanpassen"] == "[[preferences_url]]"
    assert links["Bekijk deze nieuwsbrief in uw browser"] == WEB_URL
    assert "\n[[unsubscribe_url]]\n" in rendered.text
    assert "\n[[preferences_url]]\n" in rendered.text
    assert f"\n{WEB_URL}\n" in rendered.text


def test_real_links_are_escaped_but_work(app):
    snapshot = copy.deepcopy(SNAPSHOT)
    snapshot["sections"][0]["items"][0]["url"] = "https://leercirkels.example/zoek?q=werven&sector=po"
    snapshot["sections"][0]["items"][0]["title"] = "Werven <en> selecteren"
    rendered = render(snapshot)
    assert ("Werven <en> selecteren", "https://leercirkels.example/zoek?q=werven&sector=po") in \
        Outline(rendered.html).items
    assert "Werven &lt;en&gt; selecteren" in rendered.html
    assert "https://leercirkels.example/zoek?q=werven&sector=po\n" in rendered.text


def test_markup_is_safe_for_mail_clients(app):
    html = render().html
    assert html.startswith("<!doctype html>")
    assert re.search(r"<title>Nieuwsbrief 12: werven zonder drempels</title>", html)
    assert re.search(r'<table role="presentation" width="600"[^>]*style="[^"]*max-width:600px', html)
    assert all('role="presentation"' in tag for tag in re.findall(r"<table[^>]*>", html))
    for forbidden in ("<style", "<script", " class=", "<img", "<link", "<iframe", "<form"):
        assert forbidden not in html
    # Every element that shows text has its font and colour on it (clients drop inherited styles).
    for tag in re.findall(r"<(?:p|h[1-6]|li|ul)\b[^>]*>", html):
        assert "font-family:" in tag and "color:" in tag, tag


def test_colours_have_enough_contrast(app):
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for foreground, background in COLOUR_PAIRS:
        light, dark = sorted((luminance(COLOURS[foreground]), luminance(COLOURS[background])), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (foreground, background)


def test_plain_text_is_wrapped_without_breaking_urls(app):
    snapshot = copy.deepcopy(SNAPSHOT)
    snapshot["sections"][0]["items"][0]["teaser"] = "Een teaser die veel langer is dan één regel. " * 6
    text = render(snapshot).text
    assert f"\n{LONG_URL}\n" in text
    for line in text.splitlines():
        assert len(line) <= TEXT_WIDTH or " " not in line, line
    assert text.index("Nieuwsbrief 12: werven zonder drempels") == 0
    assert "**nieuwe werkpakketten**" in text  # the intro stays readable Markdown


def test_intro_markdown_is_sanitised_and_styled(app):
    snapshot = copy.deepcopy(SNAPSHOT)
    snapshot["intro"] = "Hallo <script>alert(1)</script>\n\n- een\n- twee\n\n# Kop\n\n###### Diep"
    html = render(snapshot).html
    assert "<script" not in html
    assert re.search(r'<ul style="[^"]+">', html)
    assert re.search(r'<li style="[^"]+">een</li>', html)
    headings = Outline(html).headings
    assert headings[:3] == [("h1", "Nieuwsbrief 12: werven zonder drempels"), ("h2", "Kop"), ("h3", "Diep")]
    rendered = render(snapshot)
    assert check_html(rendered.html, rendered.text) == []


def test_subject_and_section_titles_have_defaults(app):
    snapshot = copy.deepcopy(SNAPSHOT)
    snapshot["subject"] = ""
    snapshot["intro"] = ""
    rendered = render(snapshot)
    assert rendered.subject == "Nieuwsbrief 12"
    assert Outline(rendered.html).headings[0] == ("h1", "Nieuwsbrief 12")
    assert str(default_section_title("summaries")) == "Verslagen van bijeenkomsten"
    assert str(default_section_title("custom")) == "Meer"
    assert str(default_section_title("packages")) == "Nieuwe werkpakketten"


def test_twenty_items_stay_well_below_the_gmail_limit(app):
    snapshot = copy.deepcopy(SNAPSHOT)
    template = snapshot["sections"][0]["items"][0]
    snapshot["sections"][0]["items"] = [
        {**template, "object_id": n, "title": f"Werkpakket {n}: {'inclusief werven ' * 4}",
         "teaser": "Een teaser van flinke lengte, zoals redacteuren die schrijven. " * 5,
         "url": f"https://leercirkels.example/werkpakketten/{n}"}
        for n in range(20)]
    rendered = render(snapshot)
    assert len(rendered.html.encode()) + len(rendered.text.encode()) < 100 * 1024
    assert check_html(rendered.html, rendered.text) == []
    assert len(Outline(rendered.html).items) == 20 + 5  # and the five items of the other sections
