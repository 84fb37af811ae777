"""Demo work packages, good-practice cases and adoptions for ``flask --app circles seed-demo`` (called from
circles/demo.py). Drawn from the sector publications (domain.md sections 5 and 6) and the themes of the
Voion study: the employee was known through an internship, work in the facilities department, on the
administration office and in the classroom.

Everything goes through the services, so revisions, the search index and the audit log are as real use
would leave them. Idempotent: packages and cases are looked up by title, adoptions by source and
organisation, before anything is made. No text says who a placed employee is: numbers are aggregates,
quotes are by role, and an employee's quote carries a recorded consent.
"""

from datetime import timedelta

import sqlalchemy as sa

from circles.accounts import services as accounts
from circles.accounts.models import Role, User
from circles.core import audit
from circles.core.db import db, utcnow
from circles.groups.models import Visibility
from circles.groups.services import coordinators
from circles.workpackages import case_services, services
from circles.workpackages.models import Adoption, Case, Status, WorkPackage

ADMIN = "beheerder@demo.leercirkels.nl"
EDITOR = "redacteur@demo.leercirkels.nl"

#: An account for the primary-school foundation, which has no demo account of its own in circles/demo.py:
#: (email, name, function, organisation).
EXTRA_ACCOUNTS = [
    ("po@demo.leercirkels.nl", "Yvonne de Graaf", "HR-adviseur bovenschools",
     "Stichting Openbaar Primair Onderwijs Haaglanden"),
]

A, G = "zelfstandig_na_instructie", "onder_begeleiding"


def _task(description: str, frequency: str, hours: float, independence: str = A, tools: str = "") -> dict:
    return {"description": description, "frequency": frequency, "hours_per_week": hours,
            "independence": independence, "tools": tools}


# --- work packages -----------------------------------------------------------------------------------------
#: Each: who writes it, in which circle, how far it got ("public"/"platform": published after review,
#: "circle": published to the circle, "review": waiting for a reviewer, "draft"), published how many days
#: ago, and the content (the keys of circles.workpackages.content.KEYS).
PACKAGES = [
    {
        "author": "school@demo.leercirkels.nl", "circle": "Voortgezet onderwijs: goede voorbeelden",
        "publish": "public", "days_ago": 120,
        "content": {
            "title": "Assistent-conciërge",
            "summary": "Een baan van 20 tot 24 uur per week met taken die conciërges en docenten nu 'erbij' doen: "
                       "kopiëren, lokalen klaarzetten, post rondbrengen en het schoolplein netjes houden. Op drie "
                       "vestigingen van een scholengroep in gebruik.",
            "sectors": ["vo"], "setting": "conciergerie", "hours_min": 20, "hours_max": 24,
            "work_level": "mbo1_entree",
            "skills": "Kan werken met een vaste dagstructuur en een takenlijst met pictogrammen. Is graag in "
                      "beweging en helpt collega's graag. Geen diploma nodig; wel betrouwbaar en op tijd.",
            "taken_from": "Conciërges (kopiëren, post, lokalen klaarzetten), docenten (materiaal voorbereiden, "
                          "lamineren) en de administratie (post sorteren).",
            "relief": "De twee conciërges houden ongeveer 8 uur per week over voor toezicht en contact met "
                      "leerlingen; docenten samen naar schatting 4 uur per week minder voorbereidend werk.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "proefplaatsing"],
            "pay_scale": "Cao vo, laagste schaal (minimumloonniveau)",
            "guidance": ["interne_werkbegeleider", "jobcoach_extern"],
            "guidance_notes": "De hoofdconciërge is de vaste werkbegeleider en begint elke ochtend met een korte "
                              "dagstart. Een externe jobcoach komt het eerste halfjaar om de week, daarna elke maand.",
            "adjustments": "Een takenbord met pictogrammen in de conciërgeloge, een eigen kast en vaste pauzes "
                           "buiten de drukte van de lesuurwisseling.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening", "lkv_banenafspraak"],
            "cost_one_off": 1500, "cost_yearly": 21000, "subsidies_yearly": 9500,
            "cost_notes": "Loonkosten min loonkostensubsidie en LKV, door de school zelf gewogen. Eenmalig: "
                          "werkkleding, het takenbord en een training voor de conciërges.",
            "preconditions": "De schoolleiding staat erachter en maakt tijd vrij voor de werkbegeleider (in het "
                             "begin ongeveer 2 uur per week). Het team weet vooraf welke taken overgaan.",
            "pitfalls": "Niet alle losse klusjes bij de nieuwe collega neerleggen: een vaste lijst voorkomt "
                        "overvraging. Let op de drukte bij de lesuurwisseling en in de toetsweek.",
            "tips": "Vraag docenten een week lang te noteren welke klusjes zij 'erbij' doen: daar zit vaak een "
                    "werkpakket in. Begin met een stage of proefplaatsing, zodat iedereen elkaar leert kennen.",
            "tasks": [
                _task("Kopieer- en lamineeropdrachten van docenten uitvoeren en in de postvakken leggen",
                      "dagelijks", 6, tools="Kopieerapparaat, lamineermachine"),
                _task("Lokalen en de aula klaarzetten voor toetsen, ouderavonden en vergaderingen", "wekelijks", 5,
                      tools="Plattegrond per opstelling"),
                _task("Post en pakketten sorteren en rondbrengen", "dagelijks", 3),
                _task("Schoolplein en fietsenstalling opruimen en afvalbakken legen", "dagelijks", 4, G,
                      "Prikstok, afvalkar"),
                _task("Voorraad aanvullen: papier, toner, whiteboardstiften", "wekelijks", 2),
                _task("Helpen bij de kluisjes en de gevonden voorwerpen", "wekelijks", 2, G),
            ],
        },
    },
    {
        "author": "d.koster@demo.leercirkels.nl", "circle": "Voortgezet onderwijs: goede voorbeelden",
        "publish": "public", "days_ago": 95,
        "content": {
            "title": "Schoonmaakmedewerker in eigen dienst (schoonmaak teruggehaald)",
            "summary": "De school haalde de schoonmaak terug van een schoonmaakbedrijf en maakte er vier banen van "
                       "15 tot 20 uur van, voor oud-leerlingen en anderen uit het doelgroepregister. Met een eigen "
                       "ploegleider en vaste routes.",
            "sectors": ["vo", "po"], "setting": "schoonmaak", "hours_min": 15, "hours_max": 20,
            "work_level": "praktisch",
            "skills": "Werkt graag met de handen en kan een vaste route volgen. Kan vroeg in de ochtend of na "
                      "schooltijd werken. Tilt tot 10 kilo.",
            "taken_from": "Het schoonmaakcontract met een extern bedrijf (na afloop niet verlengd) en de conciërge, "
                          "die tussendoor toiletten en kantine bijhield.",
            "relief": "De conciërge hoeft niet meer tussendoor schoon te maken; het aantal klachten over de "
                      "schoonmaak daalde in het eerste jaar duidelijk.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "detachering_sw"],
            "pay_scale": "Cao vo, laagste schaal; de ploegleider één schaal hoger",
            "guidance": ["interne_werkbegeleider", "buddy", "training_leidinggevende"],
            "guidance_notes": "Een ploegleider uit het eigen team werkt mee en begeleidt. De facilitair manager "
                              "volgde bij het sw-bedrijf een training over leidinggeven aan mensen met een "
                              "arbeidsbeperking.",
            "adjustments": "Schoonmaakroutes met een foto per lokaal, doeken en emmers met kleurcodes, en een vaste "
                           "startplek met een eigen kast.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "praktijkroute_loonwaardemeting",
                            "werkplekaanpassing"],
            "cost_one_off": 6000, "cost_yearly": 68000, "subsidies_yearly": 30000,
            "cost_notes": "Voor vier banen samen. Vergeleken met het oude contract ongeveer even duur, met meer "
                          "invloed op kwaliteit en roosters. Machines en materiaal zijn eenmalig aangeschaft.",
            "preconditions": "Het oude contract moet aflopen of opzegbaar zijn; bespreek op tijd wat dat betekent "
                             "voor de mensen van het schoonmaakbedrijf. Een vaste ploegleider is onmisbaar.",
            "pitfalls": "Roosters die alleen vroeg in de ochtend of laat in de avond vallen, passen niet iedereen. "
                        "Reken de eerste maanden niet op het tempo van een professioneel schoonmaakbedrijf.",
            "tips": "Laat de loonwaardemeting doen als de routes zijn ingeslepen, niet in de eerste week. Maak de "
                    "ploeg gemengd: met en zonder arbeidsbeperking.",
            "tasks": [
                _task("Lokalen en gangen vegen en dweilen volgens de vaste route", "dagelijks", 8,
                      tools="Routekaart met foto's, kleurcodes"),
                _task("Toiletten en kleedkamers schoonmaken en aanvullen", "dagelijks", 4),
                _task("De kantine na de pauzes schoonmaken", "dagelijks", 3),
                _task("Afval scheiden en naar de containers brengen", "dagelijks", 2, G),
                _task("Periodiek schoonmaakwerk: ramen binnenzijde, deurklinken, plinten", "maandelijks", 1, G),
            ],
        },
    },
    {
        "author": "po@demo.leercirkels.nl", "circle": None, "publish": "public", "days_ago": 80,
        "content": {
            "title": "Klassenassistent in de onderbouw (groep 1 tot en met 4)",
            "summary": "Praktische hulp in de klas: materiaal klaarzetten, jassen en veters, opruimen na het "
                       "knutselen, mee naar buiten bij het buitenspelen. Leraren houden meer tijd voor de kinderen. "
                       "12 tot 16 uur per week, verdeeld over vier ochtenden.",
            "sectors": ["po"], "setting": "onderwijs_in_de_klas", "hours_min": 12, "hours_max": 16,
            "work_level": "mbo1_entree",
            "skills": "Gaat goed om met jonge kinderen en blijft rustig in een drukke klas. Volgt de aanwijzingen "
                      "van de leraar. Een Verklaring Omtrent het Gedrag (VOG) is verplicht.",
            "taken_from": "Leraren en onderwijsassistenten van groep 1 tot en met 4.",
            "relief": "De leraren van de onderbouw houden samen ongeveer 6 uur per week over voor instructie en "
                      "werken in kleine groepjes.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "proefplaatsing"],
            "pay_scale": "Cao po, laagste schaal",
            "guidance": ["interne_werkbegeleider", "jobcoach_intern"],
            "guidance_notes": "De bouwcoördinator is werkbegeleider. De stichting heeft een interne jobcoach die "
                              "voor alle scholen werkt.",
            "adjustments": "Een dagschema met plaatjes naast het rooster van de klas, en per dag één vast "
                           "aanspreekpunt.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening", "sectorfonds_subsidie"],
            "cost_one_off": 500, "cost_yearly": 14000, "subsidies_yearly": 6500,
            "cost_notes": "Het Arbeidsmarktplatform PO gaf subsidie voor het uitwerken van het takenpakket; de "
                          "loonkostensubsidie komt van de gemeente.",
            "preconditions": "Het team kiest zelf welke taken overgaan. Maak duidelijk dat de klassenassistent "
                             "geen leraar of onderwijsassistent is: geeft geen les en houdt nooit alleen toezicht.",
            "pitfalls": "Inzetten als invaller waar het toevallig nodig is, werkt niet: vaste groepen en vaste "
                        "leraren wel.",
            "tips": "Zoek taken die leraren nu tussendoor doen: potloden slijpen, veters strikken, kopiëren, "
                    "brieven klaarleggen, stapelen en lamineren.",
            "tasks": [
                _task("Materiaal voor de lessen en het knutselen klaarzetten en opruimen", "dagelijks", 4,
                      tools="Lijst per dag, bakken met labels"),
                _task("Helpen bij jassen, veters en het naar buiten gaan", "dagelijks", 3, G),
                _task("Potloden slijpen, kopiëren, lamineren en brieven klaarleggen voor de tassen", "wekelijks", 3,
                      tools="Lamineermachine"),
                _task("Meelopen bij het buitenspelen en de gymles, samen met de leraar", "wekelijks", 3, G),
                _task("Speelhoeken en de klas aan het eind van de ochtend netjes maken", "dagelijks", 2),
            ],
        },
    },
    {
        "author": "a.yilmaz@demo.leercirkels.nl", "circle": "Gemeenten Groot Amsterdam",
        "publish": "platform", "days_ago": 70,
        "content": {
            "title": "Facilitair medewerker stadsdeelkantoor",
            "summary": "Een vaste ronde langs vergaderzalen, pantry's en printers, en zalen klaarzetten. Haalt "
                       "werk weg bij de facilitaire balie en de bodes. 20 tot 24 uur per week, in een vast team.",
            "sectors": ["gemeenten"], "setting": "facilitaire_dienst", "hours_min": 20, "hours_max": 24,
            "work_level": "mbo1_entree",
            "skills": "Kan een vaste ronde lopen en afvinken wat klaar is. Is vriendelijk tegen bezoekers en "
                      "collega's. Kan met hulp een melding doen in het facilitaire meldsysteem.",
            "taken_from": "De facilitaire balie (zalen klaarzetten, pantry's bijvullen), de bodes (printerpapier, "
                          "post) en de huismeester.",
            "relief": "Baliemedewerkers krijgen ongeveer 10 uur per week terug voor meldingen en bezoekers.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "uitzend_payroll"],
            "pay_scale": "Cao Gemeenten, laagste schaal",
            "guidance": ["interne_werkbegeleider", "buddy", "jobcoach_extern"],
            "guidance_notes": "Een collega van de facilitaire balie is buddy. De werkbegeleider volgde een training "
                              "voor werkbegeleiders; de jobcoach komt het eerste jaar elke maand.",
            "adjustments": "De ronde als checklist op een tablet, en een rustige plek voor de pauze.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening", "lkv_banenafspraak",
                            "proefplaatsing"],
            "cost_one_off": 1200, "cost_yearly": 24000, "subsidies_yearly": 11000,
            "cost_notes": "De tablet en werkkleding zijn eenmalig. Loonkosten min loonkostensubsidie en LKV.",
            "preconditions": "De afdelingsmanager facilitair is eigenaar van de baan; de baliemedewerkers zijn "
                             "betrokken bij het kiezen van de taken.",
            "pitfalls": "Een ronde zonder vaste volgorde leidt tot vragen van iedereen tegelijk. Spreek af wie de "
                        "opdrachten geeft.",
            "tips": "Begin met een proefplaatsing van twee maanden via de gemeente; zo weet u welke taken goed "
                    "passen voordat de baan vastligt.",
            "tasks": [
                _task("Vergaderzalen klaarzetten volgens de reserveringen van de dag", "dagelijks", 6,
                      tools="Reserveringslijst, plattegrond per opstelling"),
                _task("Pantry's bijvullen: koffie, melk, servies in en uit de vaatwasser", "dagelijks", 6),
                _task("Printers langslopen, papier bijvullen en storingen melden", "dagelijks", 3,
                      tools="Meldsysteem op de tablet"),
                _task("Post en pakketten van de centrale balie naar de afdelingen brengen", "dagelijks", 4),
                _task("Flexplekken aan het eind van de dag nalopen op achtergelaten spullen", "dagelijks", 3, G),
            ],
        },
    },
    {
        "author": "p.dekker@demo.leercirkels.nl", "circle": "Gemeenten Rijnmond", "publish": "public",
        "days_ago": 110,
        "content": {
            "title": "Medewerker post en archief",
            "summary": "Post openen, scannen en registreren, interne post rondbrengen en het papieren archief op "
                       "orde houden. Samengesteld uit taken van de bode, de secretariaten en de archiefafdeling: "
                       "20 tot 24 uur per week.",
            "sectors": ["gemeenten", "provincies"], "setting": "post_archief", "hours_min": 20, "hours_max": 24,
            "work_level": "mbo2",
            "skills": "Werkt nauwkeurig en kan zich lang concentreren op herhalend werk. Kan met een computer "
                      "overweg (scannen, een zaaknummer intypen). Gaat zorgvuldig om met vertrouwelijke post.",
            "taken_from": "Bodes (post rondbrengen), secretariaten (post openen en registreren) en de afdeling "
                          "documentaire informatievoorziening (archief ordenen).",
            "relief": "De secretariaten samen ongeveer 12 uur per week; de archiefafdeling werkte een achterstand "
                      "van drie jaar weg.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "detachering_sw"],
            "pay_scale": "Cao Gemeenten, laagste schaal",
            "guidance": ["interne_werkbegeleider", "jobcoach_extern", "training_leidinggevende"],
            "guidance_notes": "De teamleider van de postkamer is werkbegeleider. De jobcoach van het sw-bedrijf "
                              "begeleidde het eerste jaar en schoof aan bij de evaluaties.",
            "adjustments": "Een vaste werkplek bij de scanner, een koptelefoon tegen geluid en een stappenplan voor "
                           "post die direct naar een afdeling moet.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening",
                            "praktijkroute_loonwaardemeting"],
            "cost_one_off": 800, "cost_yearly": 23000, "subsidies_yearly": 10500,
            "cost_notes": "De gemeente weegt de kosten tegen de uren die secretariaten terugkrijgen en het "
                          "weggewerkte archief.",
            "preconditions": "Een vaste postkamer met één aanspreekpunt. Afspraken met de secretariaten over wat "
                             "zij niet meer zelf doen.",
            "pitfalls": "Post met spoed (bezwaren, termijnen) hoort een eigen, duidelijke route te hebben; anders "
                        "ligt de verantwoordelijkheid onbedoeld bij de nieuwe collega.",
            "tips": "Maak het stappenplan met schermafdrukken samen met de medewerker; zo sluit het aan bij hoe "
                    "die het werk leert.",
            "tasks": [
                _task("Binnenkomende post openen, stempelen en sorteren", "dagelijks", 6,
                      tools="Briefopener, datumstempel"),
                _task("Post scannen en registreren in het zaaksysteem", "dagelijks", 8,
                      tools="Scanner, stappenplan met schermafdrukken"),
                _task("Interne post en pakketten rondbrengen", "dagelijks", 4),
                _task("Dossiers ordenen, nietjes verwijderen en klaarmaken voor het archief", "wekelijks", 4, G),
                _task("Uitgaande post frankeren en klaarleggen voor de koerier", "dagelijks", 2,
                      tools="Frankeermachine"),
            ],
        },
    },
    {
        "author": ADMIN, "circle": "Rijksoverheid: team inclusief", "publish": "public", "days_ago": 60,
        "content": {
            "title": "Medewerker bedrijfsrestaurant rijkskantoor",
            "summary": "Broodjes en salades bereiden, de uitgifte bijvullen, afruimen en de vaatwasser draaien in "
                       "het bedrijfsrestaurant van een rijkskantoor. 16 tot 20 uur per week, in de ochtend en rond "
                       "de lunch.",
            "sectors": ["rijk", "zbo"], "setting": "catering", "hours_min": 16, "hours_max": 20,
            "work_level": "mbo1_entree",
            "skills": "Werkt hygiënisch en volgt na instructie de HACCP-regels. Kan tegen de drukte tussen 12 en "
                      "13 uur. Staat graag: lang staan hoort erbij.",
            "taken_from": "Medewerkers van de cateraar en de gastvrouw van het restaurant; in het nieuwe contract "
                          "met de cateraar is afgesproken dat deze taken in eigen dienst komen.",
            "relief": "De cateraar huurt rond de lunch minder in; de gastvrouw heeft tijd voor "
                      "vergaderarrangementen.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "detachering_sw"],
            "pay_scale": "Cao Rijk, laagste schaal",
            "guidance": ["interne_werkbegeleider", "jobcoach_extern"],
            "guidance_notes": "De chef van het restaurant is werkbegeleider; de jobcoach komt elke twee weken en "
                              "is telefonisch bereikbaar.",
            "adjustments": "Een werkblad op de juiste hoogte, een stappenkaart per broodje en een rustige "
                           "pauzeruimte buiten het restaurant.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening", "werkplekaanpassing"],
            "cost_one_off": 2500, "cost_yearly": 19000, "subsidies_yearly": 8000,
            "cost_notes": "Het werkblad is vergoed als werkplekaanpassing. De rest weegt de dienst tegen minder "
                          "inhuur van de cateraar.",
            "preconditions": "Afspraken in het contract met de cateraar over wie wat doet en wie aanstuurt.",
            "pitfalls": "Twee bazen (cateraar en eigen organisatie) zonder duidelijke afspraak geven onrust. "
                        "Leg vast wie de werkbegeleider is.",
            "tips": "Neem de eigen baan op in de aanbesteding van de catering: social return en een eigen baan "
                    "kunnen elkaar versterken.",
            "tasks": [
                _task("Broodjes en salades bereiden volgens de kaart van de dag", "dagelijks", 6,
                      tools="Stappenkaart met foto's"),
                _task("De uitgifte en de koelingen bijvullen en de houdbaarheid controleren", "dagelijks", 4),
                _task("Tafels afruimen en schoonmaken tijdens en na de lunch", "dagelijks", 5),
                _task("De vaatwasser vullen en leegmaken", "dagelijks", 3),
                _task("Leveringen uitpakken en opslaan in koelcel en magazijn", "wekelijks", 2, G),
            ],
        },
    },
    {
        "author": "r.hoekstra@demo.leercirkels.nl", "circle": "Provincies en waterschappen samen",
        "publish": "public", "days_ago": 50,
        "content": {
            "title": "Medewerker groenonderhoud dijken en terreinen",
            "summary": "Buitenwerk in een vaste ploeg: maaisel harken, zwerfafval rapen, hekken en stuwen "
                       "vrijhouden en het terrein van de zuivering bijhouden. 24 tot 25,5 uur per week, in het "
                       "voorjaar en de zomer drukker.",
            "sectors": ["waterschappen", "provincies"], "setting": "groen", "hours_min": 24, "hours_max": 25.5,
            "work_level": "praktisch",
            "skills": "Werkt graag buiten, ook bij regen en kou. Kan met eenvoudig handgereedschap werken; voor de "
                      "bosmaaier volgt een cursus. Een rijbewijs is niet nodig: de ploeg rijdt samen.",
            "taken_from": "De buitendienstploeg (handwerk rond dijken en stuwen) en een groenaannemer (het terrein "
                          "van de rioolwaterzuivering).",
            "relief": "De vakmensen van de buitendienst houden tijd over voor machinaal maaien en onderhoud van "
                      "kunstwerken; er is minder inhuur van de aannemer nodig.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "detachering_sw"],
            "pay_scale": "SAW (waterschappen), laagste schaal",
            "guidance": ["interne_werkbegeleider", "buddy", "jobcoach_extern"],
            "guidance_notes": "De voorman begint elke dag op het terrein met een korte uitleg. Een vaste collega "
                              "uit de ploeg is buddy.",
            "adjustments": "Werkkleding en veiligheidsschoenen op maat, een vaste ploeg en een voorman die de dag "
                           "begint met een korte uitleg op het terrein.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "lkv_banenafspraak", "jobcoach_voorziening"],
            "cost_one_off": 1800, "cost_yearly": 26000, "subsidies_yearly": 12000,
            "cost_notes": "Eenmalig: persoonlijke beschermingsmiddelen en de cursus bosmaaier.",
            "preconditions": "Een ploeg die de nieuwe collega wil opnemen, en een voorman met tijd voor uitleg.",
            "pitfalls": "In de winter is er minder werk: plan binnenwerk in de loods of in de werkplaats, anders "
                        "staat de baan elk jaar ter discussie.",
            "tips": "Werk samen met gemeenten en de provincie in een regionale pool: dan is er ook in de winter "
                    "genoeg groenwerk.",
            "tasks": [
                _task("Maaisel harken en afvoeren langs dijken en watergangen", "piek_seizoen", 8, G,
                      "Hark, riek, kruiwagen"),
                _task("Zwerfafval rapen op dijken en rond gemalen", "wekelijks", 5, tools="Prikstok, afvalzakken"),
                _task("Het terrein van de rioolwaterzuivering bijhouden: onkruid, bladeren, paden", "wekelijks", 6),
                _task("Hekken, roosters en stuwen vrijhouden van takken en drijfvuil", "wekelijks", 4, G),
                _task("Gereedschap schoonmaken en in de loods opbergen", "dagelijks", 2.5),
            ],
        },
    },
    {
        "author": "umc@demo.leercirkels.nl", "circle": "Leernetwerk umc's", "publish": "public", "days_ago": 100,
        "content": {
            "title": "Laboratoriumondersteuner spoelkeuken en voorraad",
            "summary": "Glaswerk spoelen en autoclaveren, voorraden aanvullen en monsters rondbrengen: werk dat "
                       "analisten nu tussendoor doen. Ontstaan na jobcarving op drie laboratoria. 20 tot 25,5 uur "
                       "per week.",
            "sectors": ["umc", "wo"], "setting": "laboratorium_zorg", "hours_min": 20, "hours_max": 25.5,
            "work_level": "mbo1_entree",
            "skills": "Werkt precies en volgens protocol, en begrijpt waarom veiligheid en hygiëne zo belangrijk "
                      "zijn. Kan een barcodescanner gebruiken. Laboratoriumervaring is niet nodig.",
            "taken_from": "Analisten en researchanalisten van drie laboratoria (spoelen, autoclaveren, voorraad) "
                          "en de interne logistiek (monsters rondbrengen).",
            "relief": "Analisten samen ongeveer 15 uur per week meer tijd voor analyses; minder verspilling door "
                      "verlopen voorraad.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd"],
            "pay_scale": "Cao umc, schaal op minimumloonniveau (daarvoor is de cao eerst aangepast)",
            "guidance": ["interne_werkbegeleider", "jobcoach_intern", "training_leidinggevende"],
            "guidance_notes": "Het umc heeft eigen interne jobcoaches. Per laboratorium is één analist "
                              "werkbegeleider; leidinggevenden volgden een training over inclusief leiderschap.",
            "adjustments": "Protocollen met foto's bij elke machine, een vaste volgorde per dag en "
                           "gehoorbescherming bij de spoelmachines.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening",
                            "praktijkroute_loonwaardemeting", "lkv_banenafspraak"],
            "cost_one_off": 3000, "cost_yearly": 27000, "subsidies_yearly": 12500,
            "cost_notes": "Eenmalig: fotoprotocollen en de training voor leidinggevenden. De interne jobcoach "
                          "wordt deels vergoed.",
            "preconditions": "Een schaal op minimumloonniveau in de cao, of een andere afspraak over de "
                             "inschaling. Een laboratoriumhoofd dat de baan wil.",
            "pitfalls": "Denk vooraf na over groei: wat kan de medewerker over twee jaar? Niet alleen over de "
                        "gecreëerde functie.",
            "tips": "Doe de werkanalyse (jobcarving) met de analisten zelf: zij weten welk werk blijft liggen. "
                    "Begin op één laboratorium en breid daarna uit.",
            "tasks": [
                _task("Glaswerk en materialen spoelen en in de spoelmachine zetten", "dagelijks", 8,
                      tools="Spoelmachine, fotoprotocol"),
                _task("Materialen autoclaveren volgens protocol en registreren", "dagelijks", 5, G,
                      "Autoclaaf, registratielijst"),
                _task("Voorraad tellen en aanvullen met de barcodescanner", "wekelijks", 5, tools="Barcodescanner"),
                _task("Monsters en interne post tussen de laboratoria rondbrengen", "dagelijks", 5),
                _task("Werkbanken en koelkasten opruimen en op houdbaarheid controleren", "wekelijks", 2.5, G),
            ],
        },
    },
    {
        "author": "l.smit@demo.leercirkels.nl", "circle": "Provincies en waterschappen samen",
        "publish": "public", "days_ago": 40,
        "content": {
            "title": "Medewerker archief digitaliseren",
            "summary": "Papieren dossiers scanklaar maken, scannen, controleren en de metadata invullen. Een "
                       "project van een paar jaar dat kan doorgroeien naar een vaste baan in de digitale "
                       "informatievoorziening. 20 tot 25,5 uur per week.",
            "sectors": ["provincies", "rijk"], "setting": "post_archief", "hours_min": 20, "hours_max": 25.5,
            "work_level": "mbo2",
            "skills": "Kan geconcentreerd en nauwkeurig aan een beeldscherm werken en heeft geduld met herhalend "
                      "werk. Houdt vertrouwelijke informatie voor zich.",
            "taken_from": "De afdeling informatiebeheer en een extern scanbureau dat het project eerst zou "
                          "uitvoeren.",
            "relief": "Goedkoper dan uitbesteden; informatiebeheerders houden tijd voor advies en selectie.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "detachering_sw"],
            "pay_scale": "Cao Provincies, laagste schaal",
            "guidance": ["interne_werkbegeleider", "buddy", "jobcoach_extern"],
            "guidance_notes": "Een informatiebeheerder is werkbegeleider; een collega van het scanteam is buddy.",
            "adjustments": "Een vaste scanplek in een rustige ruimte, een in hoogte verstelbaar bureau en een "
                           "stappenplan per soort dossier.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "werkplekaanpassing", "jobcoach_voorziening"],
            "cost_one_off": 4000, "cost_yearly": 25000, "subsidies_yearly": 11500,
            "cost_notes": "Eenmalig: een documentscanner en het bureau (deels vergoed als werkplekaanpassing).",
            "preconditions": "Een digitaliseringsproject met een planning van minstens twee jaar, en een "
                             "selectielijst die bepaalt wat gescand wordt.",
            "pitfalls": "Als het project af is, is de baan weg: maak vooraf een plan voor daarna, bijvoorbeeld "
                        "doorgroei naar de postkamer of het scannen van binnenkomende post.",
            "tips": "Laat de medewerker vanaf het begin meedenken over het stappenplan; fouten in de metadata "
                    "nemen daardoor snel af.",
            "tasks": [
                _task("Dossiers ontnieten, sorteren en scanklaar maken", "dagelijks", 8),
                _task("Documenten scannen op de documentscanner", "dagelijks", 8,
                      tools="Documentscanner, stappenplan"),
                _task("Scans controleren op leesbaarheid en volledigheid", "dagelijks", 4),
                _task("Metadata invullen: dossiernummer, datum en soort document", "dagelijks", 3, G,
                      "Invulscherm met keuzelijsten"),
                _task("Gescande dossiers verpakken voor vernietiging of overdracht", "wekelijks", 2, G),
            ],
        },
    },
    {
        "author": "j.mulder@demo.leercirkels.nl", "circle": "Hogescholen en inclusief werkgeverschap",
        "publish": "public", "days_ago": 30,
        "content": {
            "title": "ICT-werkplekondersteuner en kabelbeheer",
            "summary": "Werkplekken en collegezalen nalopen: kabels, dockingstations en beamers controleren, "
                       "laptops klaarzetten voor de uitleen en storingen melden. Voor iemand met technische "
                       "interesse; 16 tot 24 uur per week.",
            "sectors": ["hbo", "mbo"], "setting": "ict", "hours_min": 16, "hours_max": 24, "work_level": "mbo2",
            "skills": "Heeft interesse in techniek en werkt secuur volgens een checklist. Kan een melding invoeren "
                      "in het ICT-meldsysteem. Contact met studenten aan de uitleenbalie hoort er beperkt bij.",
            "taken_from": "Medewerkers van de ICT-servicedesk (uitleen, kabels controleren) en de AV-dienst "
                          "(collegezalen nalopen).",
            "relief": "De servicedesk heeft ongeveer 10 uur per week meer tijd voor ingewikkelde vragen; minder "
                      "storingen bij het begin van colleges.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd", "uitzend_payroll"],
            "pay_scale": "Cao hbo, laagste schaal",
            "guidance": ["interne_werkbegeleider", "buddy", "jobcoach_extern"],
            "guidance_notes": "Een medewerker van de servicedesk is werkbegeleider; de jobcoach komt het eerste "
                              "halfjaar elke twee weken.",
            "adjustments": "Een vaste ronde per dag op een tablet, labels op kabels en dockingstations, en een "
                           "vaste werkplek in de uitleenruimte.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening", "lkv_banenafspraak"],
            "cost_one_off": 600, "cost_yearly": 20000, "subsidies_yearly": 9000,
            "cost_notes": "Eenmalig: een labelprinter en reservekabels.",
            "preconditions": "Een servicedesk die het werk wil overdragen en een vaste begeleider heeft.",
            "pitfalls": "Bij drukte in de eerste collegeweek valt alles tegelijk; spreek vooraf af wat voorgaat.",
            "tips": "Studenten van het mbo (ICT, entree) zijn een goede bron: begin met een stage.",
            "tasks": [
                _task("Collegezalen nalopen: beamer, microfoon en kabels controleren voor de eerste les",
                      "dagelijks", 5, tools="Checklist op de tablet"),
                _task("Flexwerkplekken nalopen: kabels, dockingstations en muizen controleren en vervangen",
                      "dagelijks", 5, tools="Reservekabels, labelprinter"),
                _task("Uitleenlaptops innemen, opladen en klaarzetten", "dagelijks", 6),
                _task("Kabels in de patchkasten labelen, onder begeleiding", "maandelijks", 2, G),
                _task("Storingen die niet meteen op te lossen zijn melden in het meldsysteem", "dagelijks", 2),
            ],
        },
    },
    {
        "author": "e.vandijk@demo.leercirkels.nl", "circle": "Defensie", "publish": "circle", "days_ago": 45,
        "content": {
            "title": "Magazijnmedewerker kazerne",
            "summary": "Goederen ontvangen, controleren en opslaan, orders verzamelen voor de eenheden en helpen "
                       "bij de uitgifte van kleding. In een vast team op een kazerne; 20 tot 25,5 uur per week.",
            "sectors": ["defensie"], "setting": "overig", "setting_other": "Magazijn en logistiek",
            "hours_min": 20, "hours_max": 25.5, "work_level": "mbo1_entree",
            "skills": "Werkt ordelijk en kan een barcodescanner gebruiken. Tilt tot 15 kilo, zwaarder met "
                      "hulpmiddelen. Een veiligheidsonderzoek hoort bij werken op een kazerne.",
            "taken_from": "Magazijnmedewerkers en militairen die naast hun eigen werk het magazijn bijhielden.",
            "relief": "Militairen hoeven niet meer in te vallen in het magazijn; orders liggen eerder klaar.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd"],
            "pay_scale": "Burgerpersoneel Defensie, laagste schaal",
            "guidance": ["interne_werkbegeleider", "buddy", "jobcoach_intern"],
            "guidance_notes": "De magazijnmeester is werkbegeleider; een interne jobcoach van Defensie volgt de "
                              "eerste maanden.",
            "adjustments": "Een picklijst met foto's van de artikelen, een steekwagen en vaste looproutes.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening"],
            "cost_one_off": 900, "cost_yearly": 24000, "subsidies_yearly": 10000,
            "cost_notes": "Eenmalig: de steekwagen en de picklijsten met foto's.",
            "preconditions": "Het veiligheidsonderzoek op tijd aanvragen: het kan weken duren.",
            "pitfalls": "Oefeningen en uitzendingen geven pieken; plan daarvoor extra begeleiding.",
            "tips": "Laat de nieuwe collega eerst meelopen met de magazijnmeester voordat de eigen taken beginnen.",
            "tasks": [
                _task("Leveringen ontvangen, tellen en controleren tegen de pakbon", "dagelijks", 6,
                      tools="Barcodescanner, pakbon"),
                _task("Goederen opslaan op de vaste locatie in het magazijn", "dagelijks", 5,
                      tools="Steekwagen, locatiecodes"),
                _task("Orders verzamelen en klaarzetten voor de eenheden", "dagelijks", 6,
                      tools="Picklijst met foto's"),
                _task("Helpen bij de uitgifte van kleding en uitrusting", "wekelijks", 4, G),
                _task("Het magazijn netjes houden en lege verpakkingen afvoeren", "dagelijks", 2),
            ],
        },
    },
    {
        "author": "t.peters@demo.leercirkels.nl", "circle": "Politie", "publish": "platform", "days_ago": 35,
        "content": {
            "title": "Medewerker receptie en bodedienst",
            "summary": "Bezoekers ontvangen en aanmelden, bezoekerspassen uitgeven, post en dossiers in het gebouw "
                       "rondbrengen en vergaderruimtes klaarzetten. Altijd samen met een ervaren baliemedewerker; "
                       "16 tot 24 uur per week.",
            "sectors": ["politie", "rechtspraak"], "setting": "facilitaire_dienst", "hours_min": 16,
            "hours_max": 24, "work_level": "mbo2",
            "skills": "Is vriendelijk en rustig, ook bij een lastige bezoeker. Volgt de vaste procedures voor "
                      "beveiliging en vertrouwelijkheid nauwkeurig. Een screening hoort bij het werk.",
            "taken_from": "Baliemedewerkers en bodes; bij de rechtspraak ook de griffie (dossiers rondbrengen).",
            "relief": "Baliemedewerkers hebben meer tijd voor afspraken en lastige vragen; dossiers zijn sneller "
                      "op de juiste plek.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd"],
            "pay_scale": "Cao Politie, laagste schaal",
            "guidance": ["interne_werkbegeleider", "buddy", "jobcoach_extern"],
            "guidance_notes": "De ervaren baliemedewerker is buddy en werkt in hetzelfde rooster.",
            "adjustments": "Nooit alleen aan de balie; een vaste plek naast de ervaren collega en een kaart met "
                           "wat te doen bij een incident.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening", "proefplaatsing"],
            "cost_one_off": 700, "cost_yearly": 21000, "subsidies_yearly": 9000,
            "cost_notes": "Loonkosten min loonkostensubsidie; de screening en de eerste maand dubbele bezetting "
                          "zijn eenmalig.",
            "preconditions": "Een screening vooraf en een rooster waarin de buddy altijd aanwezig is.",
            "pitfalls": "Een balie is soms onvoorspelbaar. Zorg dat de nieuwe collega altijd kan terugvallen op "
                        "iemand en weet wanneer die moet doorverwijzen.",
            "tips": "Begin met de bodetaken en voeg de baliewerkzaamheden stap voor stap toe.",
            "tasks": [
                _task("Bezoekers ontvangen, aanmelden en een bezoekerspas geven", "dagelijks", 6, G,
                      "Bezoekersregistratie, stappenkaart"),
                _task("Interne post en dossiers in het gebouw rondbrengen", "dagelijks", 5),
                _task("Vergaderruimtes klaarzetten en na afloop opruimen", "dagelijks", 4),
                _task("De telefoon aannemen en doorverbinden volgens een vaste lijst", "dagelijks", 3, G),
                _task("Gevonden voorwerpen registreren en opbergen", "wekelijks", 1),
            ],
        },
    },
    {
        "author": "d.koster@demo.leercirkels.nl", "circle": "Voortgezet onderwijs: goede voorbeelden",
        "publish": "review", "days_ago": 5,
        "content": {
            "title": "Administratief ondersteuner schooladministratie",
            "summary": "Archiveren, post en eenvoudige invoer voor de leerlingenadministratie en het "
                       "bestuursbureau: werk dat de administratie er nu bij doet. 12 tot 16 uur per week, met een "
                       "vaste begeleider.",
            "sectors": ["vo"], "setting": "bestuursbureau", "hours_min": 12, "hours_max": 16, "work_level": "mbo2",
            "skills": "Werkt nauwkeurig en kan met een computer overweg. Gaat zorgvuldig om met gegevens van "
                      "leerlingen en ouders.",
            "taken_from": "De leerlingenadministratie en het secretariaat van het bestuursbureau.",
            "relief": "De administratie houdt ongeveer 8 uur per week over, vooral in de drukke weken rond de "
                      "start van het schooljaar.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd"],
            "pay_scale": "Cao vo, laagste schaal",
            "guidance": ["interne_werkbegeleider", "jobcoach_extern"],
            "guidance_notes": "Een medewerker van de leerlingenadministratie is werkbegeleider.",
            "adjustments": "Een vaste werkplek in een rustige kamer en invoerinstructies met schermafdrukken.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "sectorfonds_subsidie"],
            "cost_one_off": 300, "cost_yearly": 12000, "subsidies_yearly": 5000,
            "cost_notes": "Voion gaf subsidie voor de begeleiding in het eerste jaar.",
            "preconditions": "Afspraken over toegang tot het leerlingvolgsysteem: alleen de schermen die nodig "
                             "zijn.",
            "pitfalls": "Invoerwerk met strakke deadlines (rapporten, examens) past minder goed; plan dat bij de "
                        "vaste collega's.",
            "tips": "Begin met archiveren en post; voeg invoerwerk toe als de routine er is.",
            "tasks": [
                _task("Leerlingdossiers ordenen en archiveren", "wekelijks", 4),
                _task("Absenties en eenvoudige wijzigingen invoeren in het leerlingvolgsysteem", "dagelijks", 4, G,
                      "Invoerinstructie met schermafdrukken"),
                _task("Post openen, sorteren en uitgaande post verzorgen", "dagelijks", 3),
                _task("Documenten kopiëren, scannen en klaarmaken voor vergaderingen", "wekelijks", 3),
            ],
        },
    },
    {
        "author": "m.bos@demo.leercirkels.nl", "circle": "Netwerk projectleiders universiteiten",
        "publish": "draft", "days_ago": 0,
        "content": {
            "title": "Onderzoeksondersteuner datavoorbereiding",
            "summary": "Voor een hoogopgeleide kandidaat: onderzoeksdata opschonen, literatuurlijsten bijhouden en "
                       "enquêtes klaarzetten voor onderzoeksgroepen. Werk op hbo- of wo-niveau, in een rustige "
                       "omgeving en met flexibele uren: 16 tot 24 uur per week.",
            "sectors": ["wo", "onderzoek"], "setting": "overig", "setting_other": "Onderzoeksondersteuning",
            "hours_min": 16, "hours_max": 24, "work_level": "hbo_wo",
            "skills": "Een afgeronde hbo- of wo-opleiding, bij voorkeur met statistiek of methodologie. Werkt "
                      "graag zelfstandig en nauwkeurig, met weinig prikkels om zich heen.",
            "taken_from": "Promovendi en onderzoekers, die nu zelf data opschonen en referenties bijhouden.",
            "relief": "Onderzoekers houden meer tijd voor analyse en schrijven.",
            "contract_forms": ["bepaalde_tijd", "onbepaalde_tijd"],
            "pay_scale": "Cao Nederlandse Universiteiten, inschaling naar werk en ervaring",
            "guidance": ["interne_werkbegeleider", "jobcoach_extern"],
            "adjustments": "Een vaste, rustige werkplek, thuiswerken in overleg en opdrachten altijd op schrift.",
            "instruments": ["loonkostensubsidie", "no_riskpolis", "werkplekaanpassing"],
            "tasks": [
                _task("Onderzoeksdata opschonen en controleren in een spreadsheet of statistiekpakket", "wekelijks", 8),
                _task("Literatuurlijsten bijhouden in de referentiesoftware", "wekelijks", 4),
                _task("Online enquêtes klaarzetten en testen", "maandelijks", 3, G),
                _task("Data- en documentatiemappen ordenen volgens het datamanagementplan", "wekelijks", 3),
            ],
        },
    },
]

#: Adoptions: (title of the source, adopting account, jobs reported in use or None, changes for the copy).
#: A copy with changes is adapted and published to the adopter's circle for everyone; the last line copies
#: that copy, so the assistant caretaker has a family tree of three generations.
PRAKTIJKSCHOOL_COPY = {
    "title": "Assistent-conciërge op een praktijkschool",
    "summary": "Overgenomen van een scholengroep en aangepast voor een praktijkschool: minder uren, een vaste "
               "maatjescollega en een extra taak in de praktijklokalen. 16 tot 20 uur per week.",
    "hours_min": 16, "hours_max": 20, "work_level": "praktisch",
    "tasks": [
        _task("Kopieer- en lamineeropdrachten uitvoeren en in de postvakken leggen", "dagelijks", 4,
              tools="Kopieerapparaat, lamineermachine"),
        _task("Praktijklokalen (koken, techniek, groen) klaarzetten en opruimen", "dagelijks", 5, G,
              "Foto van de opstelling per les"),
        _task("Post en pakketten sorteren en rondbrengen", "dagelijks", 3),
        _task("Schoolplein en fietsenstalling opruimen en afvalbakken legen", "dagelijks", 4, G,
              "Prikstok, afvalkar"),
    ],
}
ADOPTIONS = [
    ("Assistent-conciërge", "d.koster@demo.leercirkels.nl", 1, PRAKTIJKSCHOOL_COPY),
    ("Schoonmaakmedewerker in eigen dienst (schoonmaak teruggehaald)", "school@demo.leercirkels.nl", 4, None),
    ("Medewerker post en archief", "coordinator@demo.leercirkels.nl", 2, None),
    ("Medewerker post en archief", "l.smit@demo.leercirkels.nl", 1, None),
    ("Medewerker post en archief", "a.yilmaz@demo.leercirkels.nl", None, None),
    ("Facilitair medewerker stadsdeelkantoor", "lid@demo.leercirkels.nl", 1, None),
    ("Laboratoriumondersteuner spoelkeuken en voorraad", "m.bos@demo.leercirkels.nl", None, None),
    ("Medewerker groenonderhoud dijken en terreinen", "l.smit@demo.leercirkels.nl", 1, None),
    ("Medewerker archief digitaliseren", ADMIN, 3, None),
    ("Medewerker bedrijfsrestaurant rijkskantoor", "e.vandijk@demo.leercirkels.nl", 2, None),
    ("Assistent-conciërge op een praktijkschool", "po@demo.leercirkels.nl", 2, None),
]

# --- good-practice cases -----------------------------------------------------------------------------------
CONSENT = "Toestemming schriftelijk gegeven voor dit citaat op het platform; vastgelegd door HR."

#: Each: who writes it, circle, how far it got, published how many days ago, the package it builds on (by
#: title) and the content (the keys of circles.workpackages.case_content.KEYS).
CASES = [
    {
        "author": "school@demo.leercirkels.nl", "circle": "Voortgezet onderwijs: goede voorbeelden",
        "publish": "public", "days_ago": 115, "package": "Assistent-conciërge",
        "content": {
            "title": "Van stagiair naar assistent-conciërge",
            "summary": "Een leerling van het praktijkonderwijs liep een jaar stage bij de conciërges. Toen de "
                       "stage afliep wilde niemand de nieuwe collega kwijt: de school maakte een baan van 22 uur, "
                       "inmiddels met een vast contract.",
            "story": "De school kende de medewerker al: een jaar stage bij de conciërges, twee dagen per week. "
                     "De banenafspraak was de directe aanleiding om van die stage een baan te maken.\n\n"
                     "Samen met de praktijkschool en de jobcoach zette de hoofdconciërge op papier welke klusjes "
                     "de stagiair al deed en wat docenten nog 'erbij' deden. Daaruit kwam het werkpakket "
                     "*Assistent-conciërge*.\n\n"
                     "Het eerste contract was voor een jaar; na twee jaar volgde een vast contract.",
            "function_title": "Assistent-conciërge", "setting": "conciergerie", "start_year": 2016,
            "placements": 1, "hours_per_week": 22, "contract_form": "onbepaalde_tijd",
            "recruitment": ["stage", "school_vso_pro"], "partners": ["vso_pro_school", "uwv"],
            "triggers": ["banenafspraak"], "guidance": ["interne_werkbegeleider", "jobcoach_extern"],
            "instruments": ["loondispensatie", "no_riskpolis", "jobcoach_voorziening"],
            "guidance_notes": "De hoofdconciërge is werkbegeleider. De jobcoach van de praktijkschool bleef het "
                              "eerste jaar betrokken en nam daarna afscheid in overleg.",
            "adjustments": "Een takenbord met pictogrammen en vaste pauzes.",
            "costs_benefits": "Door de loondispensatie betaalt de school alleen loon voor de loonwaarde. De "
                              "school weegt de tijd van de hoofdconciërge (in het begin 2 uur per week) tegen de "
                              "uren die conciërges en docenten terugkrijgen.",
            "results_organisation": "De school laat zien dat zij doet wat zij leerlingen voorhoudt: iedereen doet "
                                    "mee.",
            "results_team": "Minder werkdruk voor de conciërges; docenten vinden hun kopieerwerk klaar in het "
                            "postvak.",
            "results_employee": "Een vaste baan, collega's en een eigen inkomen.",
            "still_employed": True, "permanent_after_months": 24,
            "growth": "De medewerker leert nu ook de kluisjesadministratie bijhouden.",
            "lessons": "Bekend maakt bemind: de stage gaf iedereen vertrouwen. Maatwerk in de taken is nodig en "
                       "kan in een vaste lijst.",
            "tips": "Houd contact met de praktijkschool in de buurt: daar lopen uw toekomstige collega's stage.",
            "quotes": [
                {"role": "begeleider", "text": "Ik dacht eerst dat het extra werk zou zijn. Nu weet ik niet meer "
                                               "hoe we het vroeger deden."},
                {"role": "directeur", "text": "Het draagvlak was er meteen, omdat iedereen de stagiair al "
                                              "kende."},
                {"role": "medewerker", "text": "Ik weet elke ochtend wat ik ga doen. En als het druk is, vragen ze "
                                               "het aan mij.", "consent_recorded": True, "consent_note": CONSENT},
            ],
        },
    },
    {
        "author": "p.dekker@demo.leercirkels.nl", "circle": "Gemeenten Rijnmond", "publish": "public",
        "days_ago": 90, "package": "Medewerker post en archief",
        "content": {
            "title": "Facilitaire dienst: drie banen uit losse klusjes",
            "summary": "De gemeente splitste taken af van de bode, de secretariaten en het archief. Via het "
                       "werkgeversservicepunt kwamen drie kandidaten op een werkervaringsplaats; alle drie "
                       "kregen daarna een contract.",
            "story": "Na een inventarisatie bij vijf afdelingen bleek dat secretariaten veel tijd kwijt waren aan "
                     "post openen en registreren, en dat het archief jaren achterliep. Het werkgeversservicepunt "
                     "Rijnmond zocht kandidaten; na een werkervaringsplaats van drie maanden kregen er drie een "
                     "contract voor een jaar.",
            "function_title": "Medewerker post en archief", "setting": "facilitaire_dienst", "start_year": 2021,
            "placements": 3, "hours_per_week": 24, "contract_form": "bepaalde_tijd",
            "recruitment": ["wsp_uwv_gemeente", "werkervaringsplaats"],
            "partners": ["wsp", "gemeente", "sw_bedrijf"], "triggers": ["banenafspraak", "werkdruk"],
            "guidance": ["interne_werkbegeleider", "jobcoach_extern", "training_leidinggevende"],
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening",
                            "praktijkroute_loonwaardemeting"],
            "guidance_notes": "Eén werkbegeleider voor alle drie, met een jobcoach van het sw-bedrijf.",
            "adjustments": "Een stappenplan met schermafdrukken en een koptelefoon tegen geluid.",
            "costs_benefits": "Drie banen kosten samen ongeveer 69.000 euro per jaar; de loonkostensubsidie dekt "
                              "bijna de helft. Daar staat een weggewerkte archiefachterstand tegenover.",
            "results_organisation": "De archiefachterstand is weg; de gemeente haalt haar taakstelling beter.",
            "results_team": "Secretariaten hebben samen 12 uur per week terug.",
            "results_employee": "Drie mensen met een contract en een vaste plek in het team.",
            "still_employed": True, "permanent_after_months": 18,
            "lessons": "Een werkervaringsplaats vooraf gaf beide kanten zekerheid. De loonwaardemeting duurde in "
                       "twee gevallen langer dan gepland: vraag hem op tijd aan.",
            "tips": "Vraag het werkgeversservicepunt mee te kijken bij de inventarisatie van taken.",
            "quotes": [
                {"role": "hr", "text": "Het werkgeversservicepunt dacht vanaf dag één mee over de taken, niet "
                                       "alleen over de kandidaten."},
                {"role": "collega", "text": "De post is eerder binnen dan ooit."},
            ],
        },
    },
    {
        "author": "school@demo.leercirkels.nl", "circle": "Voortgezet onderwijs: goede voorbeelden",
        "publish": "platform", "days_ago": 75, "package": None,
        "content": {
            "title": "Bestuursbureau: van werkervaringsplaats naar vaste baan",
            "summary": "Op het bestuursbureau van een scholengroep werd een werkervaringsplaats een baan van 16 "
                       "uur: archiveren, post en het klaarmaken van vergaderstukken.",
            "story": "Het bestuursbureau had geen ervaring met de banenafspraak en dacht eerst dat er geen "
                     "geschikt werk was. Een werkervaringsplaats via de gemeente liet het tegendeel zien. Na een "
                     "halfjaar volgde een contract; na een jaar een vast contract.",
            "function_title": "Administratief medewerker bestuursbureau", "setting": "bestuursbureau",
            "start_year": 2017, "placements": 1, "hours_per_week": 16, "contract_form": "onbepaalde_tijd",
            "recruitment": ["werkervaringsplaats"], "partners": ["gemeente", "sectorfonds"],
            "triggers": ["banenafspraak"], "guidance": ["interne_werkbegeleider", "buddy"],
            "instruments": ["loonkostensubsidie", "no_riskpolis", "sectorfonds_subsidie"],
            "guidance_notes": "De secretaris van het bestuur is werkbegeleider; een collega van de administratie "
                              "is buddy.",
            "adjustments": "Een vaste werkplek en taken op schrift.",
            "costs_benefits": "Voion vergoedde een deel van de begeleiding. De kosten zijn laag; het bestuursbureau "
                              "weegt vooral de rust in de drukke weken.",
            "results_organisation": "Het bestuursbureau geeft het goede voorbeeld aan de scholen van de groep.",
            "results_team": "Vergaderstukken liggen op tijd klaar.",
            "results_employee": "Een vaste baan die past bij wat de medewerker graag doet.",
            "still_employed": True, "permanent_after_months": 12,
            "lessons": "Niet alleen de facilitaire dienst heeft werk: ook het bestuursbureau.",
            "tips": "Kijk naar werk dat blijft liggen in de drukke weken: daar zit een werkpakket in.",
            "quotes": [{"role": "directeur", "text": "We dachten dat we geen werk hadden. Dat bleek niet zo."}],
        },
    },
    {
        "author": "po@demo.leercirkels.nl", "circle": None, "publish": "public", "days_ago": 65,
        "package": "Klassenassistent in de onderbouw (groep 1 tot en met 4)",
        "content": {
            "title": "In de klas: klassenassistent na vrijwilligerswerk",
            "summary": "Een vrijwilliger die al twee jaar hielp bij het overblijven werd klassenassistent in de "
                       "onderbouw. Leraren houden meer tijd voor de kinderen.",
            "story": "De school kende de vrijwilliger van het overblijven. De visie van de stichting, dat "
                     "iedereen welkom is, was de aanleiding om een baan te maken. Met de leraren van groep 1 tot "
                     "en met 4 werd een lijst gemaakt van wat zij tussendoor doen.",
            "function_title": "Klassenassistent", "setting": "onderwijs_in_de_klas", "start_year": 2019,
            "placements": 1, "hours_per_week": 14, "contract_form": "bepaalde_tijd",
            "recruitment": ["vrijwilligerswerk"], "partners": ["gemeente", "jobcoachorganisatie"],
            "triggers": ["visie_inclusie", "werkdruk"], "guidance": ["interne_werkbegeleider", "jobcoach_intern"],
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening"],
            "guidance_notes": "De bouwcoördinator is werkbegeleider; de interne jobcoach van de stichting komt "
                              "elke maand.",
            "adjustments": "Een dagschema met plaatjes naast het klassenrooster.",
            "costs_benefits": "De stichting weegt de kosten tegen minder werkdruk in de onderbouw.",
            "results_organisation": "De stichting heeft nu op drie scholen een klassenassistent.",
            "results_team": "Leraren houden samen ongeveer 6 uur per week over voor instructie.",
            "results_employee": "Betaald werk in plaats van vrijwilligerswerk.",
            "still_employed": True,
            "lessons": "Vrijwilligers en overblijfkrachten kennen de school al: een goede start.",
            "tips": "Leg vast wat de klassenassistent niet doet: geen les en geen alleen toezicht.",
            "quotes": [{"role": "begeleider", "text": "De kinderen zien gewoon een juf of meester erbij."}],
        },
    },
    {
        "author": "d.koster@demo.leercirkels.nl", "circle": "Voortgezet onderwijs: goede voorbeelden",
        "publish": "public", "days_ago": 55,
        "package": "Schoonmaakmedewerker in eigen dienst (schoonmaak teruggehaald)",
        "content": {
            "title": "Oud-leerlingen aan het werk op de eigen school en zusterscholen",
            "summary": "Een praktijkschool zet haar kennis in om oud-leerlingen te plaatsen: in het eigen "
                       "schoonmaakteam en bij andere scholen van de scholengemeenschap. Vier plaatsingen in drie "
                       "jaar.",
            "story": "De praktijkschool kent haar oud-leerlingen goed en weet welke begeleiding werkt. Toen de "
                     "schoonmaak werd teruggehaald, werden vier oud-leerlingen geplaatst, twee bij de eigen "
                     "school en twee bij zusterscholen.",
            "function_title": "Schoonmaakmedewerker", "setting": "schoonmaak", "start_year": 2018,
            "placements": 4, "hours_per_week": 18, "contract_form": "bepaalde_tijd",
            "recruitment": ["oud_leerling", "school_vso_pro"], "partners": ["vso_pro_school", "gemeente"],
            "triggers": ["visie_inclusie", "banenafspraak"],
            "guidance": ["interne_werkbegeleider", "buddy", "training_leidinggevende"],
            "instruments": ["loonkostensubsidie", "no_riskpolis", "praktijkroute_loonwaardemeting"],
            "guidance_notes": "De ploegleider begeleidt op de werkvloer; de stagecoördinator van de praktijkschool "
                              "blijft aanspreekpunt.",
            "adjustments": "Routekaarten met foto's en kleurcodes.",
            "costs_benefits": "Ongeveer even duur als het oude schoonmaakcontract, met meer invloed op kwaliteit.",
            "results_organisation": "Schonere school en minder klachten.",
            "results_team": "De conciërge hoeft niet meer tussendoor schoon te maken.",
            "results_employee": "Werk dichtbij huis, bij een school die zij kennen.",
            "still_employed": True, "permanent_after_months": 24,
            "lessons": "Krimp maakte een vast contract op één school lastig; binnen de scholengemeenschap lukte "
                       "het wel.",
            "tips": "Gebruik de kennis van de praktijkschool, ook voor plaatsingen bij andere scholen.",
            "quotes": [{"role": "directeur", "text": "Wij weten wat onze leerlingen kunnen. Dan moeten we ze ook "
                                                     "zelf een kans geven."}],
        },
    },
    {
        "author": "r.hoekstra@demo.leercirkels.nl", "circle": "Provincies en waterschappen samen",
        "publish": "public", "days_ago": 25, "package": "Medewerker groenonderhoud dijken en terreinen",
        "content": {
            "title": "Via het werkgeversservicepunt naar de buitendienst",
            "summary": "Het werkgeversservicepunt en het sw-bedrijf vonden twee kandidaten voor de buitendienst "
                       "van het waterschap. Na een detachering van een jaar kwamen beiden in dienst.",
            "story": "Het waterschap meldde bij het werkgeversservicepunt dat het buitenwerk zocht voor twee "
                     "mensen. Het sw-bedrijf had een groenploeg met ervaring; twee medewerkers werden eerst "
                     "gedetacheerd en kwamen na een jaar in dienst.",
            "function_title": "Medewerker groenonderhoud", "setting": "groen", "start_year": 2022,
            "placements": 2, "hours_per_week": 25.5, "contract_form": "bepaalde_tijd",
            "recruitment": ["wsp_uwv_gemeente", "sw_bedrijf"], "partners": ["wsp", "uwv", "sw_bedrijf"],
            "triggers": ["banenafspraak", "personeelstekort"],
            "guidance": ["interne_werkbegeleider", "buddy", "jobcoach_extern"],
            "instruments": ["loonkostensubsidie", "no_riskpolis", "lkv_banenafspraak"],
            "guidance_notes": "De voorman begeleidt; de jobcoach van het sw-bedrijf bleef het eerste jaar na de "
                              "overstap betrokken.",
            "adjustments": "Werkkleding op maat en een vaste ploeg.",
            "costs_benefits": "Minder inhuur van de groenaannemer; de detachering gaf tijd om te zien of het "
                              "werk paste.",
            "results_organisation": "Een bijdrage aan de banenafspraak en minder inhuur.",
            "results_team": "De vakmensen doen weer vakwerk.",
            "results_employee": "Een contract bij het waterschap in plaats van een detachering.",
            "still_employed": True,
            "lessons": "In de winter is er minder buitenwerk: regel dat vooraf.",
            "tips": "Een detachering vanuit het sw-bedrijf is een goede tussenstap.",
            "quotes": [{"role": "begeleider", "text": "Ze horen er gewoon bij. Bij de koffie om zeven uur "
                                                      "bespreken we de dag samen."}],
        },
    },
    {
        "author": "umc@demo.leercirkels.nl", "circle": "Leernetwerk umc's", "publish": "platform",
        "days_ago": 85, "package": "Laboratoriumondersteuner spoelkeuken en voorraad",
        "content": {
            "title": "Spoelkeuken en voorraad: jobcarving op drie laboratoria",
            "summary": "Het umc paste eerst de cao aan voor een schaal op minimumloonniveau, deed daarna "
                       "jobcarving op drie laboratoria en plaatste drie medewerkers in de spoelkeuken en het "
                       "voorraadbeheer.",
            "story": "Analisten hielden een maand bij wat zij tussendoor deden. Spoelen, autoclaveren en voorraad "
                     "bleken samen bijna drie banen. Na een aanpassing van de cao konden die banen ook echt "
                     "ingeschaald worden.",
            "function_title": "Laboratoriumondersteuner", "setting": "laboratorium_zorg", "start_year": 2020,
            "placements": 3, "hours_per_week": 25.5, "contract_form": "onbepaalde_tijd",
            "recruitment": ["eigen_vacature", "wsp_uwv_gemeente"], "partners": ["uwv", "wsp"],
            "triggers": ["banenafspraak", "personeelstekort"],
            "guidance": ["interne_werkbegeleider", "jobcoach_intern", "training_leidinggevende"],
            "instruments": ["loonkostensubsidie", "no_riskpolis", "jobcoach_voorziening",
                            "praktijkroute_loonwaardemeting"],
            "guidance_notes": "Interne jobcoaches van het umc; per laboratorium een werkbegeleider.",
            "adjustments": "Fotoprotocollen en gehoorbescherming.",
            "costs_benefits": "De loonkosten worden deels gedekt door loonkostensubsidie; analisten winnen samen "
                              "15 uur per week.",
            "results_organisation": "Minder verspilling en snellere doorlooptijden.",
            "results_team": "Analisten doen meer analysewerk.",
            "results_employee": "Een vast contract in een ziekenhuis.",
            "still_employed": True, "permanent_after_months": 12,
            "growth": "Een van de drie volgt nu een entreeopleiding laboratorium.",
            "lessons": "Denk aan groei, niet alleen aan de gecreëerde functie.",
            "tips": "Regel de inschaling eerst: zonder passende schaal komt er geen baan.",
            "quotes": [{"role": "hr", "text": "De cao aanpassen kostte een jaar. Daarna ging het snel."}],
        },
    },
]


# --- seeding -----------------------------------------------------------------------------------------------

def _ensure_accounts(users: dict) -> None:
    """The extra demo accounts this part needs (an existing one is left as it is)."""
    from circles.demo import DEMO_PASSWORD

    for email, name, function, org_name in EXTRA_ACCOUNTS:
        if email not in users:
            user = accounts.get_user_by_email(email)
            if user is None:
                user = accounts.register_user(name=name, email=email, password=DEMO_PASSWORD, function=function,
                                              organisation=accounts.find_organisation_by_name(org_name))
            users[email] = user


def _reviewer(item, author: User, users: dict) -> User:
    """Who approves it, as the review flow asks: a coordinator of its circle (someone other than the author
    where possible), a platform editor when it has no circle; an administrator otherwise."""
    if item.circle is not None:
        others = [u for u in coordinators(item.circle) if u.id != author.id]
        return others[0] if others else users[ADMIN]
    editor = users.get(EDITOR)
    return editor if editor is not None and editor.role == Role.EDITOR else users[ADMIN]


def _publish(item, plan: dict, author: User, users: dict, module) -> None:
    """Leave ``item`` (a package or a case; ``module`` its services) where the plan says it got to."""
    how = plan["publish"]
    kind = "package" if module is services else "case"
    if how == "circle":
        module.publish_to_circle(item, author)
    elif how in ("public", "platform", "review"):
        # What submit_for_review leaves, without mailing the demo reviewers.
        item.visibility = Visibility.PUBLIC if how == "review" else Visibility(how)
        item.status = Status.IN_REVIEW
        audit.record(f"{kind}.submitted", actor=author, obj_type=kind, obj_id=item.id)
        if how != "review":
            module.approve(item, _reviewer(item, author, users))
    if item.status == Status.PUBLISHED:
        item.published_at = utcnow() - timedelta(days=plan["days_ago"])


def _original(title: str) -> WorkPackage | None:
    """The first package with this title (a copy keeps its source's title until it is adapted)."""
    return db.session.scalar(sa.select(WorkPackage).where(WorkPackage.title == title).order_by(WorkPackage.id)
                             .limit(1))


def seed_workpackages(circles_by_name: dict, users: dict) -> int:
    """Create the demo packages, adoptions (with reported jobs) and cases that are missing; returns how
    many records were added (packages, copies and cases). Flushes; the caller commits."""
    users = dict(users)
    _ensure_accounts(users)
    added = 0

    for plan in PACKAGES:
        content = plan["content"]
        if _original(content["title"]) is not None:
            continue
        author = users[plan["author"]]
        circle = circles_by_name.get(plan["circle"]) if plan["circle"] else None
        package = services.create_package(author, {**content, "circle_id": circle.id if circle else None},
                                          circle=circle)
        _publish(package, plan, author, users, services)
        added += 1
    db.session.flush()

    for title, email, jobs, changes in ADOPTIONS:
        source = _original(title)
        adopter = users[email]
        if source is None or db.session.scalar(sa.select(Adoption.id).where(
                Adoption.source_id == source.id, Adoption.organisation_id == adopter.organisation_id)):
            continue
        adoption = services.adopt(source, adopter)
        added += 1
        if changes:
            copy = adoption.copy
            circle = next((c for c in circles_by_name.values() if c.id == source.circle_id), None)
            services.update_package(copy, adopter, {**changes, "circle_id": circle.id if circle else None},
                                    based_on=copy.revision, circle=circle)
            _publish(copy, {"publish": "public", "days_ago": 20}, adopter, users, services)
        if jobs is not None:
            services.report_in_use(adoption, adopter, jobs)
        db.session.flush()

    for plan in CASES:
        content = plan["content"]
        if db.session.scalar(sa.select(Case.id).where(Case.title == content["title"])) is not None:
            continue
        author = users[plan["author"]]
        circle = circles_by_name.get(plan["circle"]) if plan["circle"] else None
        package = _original(plan["package"]) if plan["package"] else None
        case = case_services.create_case(author, {**content, "circle_id": circle.id if circle else None,
                                                  "package_id": package.id if package else None})
        _publish(case, plan, author, users, case_services)
        added += 1
    db.session.flush()
    return added
