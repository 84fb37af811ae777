"""``flask --app circles seed-demo``: a realistic demo, drawn from the seed documents. Idempotent: everything
is looked up by a natural key first, so running it twice changes nothing.

The only place that knows the order: the organisations and accounts (accounts.toml) first, then each
feature's own seeder (``circles/<feature>/demo/``), lowest feature first, given the people it needs.
A feature's seeder never imports this module."""

import tomllib
from pathlib import Path
from typing import NamedTuple

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from circles.accounts import services as accounts
from circles.accounts.models import Organisation, Role, User
from circles.extensions import db
from circles.reference.models import Municipality
from circles.reference.services import load_reference_data

#: Demo password for every demo account; printed at the end and in the README. Demo only.
DEMO_PASSWORD = "leercirkel-demo-2026"

_DATA = tomllib.loads((Path(__file__).parent / "accounts.toml").read_text(encoding="utf-8"))


class Account(NamedTuple):
    email: str
    name: str
    function: str
    organisation: str
    role: Role


#: The accounts the README lists and the command prints (each with its platform role).
ACCOUNTS = [Account(**{**row, "role": Role(row["role"])}) for row in _DATA["accounts"]]
#: Members so circles have people in them (platform role member; not printed).
MEMBERS = [Account(**row, role=Role.MEMBER) for row in _DATA["members"]]


def _seed_accounts(added: dict[str, int]) -> None:
    municipalities = {m.name: m.id for m in db.session.scalars(sa.select(Municipality))}
    orgs: dict[str, Organisation] = {}
    for row in _DATA["organisations"]:
        org = accounts.find_organisation_by_name(row["name"])
        if org is None:
            org = accounts.create_organisation(row["name"], row["sector"], municipalities[row["municipality"]],
                                               row["website"])
            added["organisations"] += 1
        orgs[row["name"]] = org
    for account in ACCOUNTS + MEMBERS:
        if accounts.get_user_by_email(account.email) is None:
            user = accounts.register_user(name=account.name, email=account.email, password=DEMO_PASSWORD,
                                          function=account.function, organisation=orgs[account.organisation])
            user.role = account.role
            added["accounts"] += 1
    db.session.flush()


def people() -> dict[str, User]:
    """Every account by e-mail: what the feature seeders are given."""
    return {u.email: u for u in db.session.scalars(sa.select(User))}


def seed_demo() -> dict[str, int]:
    """Create what is missing; returns how many records were added per kind."""
    # The feature seeders, lowest feature first.
    from circles.groups import demo as groups_demo
    from circles.groups.models import Circle
    from circles.meetings import demo as meetings_demo
    from circles.newsletter import demo as newsletter_demo
    from circles.progress import demo as progress_demo
    from circles.workpackages import demo as workpackages_demo

    added = {"organisations": 0, "accounts": 0, "circles": 0}
    with db.engine.begin() as conn:
        load_reference_data(conn)
    _seed_accounts(added)
    added["circles"] = groups_demo.seed(people())
    circles_by_name = {c.name: c for c in db.session.scalars(sa.select(Circle))}
    everyone = people()
    meetings_demo.seed(circles_by_name, everyone)
    added["work packages and cases"] = workpackages_demo.seed(circles_by_name, everyone)
    added["newsletter"] = newsletter_demo.seed(everyone)
    added["progress records"] = progress_demo.seed(everyone)
    db.session.commit()
    return added


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when there are no accounts yet.")
@with_appcontext
def seed_demo_command(if_empty: bool):
    """Fill the database with a realistic demo (idempotent)."""
    if if_empty and not database_is_empty():
        click.echo("Database already has accounts; demo not seeded.")
        return
    added = seed_demo()
    click.echo(f"Demo ready ({added['organisations']} organisations, {added['accounts']} accounts, "
               f"{added['circles']} circles and {added['work packages and cases']} work packages, copies and "
               "cases added).")
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, name, _function, org, role in ACCOUNTS:
        click.echo(f"  {role.value:<14} {email:<36} {name} ({org})")
