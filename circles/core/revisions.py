"""Revisions: every save of an editable text (minutes, work packages, cases) is kept with who and when;
a readable diff between two; restore; and a stale edit is refused instead of overwriting.

A record keeps the number of its latest revision. An edit form carries the number it started from;
``save`` refuses it when someone saved in between (StaleEdit), so the second editor keeps their text.
"""

import difflib
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circles.core.db import UTCDateTime, db, utcnow


class Revision(db.Model):
    __tablename__ = "revisions"
    __table_args__ = (sa.UniqueConstraint("object_type", "object_id", "number", name="uq_revisions_object_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "contribution"})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The saved fields, e.g. {"body": "..."}.
    content: Mapped[dict] = mapped_column(sa.JSON)
    #: A code, translated when shown (see ``note_text``): "published", "restored:<number>",
    #: "copied:<source id>:<source revision>", or "".
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    author = relationship("User", foreign_keys=[author_id])


class StaleEdit(Exception):
    """Someone saved in between; ``latest`` is their revision."""

    def __init__(self, latest: "Revision"):
        super().__init__("stale edit")
        self.latest = latest


def latest(object_type: str, object_id: int) -> Revision | None:
    return db.session.scalar(sa.select(Revision).where(Revision.object_type == object_type,
                                                       Revision.object_id == object_id)
                             .order_by(Revision.number.desc()).limit(1))


def save(object_type: str, object_id: int, content: dict, *, author, based_on: int, note: str = "") -> Revision:
    """Add revision ``based_on + 1``; StaleEdit when the latest revision is not ``based_on``.

    The unique (object, number) constraint also stops two saves that race past the check: the
    loser's commit fails and its caller reports the same conflict.
    """
    current = latest(object_type, object_id)
    current_number = current.number if current else 0
    if current_number != based_on:
        raise StaleEdit(current)
    revision = Revision(object_type=object_type, object_id=object_id, number=based_on + 1, content=content,
                        author_id=getattr(author, "id", None), note=note)
    db.session.add(revision)
    return revision


def note_text(note: str) -> str:
    """A revision's note in the reader's language."""
    from flask_babel import gettext as _

    if note == "published":
        return _("gepubliceerd")
    if note.startswith("restored:"):
        return _("teruggezet naar versie %(number)s", number=note.partition(":")[2])
    if note.startswith("copied:"):
        _kind, source, number = (note.split(":") + ["", ""])[:3]
        return _("overgenomen van nummer %(source)s, versie %(number)s", source=source, number=number)
    return note


def history(object_type: str, object_id: int) -> list[Revision]:
    return list(db.session.scalars(
        sa.select(Revision).where(Revision.object_type == object_type, Revision.object_id == object_id)
        .order_by(Revision.number.desc())
    ))


def get(object_type: str, object_id: int, number: int) -> Revision | None:
    return db.session.scalar(sa.select(Revision).where(Revision.object_type == object_type,
                                                       Revision.object_id == object_id, Revision.number == number))


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """Line by line: ("same" | "added" | "removed", text), for a readable diff in a page."""
    out = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            out.append(("same", text))
        elif tag == "+ ":
            out.append(("added", text))
        elif tag == "- ":
            out.append(("removed", text))
    return out


def diff_html(old: str, new: str) -> Markup:
    """The diff as an accessible list: additions and removals are marked with <ins>/<del> and words,
    not colour alone."""
    from flask_babel import gettext as _

    items = []
    for kind, text in diff_lines(old, new):
        text = escape(text) or Markup("&nbsp;")
        if kind == "added":
            items.append(Markup('<li class="diff__added"><ins><span class="visually-hidden">{}</span>{}</ins></li>')
                         .format(_("Toegevoegd:") + " ", text))
        elif kind == "removed":
            items.append(Markup('<li class="diff__removed"><del><span class="visually-hidden">{}</span>{}</del></li>')
                         .format(_("Verwijderd:") + " ", text))
        else:
            items.append(Markup('<li class="diff__same">{}</li>').format(text))
    return Markup('<ul class="diff">') + Markup("").join(items) + Markup("</ul>")
