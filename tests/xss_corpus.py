"""A corpus of stored-XSS payloads, for any suite that saves user text and looks at where it shows.

``PAYLOADS`` holds short strings (at most ``MAX_LENGTH`` characters, so that one fits a name or a title field).
Payload number ``n`` (counted from 1, ``PAYLOADS[n - 1]``):

* sets ``window.__xss = n`` if it ever EXECUTES (an event handler, a script, a ``javascript:`` address that
  is followed), so a test can tell that something ran, and which payload it was;
* carries the marker text ``marker(n)`` (``MK01`` ... ``MK99``; no marker is part of another), which stays
  readable whether the text is shown escaped (plain text) or sanitised (Markdown), so a test can tell the
  text was not silently lost.

None of them holds a character the forms refuse (C0 control characters other than tab, newline and carriage
return), so every payload reaches the database; obfuscation with control characters is spelled as HTML
entities (``&#x09;``, ``&#14;``) or uses the tab and newline that the forms accept.

``KINDS`` says what each payload tries, for readable test output (``describe(n)``).
"""

import base64

#: The longest payload: fits a field of 120 characters (a person's name, a job title).
MAX_LENGTH = 120


def marker(n: int) -> str:
    """The visible marker text of payload number ``n`` (1-based)."""
    return f"MK{n:02d}"


#: (kind, template): ``§N`` becomes the payload's number, ``§M`` its marker, ``§B`` a base64 script setting it.
_TEMPLATES: list[tuple[str, str]] = [
    # --- script tags: plain, mixed case, split, nested, unclosed, odd whitespace ---
    ("script", "<script>window.__xss=§N</script>§M"),
    ("script mixed case", "<ScRiPt>window.__xss=§N</sCrIpT>§M"),
    ("script split", "<scr<script>ipt>window.__xss=§N</scr</script>ipt>§M"),
    ("script nested", "<<script>script>window.__xss=§N<</script>/script>§M"),
    ("script unclosed", "§M<script>window.__xss=§N//"),
    ("script newline in tag", "<script\n>window.__xss=§N</script\n>§M"),
    ("script with data: src", '<script src="data:text/javascript,window.__xss=§N"></script>§M'),
    ("script breaking out of script", "</script><script>window.__xss=§N</script>§M"),
    # --- event handlers ---
    ("img onerror", '<img src=x onerror="window.__xss=§N">§M'),
    ("img onerror, marker in alt", '<img src=x onerror=window.__xss=§N alt="§M">'),
    ("img onerror mixed case", "<IMG SRC=x OnErRoR=window.__xss=§N>§M"),
    ("img with slashes for spaces", "<img/src=x/onerror=window.__xss=§N>§M"),
    ("body onload", '<body onload="window.__xss=§N">§M'),
    ("input onfocus autofocus", '<input autofocus onfocus="window.__xss=§N" value="§M">'),
    ("div onmouseover", '<div onmouseover="window.__xss=§N">§M</div>'),
    ("details ontoggle", '<details open ontoggle="window.__xss=§N"><summary>§M</summary></details>'),
    ("video source onerror", '<video><source onerror="window.__xss=§N"></video>§M'),
    ("video onerror", '<video src=x onerror="window.__xss=§N">§M</video>'),
    ("audio onerror", "<audio src=x onerror=window.__xss=§N>§M"),
    ("select onfocus autofocus", "<select autofocus onfocus=window.__xss=§N><option>§M</select>"),
    # --- javascript: and data: addresses, in HTML and in Markdown ---
    ("a href javascript:", '<a href="javascript:window.__xss=§N">§M</a>'),
    ("markdown link javascript:", "[§M](javascript:window.__xss=§N)"),
    ("markdown link mixed-case scheme", "[§M](JaVaScRiPt:window.__xss=§N)"),
    ("markdown link tab entity in scheme", "[§M](jav&#x09;ascript:window.__xss=§N)"),
    ("markdown link real tab in scheme", "[§M](<jav\tascript:window.__xss=§N>)"),
    ("markdown link decimal entity", "[§M](&#106;avascript:window.__xss=§N)"),
    ("markdown link hex entities", "[§M](&#x6A;&#x61;vascript&#x3A;window.__xss=§N)"),
    ("markdown link &colon;", "[§M](javascript&colon;window.__xss=§N)"),
    ("markdown link in angle brackets", "[§M](<javascript:window.__xss=§N>)"),
    ("markdown link vbscript:", "[§M](vbscript:window.__xss=§N)"),
    ("markdown image javascript:", "![§M](javascript:window.__xss=§N)"),
    ("markdown image title breakout", '![x](x "x\\" onerror=\\"window.__xss=§N") §M'),
    ("markdown reference link", "[§M][r§N]\n\n[r§N]: javascript:window.__xss=§N"),
    ("markdown autolink javascript:", "<javascript:window.__xss=§N> §M"),
    ("markdown link data:", "[§M](data:text/html;base64,§B)"),
    ("a href data:", '<a href="data:text/html,<script>window.__xss=§N</script>">§M</a>'),
    ("a href entity-obfuscated", '<a href="jav&#x09;ascript:window.__xss=§N">§M</a>'),
    ("a href leading control entity", '<a href=" &#14; javascript:window.__xss=§N">§M</a>'),
    ("markdown link URL breakout", '[§M](https://example.org/"onmouseover="window.__xss=§N)'),
    ("markdown link title breakout", '[§M](https://example.org "t\\" onmouseover=\\"window.__xss=§N")'),
    ("markdown autolink breakout", '<https://example.org/"onmouseover="window.__xss=§N> §M'),
    # --- SVG and MathML ---
    ("svg onload", '<svg onload="window.__xss=§N"><title>§M</title></svg>'),
    ("svg script", "<svg><script>window.__xss=§N</script><text>§M</text></svg>"),
    ("svg a xlink:href", '<svg><a xlink:href="javascript:window.__xss=§N"><text y="20">§M</text></a></svg>'),
    ("svg animate onbegin", "<svg><animate onbegin=window.__xss=§N attributeName=x dur=1s>§M"),
    ("svg style mutation", "<svg><style><img src=x onerror=window.__xss=§N></style>§M"),
    ("mathml mutation", "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=§N>§M"),
    # --- broken markup, attribute and element breakouts ---
    ("breakout double quote", '"><script>window.__xss=§N</script>§M'),
    ("breakout single quote", "'><img src=x onerror=window.__xss=§N>§M"),
    ("breakout textarea", "</textarea><script>window.__xss=§N</script>§M"),
    ("breakout title", "</title><script>window.__xss=§N</script>§M"),
    ("breakout comment", "--><script>window.__xss=§N</script>§M"),
    ("breakout into attribute", '" autofocus onfocus="window.__xss=§N" x="§M'),
    ("breakout into single-quoted attribute", "' onmouseover='window.__xss=§N' x='§M"),
    ("unclosed attribute quote", '<img src="x onerror=window.__xss=§N §M'),
    ("comment confusion", '<!--<img src="--><img src=x onerror=window.__xss=§N//">§M'),
    ("noscript confusion", '<noscript><p title="</noscript><img src=x onerror=window.__xss=§N>">§M'),
    # --- frames, plugins, base, refresh, forms ---
    ("iframe javascript:", '<iframe src="javascript:parent.__xss=§N"></iframe>§M'),
    ("iframe srcdoc", '<iframe srcdoc="<script>parent.__xss=§N</script>"></iframe>§M'),
    ("iframe onload", '<iframe onload="window.__xss=§N">§M</iframe>'),
    ("object javascript:", '<object data="javascript:window.__xss=§N">§M</object>'),
    ("embed javascript:", '<embed src="javascript:window.__xss=§N">§M'),
    ("base href", '<base href="javascript:window.__xss=§N//">§M'),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=§N">§M'),
    ("form action", '<form action="javascript:window.__xss=§N"><button>§M</button></form>'),
    ("button formaction", '<button formaction="javascript:window.__xss=§N">§M</button>'),
    # --- template-injection look-alikes ---
    ("jinja expression", "{{7*7}} §M {{ config }}"),
    ("jinja raw block", "{% raw %}§M{% endraw %}{{ ''.__class__ }}"),
    ("other template syntaxes", "${7*7} #{7*7} <%= 7*7 %> §M"),
    # --- unicode look-alikes, invisible characters, direction overrides ---
    ("fullwidth brackets", "\uff1cscript\uff1ewindow.__xss=§N\uff1c/script\uff1e§M"),
    ("right-to-left override", "\u202e>tpircs/<§N=ssx__.wodniw>tpircs<\u202c §M"),
    ("fullwidth scheme", "[§M](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:window.__xss=§N)"),
    ("zero-width space in tag", "<scr\u200bipt>window.__xss=§N</scr\u200bipt>§M"),
    ("zero-width joiner in scheme", "[§M](java\u200dscript:window.__xss=§N)"),
    ("line separator before script", "\u2028<script>window.__xss=§N</script>\u2029§M"),
    # --- CSS injection ---
    ("style element url(javascript:)", '<style>body{background:url("javascript:window.__xss=§N")}</style>§M'),
    ("style attribute url(javascript:)", '<p style="background:url(javascript:window.__xss=§N)">§M</p>'),
    ("style attribute expression()", '<div style="width:expression(window.__xss=§N)">§M</div>'),
    ("style closing then script", "</style><script>window.__xss=§N</script>§M"),
    ("stylesheet link javascript:", '<link rel=stylesheet href="javascript:window.__xss=§N">§M'),
    # --- encoded and double-encoded ---
    ("HTML-encoded script", "&lt;script&gt;window.__xss=§N&lt;/script&gt;§M"),
    ("double-encoded img", "&amp;lt;img src=x onerror=window.__xss=§N&amp;gt;§M"),
    ("numeric-entity img", "&#60;img src=x onerror=window.__xss=§N&#62;§M"),
    ("URL-encoded script", "%3Cscript%3Ewindow.__xss=§N%3C/script%3E§M"),
    ("JavaScript-escaped script", "\\u003cscript\\u003ewindow.__xss=§N\\u003c/script\\u003e§M"),
    # --- Markdown HTML blocks and inline HTML ---
    ("markdown HTML block", "<div>\n\n<script>window.__xss=§N</script>\n\n</div>\n\n§M"),
    ("markdown details block", "<details>\n<summary>§M</summary>\n\n<img src=x onerror=window.__xss=§N>\n</details>"),
    ("markdown code span", "`<script>window.__xss=§N</script>` §M"),
    ("markdown emphasis around HTML", "**<img src=x onerror=window.__xss=§N>** _§M_"),
    ("markdown table with HTML", "| §M |\n| --- |\n| <img src=x onerror=window.__xss=§N> |"),
]



def _fill(n: int, template: str) -> str:
    script = base64.b64encode(f"<script>window.__xss={n}</script>".encode()).decode()
    return template.replace("§B", script).replace("§N", str(n)).replace("§M", marker(n))


PAYLOADS: list[str] = [_fill(n, template) for n, (_kind, template) in enumerate(_TEMPLATES, 1)]
KINDS: list[str] = [kind for kind, _template in _TEMPLATES]


#: Addresses for web-address fields (a website, an online meeting link, a news link): each is a full http(s)
#: address that a form accepts, but it tries to break out of the attribute or element it is shown in.
#: They set ``window.__xss`` to 901 and up.
URL_PAYLOADS: list[str] = [
    'https://example.org/"><img src=x onerror=window.__xss=901>',
    "https://example.org/'onmouseover='window.__xss=902'",
    "https://example.org/#\"><svg onload=window.__xss=903>",
    "https://example.org/?q=</a><script>window.__xss=904</script>",
]

#: Addresses that no web-address field may accept: not http(s), or no host.
REFUSED_URLS: list[str] = [
    "javascript:window.__xss=911//https://example.org",
    "JaVaScRiPt://example.org/%0Awindow.__xss=912",
    " javascript:window.__xss=913",
    "java\tscript:window.__xss=914",
    "data:text/html,<script>window.__xss=915</script>",
    "vbscript:window.__xss=916",
    "//example.org/\"><script>window.__xss=917</script>",
    "https:window.__xss=918",
]


def describe(n: int) -> str:
    """``payload 7 (script with data: src): '<script src=...'``, for failure messages."""
    return f"payload {n} ({KINDS[n - 1]}): {PAYLOADS[n - 1]!r}"


assert len(PAYLOADS) == len(set(PAYLOADS)) >= 60
assert all(len(p) <= MAX_LENGTH for p in PAYLOADS), [p for p in PAYLOADS if len(p) > MAX_LENGTH]
assert all(marker(n) in p for n, p in enumerate(PAYLOADS, 1))
