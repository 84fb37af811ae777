"""Demo meetings for ``flask --app circles seed-demo`` (called from circles/demo.py). Idempotent: a
meeting is looked up by title and start first. Dates are relative to today, so the demo always has
past and upcoming meetings."""

from datetime import date, time, timedelta

import sqlalchemy as sa

from circles.core.db import db, utcnow
from circles.meetings import services
from circles.meetings.models import Meeting, MeetingKind
from circles.meetings.services import Repeat, When, local_to_utc, to_local

COORDINATOR = "coordinator@demo.leercirkels.nl"

AGENDA = """1. Opening en voorstelronde
2. Wat werkte er sinds de vorige keer?
3. Werkpakketten: een voorbeeld uit de praktijk
4. Afspraken en rondvraag"""

ACCESSIBLE = "Rolstoeltoegankelijk, lift bij de hoofdingang, ringleiding in de zaal."


def _exists(title: str, day: date, start: time) -> bool:
    return db.session.scalar(sa.select(Meeting.id).where(Meeting.title == title,
                                                          Meeting.starts_at == local_to_utc(day, start))) is not None


def _first_thursday_after(today: date) -> date:
    day = today + timedelta(days=1)
    while day.weekday() != 3:
        day += timedelta(days=1)
    return day


def seed_meetings(circles_by_name: dict, users_by_email: dict) -> int:
    """Create the demo meetings that are missing; returns how many meeting rows were added."""
    today = to_local(utcnow()).date()
    rijnmond = circles_by_name["Gemeenten Rijnmond"]
    twente = circles_by_name["Gemeenten Twente"]
    hbo = circles_by_name["Hogescholen en inclusief werkgeverschap"]
    vo = circles_by_name["Voortgezet onderwijs: goede voorbeelden"]
    coordinator = users_by_email[COORDINATOR]
    school = users_by_email["school@demo.leercirkels.nl"]
    place = {"location_name": "Stadhuis Rotterdam, zaal 3", "address": "Coolsingel 40, 3011 AD Rotterdam",
             "accessibility": ACCESSIBLE, "agenda": AGENDA}

    #: (circle, creator, title, days from today, start, end, extra fields, repeat)
    plans = [
        (rijnmond, coordinator, "Kennismaking: werkpakketten in Rijnmond", -42, time(14), time(16), place, None),
        (rijnmond, coordinator, "Terugblik jobcarving bij de gemeente Schiedam", -14, time(14), time(16), place, None),
        (rijnmond, coordinator, "Werkpakketten in de praktijk", 10, time(14), time(16), place, None),
        (rijnmond, coordinator, "Samen met het werkgeversservicepunt", 38, time(10), time(12),
         {**place, "partner_wsp": True}, None),
        (vo, school, "Webinar: stageplek wordt werkplek", 17, time(15, 30), time(17),
         {"kind": MeetingKind.WEBINAR, "online_url": "https://webinar.example.nl/vo-goede-voorbeelden",
          "agenda": "Twee scholen vertellen hoe een stagiair een vaste collega werd."}, None),
    ]
    added = 0
    for circle, creator, title, days, start, end, extra, repeat in plans:
        day = today + timedelta(days=days)
        if not _exists(title, day, start):
            added += len(services.create_meeting(creator, circle=circle, when=When(day, start, end), title=title,
                                                 repeat=repeat, **extra))

    title = "Leercirkel Gemeenten Twente"
    first = _first_thursday_after(today)
    if not _exists(title, first, time(14)):
        added += len(services.create_meeting(
            coordinator, circle=twente, when=When(first, time(14), time(16)), title=title,
            repeat=Repeat("weeks", interval=6, count=6), location_name="Stadskantoor Enschede",
            address="Hengelosestraat 51, 7514 AD Enschede", accessibility=ACCESSIBLE, agenda=AGENDA))

    title = "Regiobijeenkomst Rijnmond: werkgevers, werkgeversservicepunt en UWV"
    day = today + timedelta(days=21)
    if not _exists(title, day, time(10)):
        added += len(services.create_meeting(
            coordinator, when=When(day, time(10), time(12, 30)), title=title, region_code="AM22",
            invited=[rijnmond, hbo], partner_wsp=True, partner_uwv=True, capacity=2,
            partners_other="Hogeschool Rotterdam (gastheer)", location_name="Hogeschool Rotterdam, Museumpark",
            address="Museumpark 40, 3015 CX Rotterdam", accessibility=ACCESSIBLE,
            agenda="1. Wat biedt het werkgeversservicepunt?\n2. UWV over de doelgroepregistratie\n3. Matches maken"))
    db.session.flush()
    return added
