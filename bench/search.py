"""Benchmark of the work-package search: ``python -m bench.search [--packages 50000] [--database sqlite|URL]``.

Builds a fresh database (a SQLite file in a temporary folder, or the PostgreSQL database given, whose tables
are dropped and made again: use a throwaway one, such as the one ``scripts/with-postgres.sh`` starts), fills
it with generated Dutch work packages and measures, in one run:

* ``services.search_packages`` (the search and its facet counts), as an anonymous visitor and as a member of a
  few circles, over a fixed, seeded list of one- and two-word queries (accented words, prefixes, facets);
* the whole page ``/werkpakketten?q=...`` through the Flask test client, for both kinds of reader;
* the page's SQL statement count at N/10 and at N packages (a listing must not grow with the data);
* the floor: a hello-world route on the same app through the same client, so every figure is also a
  multiple of what any request costs;
* re-indexing one package (what every save does), at N.

Packages, tasks, sectors, instruments and adoptions go in with bulk inserts (SQLAlchemy Core); the search
index is filled through the feature's own indexer (``services.index_package`` -> ``circles.core.search``),
never by writing to the search table directly. The figures go to ``bench/RESULTS.md``, between markers, so
a run replaces only its own database's table and leaves the rest of the file alone.
"""

import argparse
import datetime as dt
import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import sqlalchemy as sa

from bench import results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
PASSWORD = "bench-wachtwoord-niet-geheim"
BATCH = 2000

# --- word lists ----------------------------------------------------------------------------------------------
#: setting -> (job titles, task lines, sectors it is common in)
SETTINGS = {
    "conciergerie": (
        ["Assistent-conciërge", "Medewerker conciërgerie", "Hulpconciërge", "Assistent huismeester"],
        ["Kopieer- en lamineeropdrachten uitvoeren en in de postvakken leggen",
         "Lokalen en de aula klaarzetten voor toetsen en ouderavonden", "Post en pakketten sorteren en rondbrengen",
         "Schoolplein en fietsenstalling opruimen", "Voorraad papier en toner aanvullen",
         "Helpen bij de kluisjes en gevonden voorwerpen", "Kleine reparaties melden bij de huismeester",
         "Vergaderruimtes klaarzetten met koffie en water"],
        ["vo", "po", "mbo"]),
    "facilitaire_dienst": (
        ["Facilitair medewerker", "Medewerker facilitaire dienst", "Gastvrouw", "Gastheer",
         "Medewerker vergaderservice", "Bode", "Medewerker repro"],
        ["Vergaderzalen klaarzetten volgens de reserveringen", "Pantry's bijvullen en de vaatwasser uitruimen",
         "Printers langslopen en papier bijvullen", "Post en pakketten naar de afdelingen brengen",
         "Flexplekken aan het eind van de dag nalopen", "Drukwerk en readers maken in de reproductie",
         "Bezoekers naar de vergaderzaal begeleiden", "Meldingen invoeren in het facilitaire meldsysteem"],
        ["gemeenten", "rijk", "provincies", "hbo", "wo", "zbo", "rechtspraak"]),
    "schoonmaak": (
        ["Schoonmaakmedewerker", "Medewerker schoonmaak in eigen dienst", "Medewerker interieurverzorging"],
        ["Lokalen en gangen vegen en dweilen volgens de vaste route", "Toiletten schoonmaken en aanvullen",
         "De kantine na de pauzes schoonmaken", "Afval scheiden en naar de containers brengen",
         "Deurklinken en trapleuningen reinigen", "Periodiek schoonmaakwerk: ramen en plinten"],
        ["vo", "po", "gemeenten", "mbo"]),
    "catering": (
        ["Medewerker bedrijfsrestaurant", "Keukenhulp", "Medewerker koffiecorner", "Medewerker kantine"],
        ["Broodjes en salades bereiden volgens de kaart", "De uitgifte en koelingen bijvullen",
         "Tafels afruimen en schoonmaken", "De vaatwasser vullen en leegmaken",
         "Leveringen uitpakken en op datum controleren", "Koffie en thee klaarzetten voor vergaderingen"],
        ["rijk", "zbo", "defensie", "umc", "hbo"]),
    "post_archief": (
        ["Medewerker post en archief", "Medewerker postkamer", "Medewerker archief digitaliseren",
         "Medewerker scanstraat", "Documentverwerker"],
        ["Binnenkomende post openen, stempelen en sorteren", "Post scannen en registreren in het zaaksysteem",
         "Dossiers ontnieten en scanklaar maken", "Scans controleren op leesbaarheid",
         "Metadata invullen: dossiernummer en datum", "Uitgaande post frankeren",
         "Archiefdozen labelen en wegzetten in het depot"],
        ["gemeenten", "provincies", "rijk", "waterschappen", "rechtspraak"]),
    "onderwijs_in_de_klas": (
        ["Klassenassistent", "Onderwijsassistent", "Assistent praktijklokaal", "Ondersteuner mediatheek",
         "Assistent gymzaal"],
        ["Materiaal voor de lessen klaarzetten en opruimen", "Helpen bij jassen en veters",
         "Potloden slijpen, kopiëren en lamineren", "Meelopen bij het buitenspelen",
         "Boeken innemen en terugzetten in de mediatheek", "Het praktijklokaal klaarzetten voor de les",
         "Toestellen in de gymzaal klaarzetten"],
        ["po", "vo", "mbo"]),
    "bestuursbureau": (
        ["Administratief ondersteuner", "Medewerker bestuursbureau", "Medewerker leerlingenadministratie",
         "Ondersteuner secretariaat"],
        ["Dossiers ordenen en archiveren", "Absenties invoeren in het leerlingvolgsysteem",
         "Vergaderstukken kopiëren en klaarleggen", "Post openen en verdelen",
         "Adreswijzigingen controleren en invoeren", "Declaraties sorteren en controleren op volledigheid"],
        ["vo", "po", "mbo", "hbo", "gemeenten"]),
    "ict": (
        ["ICT-werkplekondersteuner", "Medewerker kabelbeheer", "Medewerker laptopuitleen",
         "Ondersteuner AV-middelen"],
        ["Collegezalen nalopen: beamer en kabels controleren", "Dockingstations en muizen vervangen",
         "Uitleenlaptops innemen en opladen", "Kabels in de patchkasten labelen",
         "Storingen melden in het ICT-meldsysteem", "Oude apparatuur inventariseren voor recycling"],
        ["hbo", "mbo", "wo", "gemeenten", "rijk"]),
    "groen": (
        ["Medewerker groenonderhoud", "Medewerker buitendienst", "Hovenier", "Medewerker terreinbeheer",
         "Medewerker natuurbeheer"],
        ["Maaisel harken en afvoeren langs dijken", "Zwerfafval rapen in parken en op dijken",
         "Onkruid wieden op het terrein", "Hekken en roosters vrijhouden van takken",
         "Gereedschap schoonmaken en opbergen", "Bladeren blazen en afvoeren in het najaar"],
        ["waterschappen", "provincies", "gemeenten", "defensie"]),
    "laboratorium_zorg": (
        ["Laboratoriumondersteuner", "Medewerker spoelkeuken", "Medewerker sterilisatie",
         "Ondersteuner zorgafdeling", "Medewerker beddenvervoer"],
        ["Glaswerk spoelen en in de spoelmachine zetten", "Materialen autoclaveren volgens protocol",
         "Voorraad tellen met de barcodescanner", "Monsters tussen de laboratoria rondbrengen",
         "Bedden opmaken en klaarzetten", "Koelkasten op houdbaarheid controleren"],
        ["umc", "wo", "onderzoek"]),
    "overig": (
        ["Magazijnmedewerker", "Medewerker logistiek", "Medewerker fietsenstalling", "Medewerker uitleenbalie",
         "Onderzoeksondersteuner", "Receptiemedewerker"],
        ["Leveringen ontvangen en controleren tegen de pakbon", "Orders verzamelen en klaarzetten",
         "Bezoekers ontvangen en aanmelden", "Fietsen ordenen en weesfietsen labelen",
         "Onderzoeksdata opschonen in een spreadsheet", "Kleding en uitrusting uitgeven"],
        ["defensie", "politie", "rechtspraak", "wo", "gemeenten", "onderzoek"]),
}
SETTING_WEIGHTS = {"conciergerie": 8, "facilitaire_dienst": 14, "schoonmaak": 8, "catering": 7, "post_archief": 12,
                   "onderwijs_in_de_klas": 10, "bestuursbureau": 8, "ict": 7, "groen": 9, "laboratorium_zorg": 7,
                   "overig": 10}
PLACES = ["op de hoofdlocatie", "in het stadhuis", "op drie vestigingen", "in de onderbouw", "op de kazerne",
          "bij de buitendienst", "in het gemeentehuis", "op de campus", "in het ziekenhuis", "op het provinciehuis",
          "bij het waterschap", "in het rijkskantoor", "op het politiebureau", "in het gerechtsgebouw",
          "op de praktijkschool", "in het servicecentrum", "op het bestuursbureau", "in de bibliotheek"]
TOOLS = ["", "", "Pictogrammen", "Stappenkaart met foto's", "Tablet met checklist", "Barcodescanner",
         "Lamineermachine", "Kopieerapparaat", "Prikstok", "Steekwagen", "Scanner", "Labelprinter"]
SKILLS = ["Kan werken met een vaste dagstructuur.", "Werkt nauwkeurig en volgt een protocol.",
          "Is graag in beweging.", "Werkt graag buiten, ook bij slecht weer.", "Kan met een computer overweg.",
          "Is vriendelijk tegen bezoekers en collega's.", "Kan tegen drukte rond de lunch.",
          "Heeft geduld met herhalend werk.", "Gaat zorgvuldig om met vertrouwelijke informatie.",
          "Heeft interesse in techniek."]
TAKEN_FROM = ["docenten", "conciërges", "secretariaten", "de facilitaire balie", "bodes", "analisten",
              "de buitendienstploeg", "de cateraar", "de servicedesk", "leraren van de onderbouw",
              "informatiebeheerders", "magazijnmedewerkers", "baliemedewerkers"]
RELIEF = ["Collega's houden ongeveer {n} uur per week over voor hun eigen vak.",
          "Minder werkdruk: samen naar schatting {n} uur per week.",
          "Een achterstand van {n} maanden is weggewerkt.", "Minder inhuur, ongeveer {n} uur per week."]
GUIDANCE_NOTES = ["Een vaste werkbegeleider begint elke dag met een korte dagstart.",
                  "Een externe jobcoach komt het eerste halfjaar om de week.",
                  "Een collega is buddy en werkt in hetzelfde rooster.",
                  "De leidinggevende volgde een training over inclusief werkgeverschap."]
ADJUSTMENTS = ["Een takenbord met pictogrammen.", "Een rustige werkplek met een koptelefoon.",
               "Een in hoogte verstelbaar bureau.", "Vaste pauzes buiten de drukte.",
               "Werkkleding en veiligheidsschoenen op maat.", "Instructies met schermafdrukken."]
PRECONDITIONS = ["De directie staat erachter en maakt tijd vrij voor begeleiding.",
                 "Het team kiest zelf welke taken overgaan.", "Een vaste werkbegeleider met tijd voor uitleg.",
                 "Afspraken met de cateraar of het schoonmaakbedrijf over wie wat doet."]
PITFALLS = ["Niet alle losse klusjes bij de nieuwe collega neerleggen.", "Twee leidinggevenden geeft onrust.",
            "In de winter is er minder buitenwerk.", "Na het project is de baan weg zonder plan voor daarna.",
            "Invallen waar het toevallig nodig is werkt niet."]
TIPS = ["Laat collega's een week noteren welke klusjes zij erbij doen.", "Begin met een stage of proefplaatsing.",
        "Vraag het werkgeversservicepunt mee te kijken.", "Regel de inschaling in de cao eerst.",
        "Maak het stappenplan samen met de medewerker.", "Houd contact met de praktijkschool in de buurt."]
INSTRUMENTS = ["loonkostensubsidie", "loondispensatie", "no_riskpolis", "lkv_banenafspraak", "jobcoach_voorziening",
               "werkplekaanpassing", "generieke_werkgeversvoorziening", "proefplaatsing",
               "praktijkroute_loonwaardemeting", "sectorfonds_subsidie"]
LEVELS = ["praktisch"] * 4 + ["mbo1_entree"] * 4 + ["mbo2"] * 3 + ["mbo3_plus", "hbo_wo"]
FREQUENCIES = ["dagelijks", "dagelijks", "wekelijks", "wekelijks", "maandelijks", "piek_seizoen"]
CONTRACTS = ["bepaalde_tijd", "onbepaalde_tijd", "detachering_sw", "uitzend_payroll", "proefplaatsing"]
GUIDANCE = ["interne_werkbegeleider", "buddy", "jobcoach_intern", "jobcoach_extern", "training_leidinggevende"]
ORG_KINDS = {"gemeenten": "Gemeente", "provincies": "Provincie", "waterschappen": "Waterschap", "rijk": "Dienst",
             "zbo": "Uitvoeringsorganisatie", "defensie": "Defensiecomplex", "politie": "Politiebureau",
             "rechtspraak": "Rechtbank", "po": "Basisschool", "vo": "Scholengroep", "mbo": "ROC", "hbo": "Hogeschool",
             "wo": "Universiteit", "umc": "Umc", "onderzoek": "Onderzoeksinstituut"}

#: Query words: titles and task words, accented and not, prefixes, two-word phrases, a place, and words
#: nothing holds (a search that finds nothing must be quick too).
QUERY_WORDS = ["conciërge", "concierge", "schoonmaak", "post", "archief", "catering", "groen", "laboratorium", "ict",
               "magazijn", "receptie", "kopiëren", "kopieren", "scannen", "vergaderzalen", "pantry", "printers",
               "jobcoach", "werkbegeleider", "pictogrammen", "klassenassistent", "bode", "hovenier", "dijken",
               "autoclaveren", "barcodescanner", "lamineren", "kantine", "mediatheek", "fietsenstalling"]
QUERY_PREFIXES = ["conc", "schoon", "arch", "lab", "magaz", "kop", "digit", "onder", "ver", "gr", "post", "sc"]
QUERY_PAIRS = ["post archief", "assistent conciërge", "groen onderhoud", "ict kabels", "schoonmaak school",
               "facilitair medewerker", "vergaderzalen klaarzetten", "stage proefplaatsing", "koffie vaatwasser",
               "onderwijsassistent klas"]
QUERY_MISSES = ["zeilboot", "xylofoon", "kwantumfysica"]
FACETS = [("sector", ["vo", "po", "gemeenten", "rijk", "waterschappen", "umc"]),
          ("afdeling", ["schoonmaak", "post_archief", "facilitaire_dienst", "groen", "conciergerie"]),
          ("uren", ["tot12", "12-20", "20-25", "baan"]),
          ("instrument", ["jobcoach_voorziening", "loonkostensubsidie", "no_riskpolis", "proefplaatsing"]),
          ("niveau", ["praktisch", "mbo2"]),
          ("regio", ["AM22", "AM05", "AM18"])]
PAGE_URLS = ["/werkpakketten", "/werkpakketten?q=concierge", "/werkpakketten?q=post+archief",
             "/werkpakketten?q=schoon&sector=vo&uren=12-20",
             "/werkpakketten?sector=gemeenten&instrument=proefplaatsing", "/werkpakketten?q=conc&page=3"]


# --- the app and the database ----------------------------------------------------------------------------------

def database_uri(choice: str, parser: argparse.ArgumentParser) -> str:
    """``--database``: 'sqlite' (a file in a new temporary folder), 'postgres' (the throwaway database that
    scripts/with-postgres.sh announces) or a URL."""
    if choice == "sqlite":
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='circles-bench-')) / 'bench.db'}"
    if choice == "postgres":
        return os.environ.get("CIRCLES_TEST_DATABASE_URL") or parser.error("CIRCLES_TEST_DATABASE_URL is not set")
    return choice


def make_app(uri: str):
    from circles import create_app

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_BACKEND": "console",
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "RATELIMIT_ENABLED": False,
    })
    # The floor: what any request costs in this app (middleware, session, security headers), doing nothing.
    app.add_url_rule("/_bench/hallo", "bench_hello", lambda: "Hallo")
    return app


def fresh_schema(app) -> None:
    from circles.core.db import db
    from circles.reference.services import load_reference_data

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
        db.create_all()
        with db.engine.begin() as conn:
            load_reference_data(conn)


@contextmanager
def timer():
    box = SimpleNamespace(seconds=0.0)
    start = time.perf_counter()
    yield box
    box.seconds = time.perf_counter() - start


def people_and_places(app, rng: random.Random) -> dict:
    """Organisations across sectors and municipalities, circles, and two accounts: a coordinator who made the
    circles and the member who reads (in five of them). Through the services: there are only a few."""
    from circles.accounts import services as accounts
    from circles.accounts.models import Organisation
    from circles.core.db import db
    from circles.groups import services as groups
    from circles.groups.models import Membership, MembershipState
    from circles.reference.models import Municipality

    with app.app_context():
        municipalities = db.session.execute(sa.select(Municipality.id, Municipality.name)).all()
        organisations = []
        for n, (sector, kind) in enumerate(list(ORG_KINDS.items()) * 20):
            mid, place = rng.choice(municipalities)
            org = accounts.create_organisation(f"{kind} {place} {n}", sector, mid)
            organisations.append((org.id, sector))
        coordinator = accounts.register_user(name="Coördinator Bench", email="coordinator@bench.example",
                                             password=PASSWORD, function="coördinator",
                                             organisation=db.session.get(Organisation, organisations[0][0]))
        member = accounts.register_user(name="Lid Bench", email="lid@bench.example", password=PASSWORD,
                                        function="projectleider",
                                        organisation=db.session.get(Organisation, organisations[1][0]))
        circles = []
        for n in range(40):
            sector = rng.choice(list(ORG_KINDS))
            circle = groups.create_circle(coordinator, name=f"Leercirkel {sector} {n}", description="Bench.",
                                          goals="", sector_codes=[sector], region_codes=[],
                                          visibility=rng.choice(["public", "platform", "circle"]),
                                          join_policy="request")
            circles.append(circle.id)
        for circle_id in circles[:5]:
            db.session.add(Membership(circle_id=circle_id, user_id=member.id, state=MembershipState.ACTIVE))
        db.session.commit()
        return {"organisations": organisations, "circles": circles, "member_id": member.id,
                "member_email": member.email, "municipalities": [name for _id, name in municipalities]}


def sentences(rng: random.Random, pool: list[str], low: int, high: int) -> str:
    return " ".join(rng.sample(pool, rng.randint(low, high)))


def generate(rng: random.Random, package_id: int, world: dict, now: dt.datetime):
    """One package: its row, task rows, sector codes, instrument codes and adoption rows."""
    setting = rng.choices(list(SETTING_WEIGHTS), weights=list(SETTING_WEIGHTS.values()))[0]
    titles, task_pool, common_sectors = SETTINGS[setting]
    role = rng.choice(titles)
    shape = rng.random()
    if shape < 0.45:
        title = f"{role} {rng.choice(PLACES)}"
    elif shape < 0.7:
        title = f"{role} en {rng.choice(SETTINGS[rng.choice(list(SETTINGS))][0]).lower()}"
    else:
        title = role
    organisation_id, org_sector = rng.choice(world["organisations"])
    lines = rng.sample(task_pool, rng.randint(3, min(7, len(task_pool))))
    tasks = [{"package_id": package_id, "position": i, "description": line, "frequency": rng.choice(FREQUENCIES),
              "hours_per_week": float(rng.randint(1, 8)), "tools": rng.choice(TOOLS),
              "independence": rng.choice(["onder_begeleiding", "zelfstandig_na_instructie"])}
             for i, line in enumerate(lines)]
    hours_min = float(rng.randint(8, 24))
    hours_max = min(32.0, hours_min + rng.choice([0, 2, 4, 4, 6, 8]))
    place = rng.choice(world["municipalities"])
    summary = (f"{role} {rng.choice(PLACES)} in {place}: {lines[0][0].lower()}{lines[0][1:].lower()}, "
               f"{lines[1].lower()} en {lines[2].lower()}. {hours_min:g} tot {hours_max:g} uur per week.")[:300]
    roll = rng.random()
    status = "published" if roll < 0.85 else "draft" if roll < 0.92 else "in_review" if roll < 0.96 else "archived"
    roll = rng.random()
    visibility = "public" if roll < 0.7 else "platform" if roll < 0.9 else "circle"
    circle_id = rng.choice(world["circles"]) if visibility == "circle" or rng.random() < 0.5 else None
    published = now - dt.timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60))
    row = {
        "id": package_id, "slug": re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:120] or "werkpakket",
        "title": title, "summary": summary, "setting": setting,
        "setting_other": "Magazijn en logistiek" if setting == "overig" and rng.random() < 0.3 else "",
        "hours_min": hours_min, "hours_max": hours_max, "work_level": rng.choice(LEVELS),
        "skills": sentences(rng, SKILLS, 1, 3),
        "taken_from": "Taken van " + ", ".join(rng.sample(TAKEN_FROM, 2)) + ".",
        "relief": rng.choice(RELIEF).format(n=rng.randint(2, 15)),
        "contract_forms": rng.sample(CONTRACTS, rng.randint(1, 3)), "pay_scale": "Laagste schaal van de cao",
        "guidance": rng.sample(GUIDANCE, rng.randint(1, 3)), "guidance_notes": sentences(rng, GUIDANCE_NOTES, 1, 2),
        "adjustments": sentences(rng, ADJUSTMENTS, 1, 2),
        "cost_one_off": rng.randint(0, 60) * 100, "cost_yearly": rng.randint(80, 300) * 100,
        "subsidies_yearly": rng.randint(20, 120) * 100,
        "cost_notes": f"Door de werkgever zelf gewogen; ontwikkeld in {place}.",
        "preconditions": sentences(rng, PRECONDITIONS, 1, 2), "pitfalls": sentences(rng, PITFALLS, 1, 2),
        "tips": sentences(rng, TIPS, 1, 3),
        "organisation_id": organisation_id, "circle_id": circle_id, "author_id": None, "family_id": package_id,
        "status": status, "visibility": visibility, "language": "nl", "licence": "CC-BY-4.0", "revision": 1,
        "review_note": "", "published_at": published if status in ("published", "archived") else None,
        "created_at": published, "updated_at": published,
    }
    sectors = list(dict.fromkeys([rng.choice(common_sectors)] + ([org_sector] if rng.random() < 0.5 else [])))
    instruments = rng.sample(INSTRUMENTS, rng.randint(1, 4))
    adoptions = []
    if status == "published" and rng.random() < 0.05:
        others = {rng.choice(world["organisations"])[0] for _ in range(rng.randint(1, 3))} - {organisation_id}
        for org_id in others:
            in_use = rng.random() < 0.6
            adoptions.append({"source_id": package_id, "organisation_id": org_id, "adopted_at": now,
                              "source_revision": 1, "in_use_at": now if in_use else None,
                              "jobs": rng.randint(1, 3) if in_use else 0})
    return row, tasks, sectors, instruments, adoptions


def fill(app, rng: random.Random, world: dict, first_id: int, last_id: int) -> dict:
    """Packages ``first_id``..``last_id`` in batches: Core bulk inserts, then the feature's own indexer."""
    from circles.core.db import db
    from circles.workpackages import services
    from circles.workpackages.models import Adoption, Task, WorkPackage, package_instruments, package_sectors

    now = dt.datetime.now(dt.UTC)
    insert_seconds = index_seconds = 0.0
    with app.app_context():
        for start in range(first_id, last_id + 1, BATCH):
            rows, tasks, sector_rows, instrument_rows, adoptions = [], [], [], [], []
            for package_id in range(start, min(start + BATCH, last_id + 1)):
                row, lines, sectors, instruments, adopted = generate(rng, package_id, world, now)
                rows.append(row)
                tasks += lines
                sector_rows += [{"package_id": package_id, "sector_code": code} for code in sectors]
                instrument_rows += [{"package_id": package_id, "instrument": code} for code in instruments]
                adoptions += adopted
            with timer() as t:
                db.session.execute(sa.insert(WorkPackage.__table__), rows)
                db.session.execute(sa.insert(Task.__table__), tasks)
                db.session.execute(sa.insert(package_sectors), sector_rows)
                db.session.execute(sa.insert(package_instruments), instrument_rows)
                if adoptions:
                    db.session.execute(sa.insert(Adoption.__table__), adoptions)
            insert_seconds += t.seconds
            by_package: dict[int, list] = {}
            for line in tasks:
                by_package.setdefault(line["package_id"], []).append(SimpleNamespace(**line))
            with timer() as t:
                for row in rows:
                    # The same indexer a save uses, given the package's fields.
                    services.index_package(SimpleNamespace(**row, tasks=by_package[row["id"]]))
                db.session.commit()
            index_seconds += t.seconds
            print(f"  {min(start + BATCH, last_id + 1) - 1:>7} packages", file=sys.stderr, flush=True)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('workpackages', 'id'), "
                                       "(SELECT max(id) FROM workpackages))"))
            db.session.execute(sa.text("ANALYZE"))
        else:
            db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return {"insert": insert_seconds, "index": index_seconds}


# --- measuring -------------------------------------------------------------------------------------------------

def queries(rng: random.Random, count: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """``count`` searches: (words, facet arguments)."""
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.4:
            words = rng.choice(QUERY_WORDS)
        elif roll < 0.6:
            words = rng.choice(QUERY_PREFIXES)
        elif roll < 0.8:
            words = rng.choice(QUERY_PAIRS)
        elif roll < 0.85:
            words = rng.choice(QUERY_MISSES)
        else:
            words = ""
        facets = []
        if rng.random() < 0.4 or not words:
            for name, values in rng.sample(FACETS, rng.randint(1, 2)):
                facets.append((name, rng.choice(values)))
        out.append((words, facets))
    return out


def url_for_query(words: str, facets: list[tuple[str, str]]) -> str:
    params = ([("q", words)] if words else []) + facets
    return "/werkpakketten" + ("?" + urlencode(params) if params else "")


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in seconds)
    return statistics.median(ms), statistics.quantiles(ms, n=20, method="inclusive")[18]


def time_service(app, searches, member_id: int | None) -> dict:
    """``services.search_packages`` in a request context, as the view calls it (the reader is loaded first,
    outside the clock: Flask-Login does that for every page)."""
    from flask import request
    from flask_login import AnonymousUserMixin

    from circles.accounts.models import User
    from circles.core.db import db
    from circles.workpackages import services

    seconds, hits = [], []
    for words, facets in searches[:10] + searches:  # the first ten twice: warming up
        with app.test_request_context(url_for_query(words, facets)):
            reader = db.session.get(User, member_id) if member_id else AnonymousUserMixin()
            start = time.perf_counter()
            listing = services.search_packages(reader, request.args.get("q", ""), request.args)
            seconds.append(time.perf_counter() - start)
            hits.append(listing.page.total)
    seconds, hits = seconds[10:], hits[10:]
    p50, p95 = percentiles(seconds)
    return {"p50": p50, "p95": p95, "hits_median": statistics.median(hits),
            "with_hits": sum(1 for h in hits if h) / len(hits)}


def logged_in_client(app, email: str):
    client = app.test_client()
    page = client.get("/account/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    response = client.post("/account/inloggen", data={"email": email, "password": PASSWORD,
                                                       "csrf_token": token.group(1) or token.group(2)})
    assert response.status_code == 302, "the bench member could not log in"
    return client


def time_pages(client, urls: list[str]) -> dict:
    seconds = []
    for url in urls[:10] + urls:
        start = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    p50, p95 = percentiles(seconds[10:])
    return {"p50": p50, "p95": p95}


def count_statements(app, client, url: str) -> int:
    """Statements of one request for ``url`` with the process caches empty (``circles.core.cache``: derived
    figures and whole public pages): the worst case, what a reader gets after any change. A request before
    it warms what a client loads once."""
    from circles.core import cache
    from circles.core.db import db

    with app.app_context():
        engine = db.engine
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    client.get(url)
    with app.app_context():
        cache.clear()
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def page_counts(app, world: dict) -> dict:
    anonymous, member = app.test_client(), logged_in_client(app, world["member_email"])
    return {url: (count_statements(app, anonymous, url), count_statements(app, member, url)) for url in PAGE_URLS}


def time_reindex(app, rng: random.Random, packages: int, times: int = 30) -> dict:
    """What every save of a package adds: replacing its document in the search index (rolled back)."""
    from circles.core import search
    from circles.core.db import db

    seconds = []
    with app.app_context():
        for _ in range(times):
            package_id = rng.randint(1, packages)
            start = time.perf_counter()
            search.index("package", package_id, "Assistent-conciërge bench", "kopiëren post rondbrengen " * 40)
            db.session.flush()
            seconds.append(time.perf_counter() - start)
            db.session.rollback()
    p50, p95 = percentiles(seconds)
    return {"p50": p50, "p95": p95}


def database_facts(app, tmp: Path | None) -> dict:
    from circles.core.db import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            version = db.session.scalar(sa.text("SHOW server_version"))
            size = db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
            return {"engine": "postgresql", "name": "PostgreSQL", "version": version, "size": size}
        version = db.session.scalar(sa.text("SELECT sqlite_version()"))
        size = sum(f.stat().st_size for f in tmp.iterdir())
        return {"engine": "sqlite", "name": "SQLite", "version": version, "size": size}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# --- the report ----------------------------------------------------------------------------------------------

def report(r: dict) -> str:
    floor = r["hello"]["p50"]

    def row(label, figures):
        return (f"| {label} | {figures['p50']:.1f} | {figures['p95']:.1f} | "
                f"{figures['p50'] / floor:.0f}× |")

    db_ = r["database"]
    lines = [
        f"<!-- search:{db_['engine']}:start -->",
        f"### {db_['name']} {db_['version']}, {r['packages']:,} packages",
        "",
        f"Run on {r['date']} with `{r['command']}` — {r['machine']}; Python {r['python']}, "
        f"SQLAlchemy {r['sqlalchemy']}, SQLite library {r['sqlite_library']}. Database size after filling: "
        f"{db_['size'] / 1e6:.0f} MB. Whole run: {r['total']:.0f} s. Load average (1 min) at the start "
        f"{r['load'][0]:.1f}, at the end {r['load'][1]:.1f}: other work on the machine shows in the figures.",
        "",
        f"Generated: {r['packages']:,} packages ({r['published']:,} published and readable by someone), "
        f"{r['tasks']:,} task lines, {r['adoptions']:,} adoptions. Bulk inserts took {r['fill']['insert']:.0f} s, "
        f"filling the search index through `services.index_package` {r['fill']['index']:.0f} s.",
        "",
        f"Latency over {r['queries']} searches of one or two words (accented words, prefixes, ~40 % with one or "
        f"two facets, a few that find nothing); median hits per search {r['anonymous']['hits_median']:.0f} "
        f"(anonymous), {r['anonymous']['with_hits']:.0%} of searches find something.",
        "",
        "| What | p50 (ms) | p95 (ms) | p50 × floor |",
        "|---|---:|---:|---:|",
        row("Floor: a hello-world route through the same test client", r["hello"]),
        row("`services.search_packages`, anonymous", r["anonymous"]),
        row("`services.search_packages`, member of 5 circles", r["member"]),
        row("Page `/werkpakketten?q=…`, anonymous", r["page_anonymous"]),
        row("Page `/werkpakketten?q=…`, member", r["page_member"]),
        row("Re-index one package (`search.index`, what every save adds)", r["reindex"]),
        "",
        f"SQL statements per page (anonymous / member), at N/10 = {r['packages'] // 10:,} and at "
        f"N = {r['packages']:,} packages:",
        "",
        "| Page | N/10 | N |",
        "|---|---:|---:|",
    ]
    for url, (small, large) in r["counts"].items():
        lines.append(f"| `{url}` | {small[0]} / {small[1]} | {large[0]} / {large[1]} |")
    same = all(small == large for small, large in r["counts"].values())
    lines += ["", "The statement counts are " + ("equal at both sizes." if same else "**not** equal: a listing "
                                                 "grows with the data."), f"<!-- search:{db_['engine']}:end -->"]
    return "\n".join(lines)


def write_results(path: Path, block: str, engine: str) -> None:
    results.write_results(path, "search", "Work-package search", block, engine)


# --- main ------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=50_000, help="how many packages to generate (50000)")
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' (a temporary file), 'postgres' ($CIRCLES_TEST_DATABASE_URL, as set by "
                             "scripts/with-postgres.sh) or a postgresql:// URL; its tables are DROPPED first")
    parser.add_argument("--queries", type=int, default=200, help="searches to time (200)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the results file (bench/RESULTS.md)")
    args = parser.parse_args(argv)
    if args.packages < 100:
        parser.error("use at least 100 packages")

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    uri = database_uri(args.database, parser)
    tmp = Path(uri.removeprefix("sqlite:///")).parent if args.database == "sqlite" else None
    rng = random.Random(args.seed)
    app = make_app(uri)
    fresh_schema(app)
    world = people_and_places(app, rng)

    tenth = args.packages // 10
    print(f"Generating {args.packages:,} packages...", file=sys.stderr)
    fill_small = fill(app, rng, world, 1, tenth)
    counts_small = page_counts(app, world)
    fill_large = fill(app, rng, world, tenth + 1, args.packages)
    counts_large = page_counts(app, world)
    print("Measuring...", file=sys.stderr)

    searches = queries(random.Random(args.seed + 1), args.queries)
    urls = [url_for_query(words, facets) for words, facets in searches]
    anonymous, member = app.test_client(), logged_in_client(app, world["member_email"])
    results = {
        "hello": time_pages(anonymous, ["/_bench/hallo"] * len(urls)),
        "anonymous": time_service(app, searches, None),
        "member": time_service(app, searches, world["member_id"]),
        "page_anonymous": time_pages(anonymous, urls),
        "page_member": time_pages(member, urls),
        "reindex": time_reindex(app, random.Random(args.seed + 2), args.packages),
    }

    from circles.core.db import db
    from circles.workpackages.models import Adoption, Task, WorkPackage

    with app.app_context():
        def count(model, *where):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

        totals = {"published": count(WorkPackage, WorkPackage.status == "published"), "tasks": count(Task),
                  "adoptions": count(Adoption)}
    command = "python -m bench.search --packages " + str(args.packages) + (
        "" if args.database == "sqlite" else " --database postgres")
    results.update(
        totals, packages=args.packages, queries=args.queries, database=database_facts(app, tmp),
        fill={key: fill_small[key] + fill_large[key] for key in ("insert", "index")},
        counts={url: (counts_small[url], counts_large[url]) for url in PAGE_URLS},
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), command=command,
        machine=f"{platform.system()} {platform.release()}, {cpu_model()}, {os.cpu_count()} CPUs",
        python=platform.python_version(), sqlalchemy=sa.__version__, sqlite_library=sqlite3.sqlite_version,
        total=time.perf_counter() - started, load=(load_before, os.getloadavg()[0]),
    )
    block = report(results)
    write_results(args.output, block, results["database"]["engine"])
    print(block)
    print(f"\nWritten to {args.output} ({results['total']:.0f} s).", file=sys.stderr)
    if tmp is not None:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
