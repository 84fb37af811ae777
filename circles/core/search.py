"""Full-text search behind one interface: SQLite FTS5 on SQLite, PostgreSQL full-text search on PostgreSQL.

Core knows no feature: a document is a ``(doc_type, doc_id)`` pair with a title and a body, and a feature
indexes its own objects (``index``/``remove``) and joins ``matches(...)`` to its own table.

Both engines see the same text: index and query go through ``fold`` (lower case, accents removed) and are
cut into the same words here, joined by single spaces. So "conciërge" finds "Conciërgerie" on either
database, and neither engine's query syntax ever sees what a user typed: a query becomes a list of plain
letter-and-digit words, each searched as a prefix, all of them required.

Storage is the table ``search_documents``, made by ``create_schema`` (wired to ``db.create_all``) and by the
migrations; it is not in ``db.metadata`` (an FTS5 table is not an ordinary table), so Alembic's
autogenerate is told to leave it alone with ``include_name``.
"""

import re
import unicodedata

import sqlalchemy as sa

from circles.core.db import db
from circles.core.dialect import is_postgresql

TABLE = "search_documents"
#: SQLite only: each document's FTS5 rowid by (doc_type, doc_id). FTS5 cannot index its UNINDEXED columns, so
#: without this table replacing or removing one document reads the whole index (seconds at 50,000 documents).
KEYS = TABLE + "_keys"
#: Words longer than this are not indexed (nobody types them; PostgreSQL refuses words over 2047 characters);
#: a longer query word is cut to this length.
MAX_WORD = 100
#: At most this many words of a query are used: the rest of a pasted essay adds nothing but cost.
MAX_QUERY_WORDS = 20
#: At most this much of a body is indexed (PostgreSQL's tsvector holds at most 1 MB).
MAX_BODY = 200_000
#: How much a title match weighs against a body match (SQLite's bm25 column weights; PostgreSQL's
#: ts_rank gives weight A 1.0 and weight B 0.4).
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0

#: A run of letters and digits (underscore excluded: both engines split on it).
_WORD = re.compile(r"[^\W_]+")

_documents = sa.table(
    TABLE,
    sa.column("doc_type", sa.String),
    sa.column("doc_id", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("body", sa.Text),
    sa.column("document"),
)


def fold(text: str) -> str:
    """Lower case without accents: ``fold("Conciërge") == fold("concierge") == "concierge"``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The searchable words of ``text``, folded, in order."""
    return _WORD.findall(fold(text))


def _index_text(text: str) -> str:
    return " ".join(w for w in words((text or "")[:MAX_BODY]) if len(w) <= MAX_WORD)


def _query_words(query: str) -> list[str]:
    """Distinct folded words of a query, each cut to MAX_WORD, at most MAX_QUERY_WORDS of them."""
    seen: dict[str, None] = {}
    for word in words((query or "")[: MAX_QUERY_WORDS * (MAX_WORD + 1) * 4]):
        seen.setdefault(word[:MAX_WORD])
        if len(seen) == MAX_QUERY_WORDS:
            break
    return list(seen)


# --- schema ------------------------------------------------------------------------------------------

def create_schema(connection) -> None:
    """Create the search table (and its index) if it is not there yet. The migrations call it too."""
    if is_postgresql(connection):
        connection.execute(sa.text(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            " doc_type VARCHAR(40) NOT NULL,"
            " doc_id INTEGER NOT NULL,"
            " title TEXT NOT NULL DEFAULT '',"
            " body TEXT NOT NULL DEFAULT '',"
            " document TSVECTOR NOT NULL,"
            f" CONSTRAINT pk_{TABLE} PRIMARY KEY (doc_type, doc_id))"))
        connection.execute(sa.text(
            f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_document ON {TABLE} USING GIN (document)"))
    else:
        # prefix='2 3': prefix queries of two and three letters (the common case) read a ready index.
        connection.execute(sa.text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            " doc_type UNINDEXED, doc_id UNINDEXED, title, body,"
            " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"))
        connection.execute(sa.text(
            f"CREATE TABLE IF NOT EXISTS {KEYS} ("
            " id INTEGER PRIMARY KEY, doc_type VARCHAR(40) NOT NULL, doc_id INTEGER NOT NULL,"
            f" CONSTRAINT uq_{KEYS} UNIQUE (doc_type, doc_id))"))


def drop_schema(connection) -> None:
    """Drop the search table (an FTS5 table takes its shadow tables with it)."""
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {TABLE}"))
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {KEYS}"))


def include_name(name, type_, parent_names) -> bool:
    """For Alembic (``include_name``): leave the search table and FTS5's shadow tables out of comparisons."""
    return not (type_ == "table" and bool(name) and (name == TABLE or name.startswith(TABLE + "_")))


sa.event.listen(db.metadata, "after_create", lambda target, connection, **kw: create_schema(connection))
sa.event.listen(db.metadata, "before_drop", lambda target, connection, **kw: drop_schema(connection))


# --- writing -----------------------------------------------------------------------------------------

def index(doc_type: str, doc_id: int, title: str, body: str) -> None:
    """Add the document, or replace it, in the current session's transaction."""
    params = {"doc_type": doc_type, "doc_id": int(doc_id), "title": _index_text(title), "body": _index_text(body)}
    if is_postgresql(db.session.get_bind()):
        db.session.execute(sa.text(
            f"INSERT INTO {TABLE} (doc_type, doc_id, title, body, document) VALUES (:doc_type, :doc_id, :title, :body,"
            " setweight(to_tsvector('simple', CAST(:title AS TEXT)), 'A')"
            " || setweight(to_tsvector('simple', CAST(:body AS TEXT)), 'B'))"
            " ON CONFLICT (doc_type, doc_id) DO UPDATE"
            " SET title = EXCLUDED.title, body = EXCLUDED.body, document = EXCLUDED.document"), params)
    else:
        # FTS5 has no unique key to upsert on: the keys table gives the document a fixed rowid, and the old
        # text under that rowid is deleted before the new text goes in.
        key = {"doc_type": doc_type, "doc_id": int(doc_id)}
        db.session.execute(sa.text(f"INSERT INTO {KEYS} (doc_type, doc_id) VALUES (:doc_type, :doc_id)"
                                   " ON CONFLICT (doc_type, doc_id) DO NOTHING"), key)
        rowid = _rowid(key)
        db.session.execute(sa.text(f"DELETE FROM {TABLE} WHERE rowid = :rowid"), {"rowid": rowid})
        db.session.execute(sa.text(
            f"INSERT INTO {TABLE} (rowid, doc_type, doc_id, title, body)"
            " VALUES (:rowid, :doc_type, :doc_id, :title, :body)"), {**params, "rowid": rowid})


def _rowid(key: dict) -> int | None:
    return db.session.scalar(sa.text(f"SELECT id FROM {KEYS} WHERE doc_type = :doc_type AND doc_id = :doc_id"), key)


def remove(doc_type: str, doc_id: int) -> None:
    """Take the document out of the index (nothing happens when it is not there)."""
    key = {"doc_type": doc_type, "doc_id": int(doc_id)}
    if is_postgresql(db.session.get_bind()):
        db.session.execute(sa.text(f"DELETE FROM {TABLE} WHERE doc_type = :doc_type AND doc_id = :doc_id"), key)
        return
    rowid = _rowid(key)
    if rowid is not None:
        db.session.execute(sa.text(f"DELETE FROM {TABLE} WHERE rowid = :rowid"), {"rowid": rowid})
        db.session.execute(sa.text(f"DELETE FROM {KEYS} WHERE id = :rowid"), {"rowid": rowid})


# --- searching ---------------------------------------------------------------------------------------

def matches(doc_types: str | list[str], query: str) -> sa.Select | None:
    """The documents of ``doc_types`` that hold every word of ``query`` (each as a prefix): a select of
    ``doc_type``, ``doc_id`` and ``rank`` (higher is more relevant). None when the query has no word.

    Use it as a subquery: ``m = matches("package", q).subquery()``, join ``m.c.doc_id`` to the feature's
    id and order by ``m.c.rank.desc()``."""
    terms = _query_words(query)
    if not terms:
        return None
    types = [doc_types] if isinstance(doc_types, str) else list(doc_types)
    t = _documents
    if is_postgresql():
        # Every term is letters and digits only, so the tsquery syntax never sees an operator from the user;
        # the string still goes in as a bind parameter.
        tsquery = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"),
                                     sa.bindparam("search_query", " & ".join(f"{w}:*" for w in terms),
                                                  type_=sa.Text, unique=True))
        rank = sa.func.ts_rank(t.c.document, tsquery, type_=sa.Float)
        condition = t.c.document.op("@@")(tsquery)
    else:
        # Quoted strings: FTS5 reads AND/OR/NOT/NEAR, columns and stars only outside quotes.
        fts_query = " AND ".join(f'"{w}"*' for w in terms)
        table = sa.literal_column(TABLE)
        rank = -sa.func.bm25(table, 0.0, 0.0, TITLE_WEIGHT, BODY_WEIGHT, type_=sa.Float)
        condition = table.op("MATCH")(sa.bindparam("search_query", fts_query, type_=sa.Text, unique=True))
    return (sa.select(t.c.doc_type, t.c.doc_id, sa.type_coerce(rank, sa.Float).label("rank"))
            .select_from(t)
            .where(condition, t.c.doc_type.in_(types)))
