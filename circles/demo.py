"""``flask --app circles seed-demo``: a realistic demo, drawn from the seed documents. Idempotent:
everything is looked up by a natural key first, so running it twice changes nothing."""

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

#: (name, sector, municipality, website)
ORGANISATIONS = [
    ("Gemeente Rotterdam", "gemeenten", "Rotterdam", "https://www.rotterdam.nl"),
    ("Gemeente Amsterdam", "gemeenten", "Amsterdam", "https://www.amsterdam.nl"),
    ("Gemeente Enschede", "gemeenten", "Enschede", "https://www.enschede.nl"),
    ("Gemeente Schiedam", "gemeenten", "Schiedam", ""),
    ("Provincie Overijssel", "provincies", "Zwolle", "https://www.overijssel.nl"),
    ("Waterschap Vallei en Veluwe", "waterschappen", "Apeldoorn", ""),
    ("Ministerie van BZK", "rijk", "'s-Gravenhage", "https://www.rijksoverheid.nl"),
    ("Ministerie van Defensie", "defensie", "'s-Gravenhage", ""),
    ("Politie Eenheid Oost-Nederland", "politie", "Apeldoorn", ""),
    ("Universiteit Twente", "wo", "Enschede", "https://www.utwente.nl"),
    ("Hogeschool Rotterdam", "hbo", "Rotterdam", ""),
    ("UMC Utrecht", "umc", "Utrecht", "https://www.umcutrecht.nl"),
    ("Scholengroep Carmel Twente", "vo", "Hengelo (O.)", ""),
    ("Praktijkschool De Zwaai", "vo", "Schiedam", ""),
    ("Stichting Openbaar Primair Onderwijs Haaglanden", "po", "'s-Gravenhage", ""),
    ("ROC Midden Nederland", "mbo", "Utrecht", ""),
]

#: (email, name, function, organisation, role)
ACCOUNTS = [
    ("beheerder@demo.leercirkels.nl", "Fatima el Amrani", "functioneel beheerder", "Ministerie van BZK",
     Role.ADMINISTRATOR),
    ("coordinator@demo.leercirkels.nl", "Hans de Vries", "projectleider leercirkels gemeenten", "Gemeente Rotterdam",
     Role.COORDINATOR),
    ("redacteur@demo.leercirkels.nl", "Inge Bakker", "redacteur nieuwsbrief", "Ministerie van BZK", Role.EDITOR),
    ("lid@demo.leercirkels.nl", "Sanne Jansen", "projectleider banenafspraak", "Gemeente Enschede", Role.MEMBER),
    ("school@demo.leercirkels.nl", "Kees Winkelman", "HR-adviseur", "Scholengroep Carmel Twente", Role.MEMBER),
    ("umc@demo.leercirkels.nl", "Noor Visser", "programmamanager inclusief werkgeverschap", "UMC Utrecht",
     Role.COORDINATOR),
]


def seed_demo() -> dict[str, int]:
    """Create what is missing; returns how many records were added per kind."""
    added = {"organisations": 0, "accounts": 0}
    with db.engine.begin() as conn:
        load_reference_data(conn)
    municipalities = {m.name: m.id for m in db.session.scalars(sa.select(Municipality))}
    orgs: dict[str, Organisation] = {}
    for name, sector, municipality, website in ORGANISATIONS:
        org = accounts.find_organisation_by_name(name)
        if org is None:
            org = accounts.create_organisation(name, sector, municipalities[municipality], website)
            added["organisations"] += 1
        orgs[name] = org
    for email, name, function, org_name, role in ACCOUNTS:
        if accounts.get_user_by_email(email) is None:
            user = accounts.register_user(name=name, email=email, password=DEMO_PASSWORD, function=function,
                                          organisation=orgs[org_name])
            user.role = role
            added["accounts"] += 1
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
    click.echo(f"Demo ready ({added['organisations']} organisations and {added['accounts']} accounts added).")
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, name, _function, org, role in ACCOUNTS:
        click.echo(f"  {role.value:<14} {email:<36} {name} ({org})")
