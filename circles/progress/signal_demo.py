"""Demo signals for ``flask --app circles seed-demo`` (called from circles/demo.py once the demo people and
organisations exist). The themes come from the seed documents: facility work that was outsourced, shrinking
schools, unclear rules, employees who are worse off after placement, job coaching that ends too soon, small
school boards without money, support among managers that fades.

Idempotent: a signal is looked up by its title, a recognition by signal and person, and the duplicate is
merged only once, so running it twice adds nothing. No text names a placed employee. Responses are set
directly (not through ``signals.respond``) so that seeding sends no e-mail.
"""

from datetime import timedelta

import sqlalchemy as sa

from circles.accounts import services as accounts
from circles.core import audit
from circles.core.db import db, utcnow
from circles.progress import signals
from circles.progress.models import Category, Recognition, Signal, SignalStatus

COORDINATOR = "coordinator@demo.leercirkels.nl"
DUPLICATE = "Facilitair werk is uitbesteed: geen plekken meer voor oud-leerlingen"
DUPLICATE_OF = "Schoonmaak en catering zijn uitbesteed: de banen zitten bij de aannemer"

#: Each: reporter, days ago, title, category, sector, region, description, status, response,
#: [(recogniser, note)].
SIGNALS = [
    {
        "reporter": "m.bos@demo.leercirkels.nl", "days_ago": 150, "title": DUPLICATE_OF,
        "category": Category.OUTSOURCING, "sector": "wo", "region": None,
        "description": "Onze schoonmaak, catering en beveiliging zijn jaren geleden uitbesteed. Juist daar zitten "
                       "de taken die goed passen bij mensen uit de doelgroep, maar de banen zijn van de aannemer en "
                       "tellen niet als onze banen. Met de aannemer afspraken maken over plaatsingen lukt alleen "
                       "bij een nieuwe aanbesteding, en dan nog is onduidelijk wie de baan telt.\n\n"
                       "**Wat zou helpen:** een vaste clausule voor social return in facilitaire contracten, en "
                       "duidelijkheid over het meetellen van gedetacheerde medewerkers.",
        "status": SignalStatus.FORWARDED,
        "response": "Besproken in de leercirkels van universiteiten, hogescholen en umc's: het speelt overal waar "
                    "facilitair werk is uitbesteed. Wij hebben het doorgezet naar het ministerie van BZK met de "
                    "vraag om een modelclausule voor aanbestedingen en om helderheid over het meetellen van "
                    "detacheringen.",
        "recognitions": [
            ("j.mulder@demo.leercirkels.nl", "Bij ons precies zo: de schoonmaak is uitbesteed, de kantine ook."),
            ("school@demo.leercirkels.nl", ""),
            ("umc@demo.leercirkels.nl", "Wij kijken bij de nieuwe aanbesteding van de catering naar social return."),
        ],
    },
    {
        "reporter": "d.koster@demo.leercirkels.nl", "days_ago": 120, "title": DUPLICATE,
        "category": Category.OUTSOURCING, "sector": "vo", "region": "AM22",
        "description": "Oud-leerlingen van onze praktijkschool zouden goed passen in de schoonmaak en de kantine "
                       "van scholen in de buurt, maar die zijn bijna overal uitbesteed.",
        "status": SignalStatus.NEW, "response": "",
        "recognitions": [("po@demo.leercirkels.nl", "In het primair onderwijs doet de schoonmaker het werk van "
                                                    "meerdere scholen tegelijk; daar is geen plek over.")],
    },
    {
        "reporter": "school@demo.leercirkels.nl", "days_ago": 200,
        "title": "Krimp: geen ruimte voor extra banen naast het vaste personeel",
        "category": Category.SHRINKAGE, "sector": "vo", "region": "AM05",
        "description": "Het aantal leerlingen daalt en we moeten formatie afbouwen. Een extra baan voor iemand uit "
                       "de doelgroep is dan moeilijk uit te leggen aan collega's van wie het contract niet wordt "
                       "verlengd, en een vast contract aanbieden durven we niet.",
        "status": SignalStatus.DISCUSSED,
        "response": "Besproken in de leercirkel voortgezet onderwijs. Scholen die ook krimpen, delen een "
                    "werkpakket over meerdere vestigingen, zodat de baan niet aan één locatie hangt. Zie het "
                    "werkpakket *Assistent-conciërge*.",
        "recognitions": [
            ("d.koster@demo.leercirkels.nl", "Speelt ook in de regio Rijnmond."),
            ("po@demo.leercirkels.nl", ""),
        ],
    },
    {
        "reporter": "l.smit@demo.leercirkels.nl", "days_ago": 180,
        "title": "Onduidelijk wat meetelt voor de taakstelling",
        "category": Category.REGULATIONS, "sector": None, "region": None,
        "description": "Telt een detachering via het SW-bedrijf mee, en voor wie? En inkoop bij een sociale "
                       "onderneming? Elke organisatie telt anders, zodat de cijfers van provincies en "
                       "waterschappen niet te vergelijken zijn met die van gemeenten.",
        "status": SignalStatus.FORWARDED,
        "response": "Doorgezet naar de Werkkamer en het ministerie van SZW met het verzoek om één telinstructie "
                    "voor alle sectoren. Tot die er is: noteer bij uw voortgangscijfers de bron (eigen telling, "
                    "sectormonitor of UWV).",
        "recognitions": [
            ("r.hoekstra@demo.leercirkels.nl", "Wij tellen alleen eigen dienstverbanden; de buren ook detacheringen."),
            ("e.vandijk@demo.leercirkels.nl", ""),
            ("a.yilmaz@demo.leercirkels.nl", "Bij gemeenschappelijke regelingen is helemaal onduidelijk wie telt."),
            ("p.dekker@demo.leercirkels.nl", ""),
        ],
    },
    {
        "reporter": "p.dekker@demo.leercirkels.nl", "days_ago": 40,
        "title": "Loonkostensubsidie of loondispensatie: welke regeling geldt?",
        "category": Category.INSTRUMENTS, "sector": None, "region": None,
        "description": "Leidinggevenden weten niet of zij loonkostensubsidie van de gemeente of loondispensatie "
                       "van UWV kunnen krijgen, en wat het verschil voor de medewerker betekent. Het uitzoeken "
                       "kost weken, en intussen gaat de kandidaat ergens anders aan de slag.",
        "status": SignalStatus.NEW, "response": "",
        "recognitions": [
            ("lid@demo.leercirkels.nl", "Een beslisboom zou enorm helpen."),
            ("j.mulder@demo.leercirkels.nl", ""),
        ],
    },
    {
        "reporter": "d.koster@demo.leercirkels.nl", "days_ago": 300,
        "title": "Medewerker gaat er financieel op achteruit na plaatsing",
        "category": Category.FUNDING, "sector": None, "region": None,
        "description": "Na een plaatsing gaat een medewerker er soms op achteruit in plaats van vooruit: toeslagen "
                       "en kwijtscheldingen vallen weg (de armoedeval). Meer uren of een hogere schaal lost dat "
                       "niet altijd op. Dat ondermijnt het draagvlak bij de medewerker en bij de begeleiders.",
        "status": SignalStatus.FORWARDED,
        "response": "Een bekend knelpunt, ook uit het onderzoek naar goede voorbeelden in het vo. Doorgezet naar "
                    "het ministerie van SZW. Praktische tip uit de leercirkels: laat de gemeente of het "
                    "werkgeversservicepunt vóór de plaatsing een inkomensberekening maken.",
        "recognitions": [
            ("school@demo.leercirkels.nl", "Wij zagen het bij twee plaatsingen."),
            ("lid@demo.leercirkels.nl", ""),
            ("a.yilmaz@demo.leercirkels.nl", "De inkomensberekening vooraf werkt bij ons goed."),
        ],
    },
    {
        "reporter": "lid@demo.leercirkels.nl", "days_ago": 240,
        "title": "Jobcoaching stopt te vroeg",
        "category": Category.SUPPORT, "sector": "gemeenten", "region": "AM05",
        "description": "De externe jobcoach wordt voor een half jaar toegekend. Bij wisselingen in het team of "
                       "nieuwe taken is daarna weer begeleiding nodig, maar een verlenging aanvragen duurt lang "
                       "en de werkbegeleider draait het er intussen bij.",
        "status": SignalStatus.SOLVED,
        "response": "UWV beoordeelt een verlenging nu binnen vier weken als de werkgever de aanvraag vóór het "
                    "einde van de toekenning indient. De leercirkel Gemeenten Twente heeft een checklist gemaakt "
                    "voor de aanvraag.",
        "recognitions": [
            ("t.peters@demo.leercirkels.nl", ""),
            ("e.vandijk@demo.leercirkels.nl", "Ook bij Defensie: begeleiding is vaak langer nodig dan gedacht."),
        ],
    },
    {
        "reporter": "po@demo.leercirkels.nl", "days_ago": 25,
        "title": "Kleine schoolbesturen hebben geen geld voor extra plekken",
        "category": Category.FUNDING, "sector": "po", "region": None,
        "description": "Een klein schoolbestuur heeft geen ruimte in de begroting om een extra baan te betalen, "
                       "ook niet met loonkostensubsidie. De kosten van begeleiding en aanpassingen komen er nog bij.",
        "status": SignalStatus.NEW, "response": "",
        "recognitions": [("d.koster@demo.leercirkels.nl", "")],
    },
    {
        "reporter": "e.vandijk@demo.leercirkels.nl", "days_ago": 90,
        "title": "Draagvlak bij leidinggevenden zakt weg na de eerste plaatsingen",
        "category": Category.COMMITMENT, "sector": "defensie", "region": None,
        "description": "De eerste plaatsingen kregen veel aandacht. Nu de plekken die met extra middelen zijn "
                       "gemaakt in de gewone formatie moeten passen, haken leidinggevenden af.",
        "status": SignalStatus.DISCUSSED,
        "response": "Besproken in de leercirkels van Defensie en de politie. Afgesproken: de plaatsingen komen in "
                    "de jaargesprekken van leidinggevenden, en de goede voorbeelden worden gedeeld als werkpakket.",
        "recognitions": [("t.peters@demo.leercirkels.nl", "Herkenbaar bij de politie-eenheden.")],
    },
]


def _ensure_accounts() -> None:
    """The primary-school account comes with the work-package demo; make it here too when this part runs
    first, so that a second run adds nothing either way."""
    from circles.demo import DEMO_PASSWORD
    from circles.workpackages.demo import EXTRA_ACCOUNTS

    for email, name, function, org_name in EXTRA_ACCOUNTS:
        organisation = accounts.find_organisation_by_name(org_name)
        if accounts.get_user_by_email(email) is None and organisation is not None:
            accounts.register_user(name=name, email=email, password=DEMO_PASSWORD, function=function,
                                   organisation=organisation)


def seed_signals() -> None:
    """Create the demo signals, recognitions, responses and the merged duplicate that are missing.
    Flushes; the caller commits."""
    _ensure_accounts()
    now = utcnow()
    coordinator = accounts.get_user_by_email(COORDINATOR)
    for plan in SIGNALS:
        reporter = accounts.get_user_by_email(plan["reporter"])
        if reporter is None:
            continue
        signal = db.session.scalar(sa.select(Signal).where(Signal.title == plan["title"]))
        if signal is None:
            signal = signals.report_signal(reporter, title=plan["title"], category=plan["category"],
                                           description=plan["description"], sector_code=plan["sector"],
                                           region_code=plan["region"])
            signal.created_at = signal.updated_at = now - timedelta(days=plan["days_ago"])
            if plan["status"] != SignalStatus.NEW and coordinator is not None:
                signal.status, signal.response = plan["status"], plan["response"]
                signal.responded_at = now - timedelta(days=plan["days_ago"] // 3)
                signal.responded_by_id = coordinator.id
                audit.record("signal.responded", actor=coordinator, obj_type="signal", obj_id=signal.id,
                             old=SignalStatus.NEW, new=plan["status"], response_changed=True)
        if signal.merged_into_id is not None:
            continue
        for email, note in plan["recognitions"]:
            person = accounts.get_user_by_email(email)
            if person is None or person.id == signal.reported_by_id:
                continue
            if db.session.scalar(sa.select(Recognition.id).where(Recognition.signal_id == signal.id,
                                                                 Recognition.user_id == person.id)) is None:
                db.session.add(Recognition(signal_id=signal.id, user_id=person.id,
                                           organisation_id=person.organisation_id, note=note,
                                           created_at=signal.created_at + timedelta(days=3)))
        db.session.flush()

    duplicate = db.session.scalar(sa.select(Signal).where(Signal.title == DUPLICATE))
    original = db.session.scalar(sa.select(Signal).where(Signal.title == DUPLICATE_OF))
    if duplicate is not None and original is not None and duplicate.merged_into_id is None and coordinator:
        signals.merge(coordinator, duplicate, original.id)
        db.session.flush()
