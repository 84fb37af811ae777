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


#: Extra members so circles have people in them: (email, name, function, organisation).
MORE_MEMBERS = [
    ("a.yilmaz@demo.leercirkels.nl", "Ayşe Yılmaz", "projectleider participatie", "Gemeente Amsterdam"),
    ("p.dekker@demo.leercirkels.nl", "Pieter Dekker", "HR-adviseur", "Gemeente Schiedam"),
    ("m.bos@demo.leercirkels.nl", "Marloes Bos", "programmaleider inclusie", "Universiteit Twente"),
    ("j.mulder@demo.leercirkels.nl", "Jeroen Mulder", "teamleider facilitair", "Hogeschool Rotterdam"),
    ("l.smit@demo.leercirkels.nl", "Lotte Smit", "beleidsadviseur", "Provincie Overijssel"),
    ("r.hoekstra@demo.leercirkels.nl", "Rik Hoekstra", "adviseur P&O", "Waterschap Vallei en Veluwe"),
    ("e.vandijk@demo.leercirkels.nl", "Esther van Dijk", "projectleider banenafspraak", "Ministerie van Defensie"),
    ("t.peters@demo.leercirkels.nl", "Tom Peters", "adviseur diversiteit", "Politie Eenheid Oost-Nederland"),
    ("d.koster@demo.leercirkels.nl", "Daan Koster", "directeur", "Praktijkschool De Zwaai"),
]

#: (name, sectors, regions, visibility, join policy, description, coordinator, members, pending)
CIRCLES = [
    ("Gemeenten Rijnmond", ["gemeenten"], ["AM22"], "public", "open",
     "Gemeenten in de regio Rijnmond delen hoe zij werkpakketten maken, samen met het werkgeversservicepunt.",
     "coordinator@demo.leercirkels.nl", ["p.dekker@demo.leercirkels.nl", "j.mulder@demo.leercirkels.nl"], []),
    ("Gemeenten Groot Amsterdam", ["gemeenten"], ["AM18"], "platform", "request",
     "Leercirkel van de VNG voor gemeenten in Groot Amsterdam.",
     "coordinator@demo.leercirkels.nl", ["a.yilmaz@demo.leercirkels.nl"], ["lid@demo.leercirkels.nl"]),
    ("Gemeenten Twente", ["gemeenten"], ["AM05"], "platform", "request",
     "Twentse gemeenten leren van elkaar: van jobcarving tot inclusief herontwerp van werk.",
     "coordinator@demo.leercirkels.nl", ["lid@demo.leercirkels.nl"], ["m.bos@demo.leercirkels.nl"]),
    ("Netwerk projectleiders universiteiten", ["wo"], [], "platform", "request",
     "Het landelijke netwerk van projectleiders banenafspraak van de universiteiten.",
     "umc@demo.leercirkels.nl", ["m.bos@demo.leercirkels.nl"], []),
    ("Leernetwerk umc's", ["umc"], [], "platform", "request",
     "Universitair medische centra delen functiecreatie en jobcarving, van laboratorium tot facilitair.",
     "umc@demo.leercirkels.nl", [], []),
    ("Voortgezet onderwijs: goede voorbeelden", ["vo"], [], "public", "open",
     "Scholen delen hun goede voorbeelden: vaak kennen zij de medewerker al van een stage of "
     "werkervaringsplaats. Bekend maakt bemind.",
     "school@demo.leercirkels.nl", ["d.koster@demo.leercirkels.nl"], []),
    ("Hogescholen en inclusief werkgeverschap", ["hbo"], [], "platform", "request",
     "Hogescholen werken aan participatiebanen in facilitaire diensten en op het bestuursbureau.",
     "umc@demo.leercirkels.nl", ["j.mulder@demo.leercirkels.nl"], []),
    ("Provincies en waterschappen samen", ["provincies", "waterschappen"], [], "public", "open",
     "Provincies en waterschappen zetten samen met gemeenten regionale arbeidspools op, bijvoorbeeld in "
     "natuur- en recreatiebeheer.",
     "coordinator@demo.leercirkels.nl", ["l.smit@demo.leercirkels.nl", "r.hoekstra@demo.leercirkels.nl"], []),
    ("Rijksoverheid: team inclusief", ["rijk", "zbo"], [], "platform", "request",
     "Ministeries en uitvoeringsorganisaties borgen hun expertise en maken een toolbox voor managers.",
     "beheerder@demo.leercirkels.nl", [], []),
    ("Defensie", ["defensie"], [], "circle", "invitation",
     "Besloten leercirkel van Defensie.", "beheerder@demo.leercirkels.nl", ["e.vandijk@demo.leercirkels.nl"], []),
    ("Politie", ["politie"], [], "circle", "invitation",
     "Besloten leercirkel van de politie-eenheden.", "beheerder@demo.leercirkels.nl",
     ["t.peters@demo.leercirkels.nl"], []),
]


def _seed_circles(added: dict[str, int]) -> None:
    from circles.groups import services as circles
    from circles.groups.models import Circle, Invitation, Membership, MembershipState

    def user(email: str) -> User:
        return accounts.get_user_by_email(email)

    for name, sectors, regions, visibility, policy, description, coordinator, members, pending in CIRCLES:
        circle = db.session.scalar(sa.select(Circle).where(Circle.name == name))
        if circle is None:
            circle = circles.create_circle(user(coordinator), name=name, description=description, goals="",
                                           sector_codes=sectors, region_codes=regions, visibility=visibility,
                                           join_policy=policy)
            added["circles"] += 1
        for email, state in [(e, MembershipState.ACTIVE) for e in members] + [
                (e, MembershipState.PENDING) for e in pending]:
            person = user(email)
            if circles.membership_of(person, circle) is None:
                db.session.add(Membership(circle=circle, user=person, state=state,
                                          motivation="Wij willen graag leren van andere werkgevers."))
    amsterdam = db.session.scalar(sa.select(Circle).where(Circle.name == "Gemeenten Groot Amsterdam"))
    invited = "nieuw.lid@demo.leercirkels.nl"
    if db.session.scalar(sa.select(Invitation).where(Invitation.email == invited)) is None:
        circles.invite(user("coordinator@demo.leercirkels.nl"), amsterdam, invited)


MINUTES = """## Aanwezig
Gemeenten Rotterdam, Schiedam en Hogeschool Rotterdam, met het werkgeversservicepunt Rijnmond.

## Wat werkte er?
Schiedam splitste taken af van de facilitaire dienst en de bode: post rondbrengen, vergaderzalen
klaarzetten, archief digitaliseren. Samen is dat een werkpakket van 24 uur per week.

## Knelpunten
- Werk dat is uitbesteed (schoonmaak, catering) komt moeilijk terug.
- De loonwaardemeting duurde in twee gevallen langer dan de proefplaatsing.
"""


def _seed_meeting_activity(circles_by_name: dict, users: dict) -> None:
    """Answers (a full meeting with a waiting list), and minutes, decisions and action items for the
    most recent past meeting. Each step is skipped when it was done before."""
    from circles.meetings.demo import seed_meetings
    from circles.meetings.minutes import services as minutes
    from circles.meetings.models import Meeting
    from circles.meetings.rsvp import services as rsvp

    seed_meetings(circles_by_name, users)
    coordinator = users["coordinator@demo.leercirkels.nl"]

    def meeting(title: str) -> Meeting:
        return db.session.scalar(sa.select(Meeting).where(Meeting.title == title).order_by(Meeting.starts_at))

    answers = [
        ("Regiobijeenkomst Rijnmond: werkgevers, werkgeversservicepunt en UWV",
         ["p.dekker@demo.leercirkels.nl", "j.mulder@demo.leercirkels.nl", "coordinator@demo.leercirkels.nl"]),
        ("Werkpakketten in de praktijk", ["p.dekker@demo.leercirkels.nl", "j.mulder@demo.leercirkels.nl"]),
    ]
    for title, emails in answers:
        upcoming = meeting(title)
        for email in emails:
            if rsvp.rsvp_of(users[email], upcoming) is None:
                rsvp.set_answer(users[email], upcoming, "yes")
    past = meeting("Terugblik jobcarving bij de gemeente Schiedam")
    if minutes.minutes_of(past) is None:
        minutes.save_minutes(past, coordinator, MINUTES, based_on=0)
        minutes.publish_minutes(past, coordinator)
        minutes.add_decision(past, coordinator, "We delen het werkpakket 'post en archief' van Schiedam als "
                                                "werkpakket op het platform.")
        minutes.add_decision(past, coordinator, "De volgende bijeenkomst gaat over uitbestede facilitaire taken.")
        minutes.add_action_item(past, coordinator, text="Werkpakket post en archief beschrijven en delen",
                                owner=users["p.dekker@demo.leercirkels.nl"], due_date=None)
        done = minutes.add_action_item(past, coordinator, text="Contact leggen met het werkgeversservicepunt "
                                       "over proefplaatsingen", owner=users["j.mulder@demo.leercirkels.nl"],
                                       due_date=None)
        minutes.set_action_status(users["j.mulder@demo.leercirkels.nl"], done, "done")


def seed_demo() -> dict[str, int]:
    """Create what is missing; returns how many records were added per kind."""
    added = {"organisations": 0, "accounts": 0, "circles": 0}
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
    for email, name, function, org_name in MORE_MEMBERS:
        if accounts.get_user_by_email(email) is None:
            accounts.register_user(name=name, email=email, password=DEMO_PASSWORD, function=function,
                                   organisation=orgs[org_name])
            added["accounts"] += 1
    db.session.flush()
    _seed_circles(added)
    db.session.flush()
    from circles.groups.models import Circle

    circles_by_name = {c.name: c for c in db.session.scalars(sa.select(Circle))}
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    _seed_meeting_activity(circles_by_name, users)
    from circles.workpackages.demo import seed_workpackages

    added["work packages and cases"] = seed_workpackages(circles_by_name, users)
    from circles.newsletter.demo import seed_newsletter

    added["newsletter"] = seed_newsletter(users)
    from circles.progress.demo import seed_progress
    from circles.progress.signal_demo import seed_signals

    added["progress records"] = seed_progress(users)
    seed_signals()
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
