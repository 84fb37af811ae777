"""Small text helpers shared by features."""

import re
import unicodedata


def slugify(text: str, fallback: str, max_length: int = 100) -> str:
    """ASCII, lower case, words joined by hyphens: 'Gemeente Súdwest-Fryslân' -> 'gemeente-sudwest-fryslan'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:max_length] or fallback
