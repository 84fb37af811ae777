"""Full-text search (circles.core.search): the same answers on SQLite (FTS5) and PostgreSQL, accents folded,
every word a prefix and all words required, titles weigh more, and no user input breaks it."""

import pytest
import sqlalchemy as sa

from circles.accounts.models import User
from circles.core import search
from circles.core.db import db


def found(query: str, doc_types="package") -> list[tuple[str, int]]:
    """(doc_type, doc_id) of the matches, most relevant first."""
    select = search.matches(doc_types, query)
    if select is None:
        return []
    m = select.subquery()
    rows = db.session.execute(sa.select(m.c.doc_type, m.c.doc_id).order_by(m.c.rank.desc(), m.c.doc_id))
    return [(row.doc_type, row.doc_id) for row in rows]


def ids(query: str, doc_types="package") -> list[int]:
    return [doc_id for _type, doc_id in found(query, doc_types)]


def count_rows() -> int:
    return db.session.scalar(sa.text(f"SELECT count(*) FROM {search.TABLE}"))


def test_fold_lowercases_and_removes_accents():
    assert search.fold("Conciërge") == search.fold("concierge") == "concierge"
    assert search.fold("CRÈCHE Één") == "creche een"
    assert search.fold("Súdwest-Fryslân") == "sudwest-fryslan"
    assert search.fold("") == ""


def test_accents_are_folded_both_ways(app):
    search.index("package", 1, "Conciërge op school", "")
    search.index("package", 2, "Concierge in het stadhuis", "")
    db.session.commit()
    assert sorted(ids("concierge")) == [1, 2]
    assert sorted(ids("conciërge")) == [1, 2]
    assert sorted(ids("CONCIËRGE")) == [1, 2]


def test_every_word_is_a_prefix(app):
    search.index("package", 1, "Medewerker post en archief", "Post sorteren en rondbrengen.")
    search.index("package", 2, "Conciërge", "Koffie zetten, kopiëren, vergaderzalen klaarzetten.")
    db.session.commit()
    assert ids("conci") == [2]
    assert ids("post archief") == [1]
    assert ids("arch") == [1]
    assert ids("kopier") == [2]
    assert ids("vergader") == [2]


def test_all_words_are_required(app):
    search.index("package", 1, "Medewerker post en archief", "")
    search.index("package", 2, "Medewerker schoonmaak", "")
    db.session.commit()
    assert sorted(ids("medewerker")) == [1, 2]
    assert ids("medewerker post") == [1]
    assert ids("post schoonmaak") == []
    assert ids("post nergens") == []


def test_a_title_match_ranks_above_a_body_only_match(app):
    search.index("package", 1, "Schoonmaak", "Ook wat post rondbrengen.")
    search.index("package", 2, "Post en archief", "Sorteren en archiveren.")
    search.index("package", 3, "Groen", "Het gras maaien.")
    db.session.commit()
    assert ids("post") == [2, 1]
    assert ids("archief") == [2]


def test_doc_types_keep_features_apart(app):
    search.index("package", 7, "Post en archief", "")
    search.index("case", 7, "Post en archief bij de gemeente", "")
    db.session.commit()
    assert found("post", "package") == [("package", 7)]
    assert found("post", "case") == [("case", 7)]
    assert sorted(found("post", ["package", "case"])) == [("case", 7), ("package", 7)]


def test_index_again_replaces_the_document(app):
    search.index("package", 1, "Post en archief", "Brieven sorteren")
    db.session.commit()
    search.index("package", 1, "Catering", "Lunch klaarzetten")
    db.session.commit()
    assert ids("post") == []
    assert ids("brieven") == []
    assert ids("lunch") == [1]
    assert count_rows() == 1


def test_remove_takes_the_document_out(app):
    search.index("package", 1, "Post en archief", "")
    search.index("package", 2, "Post bezorgen", "")
    db.session.commit()
    search.remove("package", 1)
    search.remove("package", 99)  # not indexed: nothing happens
    db.session.commit()
    assert ids("post") == [2]


def test_indexing_is_part_of_the_session_transaction(app):
    search.index("package", 1, "Post en archief", "")
    db.session.rollback()
    assert ids("post") == []
    assert count_rows() == 0


def test_a_query_without_words_gives_none(app):
    for query in ("", "   ", "!!!", "* - ( ) \" ' : ^", "🙂🙂", "___"):
        assert search.matches("package", query) is None, query


def test_the_select_joins_to_a_feature_table(app, create_user):
    """The way features use it: join the subquery to their own table and order by rank."""
    anna = create_user(name="Anna de Vries")
    bert = create_user(name="Bert Bakker")
    search.index("user", anna.id, anna.name, "Werkt bij de facilitaire dienst.")
    search.index("user", bert.id, bert.name, "Anna's collega.")
    db.session.commit()
    m = search.matches("user", "anna").subquery()
    users = db.session.scalars(sa.select(User).join(m, m.c.doc_id == User.id).order_by(m.c.rank.desc())).all()
    assert users == [anna, bert]


HOSTILE = [
    '"', '""', '"post', 'post"', "'", "''", "NEAR(", "NEAR(post archief)", "NEAR/3", "*", "post*", "**",
    "title:post", "body:x", "doc_type:package", "-post", "--", "- x", "AND", "OR", "NOT", "post AND",
    "AND OR NOT", ")", "(", "((post", "post)", "^post", "{title body}: post", "&", "|", "!", "!post",
    "post & archief", "post | archief", "post:*", ":*", "<->", "post <-> archief", "\\", "%", "_", "%_%",
    "'; DROP TABLE search_documents; --", "é́́́", "𝔭𝔬𝔰𝔱", "🙂 post 🙂", "中文 搜索", "Ωμέγα",
    "post\tarchief\npost", "x" * 10_000, "post " * 2_000, "a" * 3_000 + " post", "1.5 e-mail 3d",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(app, query):
    search.index("package", 1, "Post en archief", "Brieven sorteren, NEAR the title: x AND y")
    db.session.commit()
    found(query)  # no database error
    found(query, ["package", "case"])


def test_hostile_queries_still_find_their_words(app):
    """Operators and punctuation are not syntax: what is left are the words, searched as usual."""
    search.index("package", 1, "Post en archief", "")
    db.session.commit()
    for query in ('"post', "post)", "-post", "post*", "post:*", "!post", "(post)", "{post}", "'post'"):
        assert ids(query) == [1], query
    for query in ("title:post", "NEAR(post", "post AND", "post OR archief"):
        assert ids(query) == [], query  # "title", "near", "and", "or" are words like any other


def test_hostile_documents_are_indexed(app):
    search.index("package", 1, '"; DROP TABLE x; -- NEAR( title: *', "🙂 " * 100 + "x" * 5_000)
    search.index("package", 2, "", "")
    db.session.commit()
    assert ids("drop") == [1]
    assert ids("near title") == [1]
