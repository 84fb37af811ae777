"""Loading the reference data from the CSV files shipped in the package.

The loader works on a plain Connection so that a migration and the CLI use the same code; it is
idempotent (insert what is missing, update what changed), so loading twice changes nothing.
"""

import csv
from importlib import resources

import sqlalchemy as sa

from circles.reference.sectors import SECTORS

_sectors = sa.table("sectors", sa.column("code"), sa.column("group"), sa.column("position"))
_provinces = sa.table("provinces", sa.column("code"), sa.column("name"))
_regions = sa.table("regions", sa.column("code"), sa.column("name"), sa.column("former_names"))
_municipalities = sa.table(
    "municipalities", sa.column("id"), sa.column("name"), sa.column("region_code"), sa.column("province_code")
)


def _rows(filename: str) -> list[dict]:
    text = resources.files("circles.reference").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _upsert(conn: sa.Connection, table, key: str, rows: list[dict]) -> int:
    """Insert rows whose key is missing and update changed ones. Returns the number of changes."""
    existing = {r[0]: tuple(r[1:]) for r in conn.execute(sa.select(table.c[key], *[table.c[c] for c in rows[0]
                                                                                    if c != key]))}
    changes = 0
    for row in rows:
        values = tuple(row[c] for c in row if c != key)
        if row[key] not in existing:
            conn.execute(sa.insert(table).values(**row))
            changes += 1
        elif existing[row[key]] != values:
            conn.execute(sa.update(table).where(table.c[key] == row[key]).values(**row))
            changes += 1
    return changes


def load_reference_data(conn: sa.Connection) -> int:
    """Load sectors, provinces, regions and municipalities; returns how many rows changed."""
    changes = _upsert(conn, _sectors, "code",
                      [{"code": c, "group": g, "position": i} for i, (c, g, _l) in enumerate(SECTORS)])
    changes += _upsert(conn, _provinces, "code",
                       [{"code": r["cbs_code"], "name": r["naam"]} for r in _rows("provincies.csv")])
    changes += _upsert(conn, _regions, "code", [
        {"code": r["cbs_code"], "name": r["naam"], "former_names": r["eerdere_namen"]}
        for r in _rows("arbeidsmarktregios_2026.csv")
    ])
    changes += _upsert(conn, _municipalities, "name", [
        {"name": r["gemeente"], "region_code": r["cbs_regio_code"], "province_code": r["cbs_provincie_code"]}
        for r in _rows("gemeenten.csv")
    ])
    return changes


def sectors_in_order():
    """All sectors in display order (for selects and groupings)."""
    from circles.core.db import db
    from circles.reference.models import Sector

    return list(db.session.scalars(sa.select(Sector).order_by(Sector.position)))


def regions_by_name():
    """All labour-market regions by name (for selects)."""
    from circles.core.db import db
    from circles.reference.models import Region

    return list(db.session.scalars(sa.select(Region).order_by(Region.name)))
