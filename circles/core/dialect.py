"""What differs between SQLite and PostgreSQL, in one place.

The app runs on both (SQLite on one machine, PostgreSQL when several app servers share a database). Code
that needs something the two do differently asks here, so the differences can be read, and tested on both
databases, together: row locks, claiming a row that another process may be claiming at the same time,
inserting while skipping duplicates, rows out of a JSON list, and statistics for the planner. Full-text
search is its own interface (``core.search``), built on ``is_postgresql``.
"""

import json

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from circles.core.db import db


def is_postgresql(bind=None) -> bool:
    """Whether ``bind`` (default: the session's connection) is PostgreSQL; otherwise it is SQLite."""
    return (bind or db.session.get_bind()).dialect.name == "postgresql"


def lock_row(table: sa.Table, row_id: int) -> None:
    """Hold a write lock on one row until the transaction ends, so that read-then-write sequences on it
    (counting free places) run one after the other. PostgreSQL locks the row (SELECT ... FOR UPDATE);
    SQLite has no row locks, but a no-op UPDATE takes its database write lock."""
    if is_postgresql():
        db.session.execute(sa.select(table.c.id).where(table.c.id == row_id).with_for_update())
    else:
        db.session.execute(sa.update(table).where(table.c.id == row_id).values(id=table.c.id))


def skip_locked(select: sa.Select) -> sa.Select:
    """A SELECT for claiming work that several processes take from at once: on PostgreSQL rows another
    transaction is claiming are skipped (FOR UPDATE SKIP LOCKED); SQLite runs one writer at a time, so the
    conditional UPDATE around the select is atomic already."""
    return select.with_for_update(skip_locked=True) if is_postgresql() else select


def insert_ignoring_duplicates(table: sa.Table, rows: list[dict], fixed: dict, unique: str,
                               json_columns: tuple[str, ...] = ()) -> int:
    """Insert ``rows`` (each with the ``fixed`` values too) into ``table``, skipping every row whose
    ``unique`` column value is there already; returns how many were inserted.

    SQLite takes the rows as executemany parameters. On PostgreSQL a VALUES list of thousands of parameters
    is slow (psycopg parses the statement again for every chunk), so each varying column goes as one array
    and the arrays are unnested into rows (``json_columns`` travel as JSON text and are cast back)."""
    if not rows:
        return 0
    if not is_postgresql():
        stmt = (sqlite.insert(table).on_conflict_do_nothing(index_elements=[unique]).returning(table.c.id))
        return len(db.session.execute(stmt, [{**fixed, **row} for row in rows]).all())
    varying = list(rows[0])
    columns = sa.func.unnest(*(
        sa.bindparam(f"{name}_list", [json.dumps(row[name]) if name in json_columns else row[name] for row in rows],
                     type_=postgresql.ARRAY(sa.Text))
        for name in varying
    )).table_valued(*varying).render_derived()
    values = [sa.cast(columns.c[name], table.c[name].type) for name in varying]
    values += [sa.cast(sa.literal(value, table.c[name].type), table.c[name].type) for name, value in fixed.items()]
    stmt = (postgresql.insert(table).from_select([*varying, *fixed], sa.select(*values))
            .on_conflict_do_nothing(index_elements=[unique]).returning(table.c.id))
    return len(db.session.execute(stmt).all())


def json_array_items(column) -> sa.TableValuedAlias:
    """The elements of a JSON list column as rows with a ``value`` column (for filtering on them in SQL)."""
    items = sa.func.json_array_elements_text(column) if is_postgresql() else sa.func.json_each(column)
    return items.table_valued("value")


def analyze(table_name: str) -> None:
    """Let PostgreSQL's planner see a large batch of new rows now instead of after autovacuum; SQLite
    needs nothing."""
    if is_postgresql():
        db.session.execute(sa.text(f"ANALYZE {table_name}"))
