"""The instruments employers use when they create a job (domain.md section 6): each with who provides it
and a plain-language explanation. They live in code, like the sectors, so the texts can be translated."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Instrument:
    code: str
    label: object
    #: Who provides it: uwv, gemeente, belastingdienst, sectorfonds or werkgever.
    provider: str
    explanation: object


PROVIDER_LABELS = {
    "uwv": _l("UWV"),
    "gemeente": _l("Gemeente"),
    "uwv_gemeente": _l("UWV of gemeente"),
    "belastingdienst": _l("Belastingdienst (via de loonaangifte)"),
    "sectorfonds": _l("Sectorfonds"),
    "overig": _l("Verschillende partijen"),
}

INSTRUMENTS = [
    Instrument("loonkostensubsidie", _l("Loonkostensubsidie"), "gemeente", _l(
        "De gemeente betaalt een deel van het loon als iemand minder kan dan het wettelijk minimumloon waard "
        "is. Hoeveel, hangt af van de loonwaarde: wat iemand op deze werkplek kan. U betaalt het volledige "
        "loon en krijgt de subsidie van de gemeente.")),
    Instrument("loondispensatie", _l("Loondispensatie"), "uwv", _l(
        "Voor mensen met een Wajong-uitkering: u betaalt alleen loon voor wat iemand kan. UWV vult het "
        "inkomen van de werknemer aan.")),
    Instrument("no_riskpolis", _l("No-riskpolis"), "uwv", _l(
        "Wordt de werknemer ziek, dan betaalt UWV de Ziektewet-uitkering. U hoeft het loon bij ziekte dan "
        "niet zelf te betalen. Dit geldt vanzelf voor mensen uit het doelgroepregister.")),
    Instrument("lkv_banenafspraak", _l("Loonkostenvoordeel (LKV) banenafspraak"), "belastingdienst", _l(
        "Een vast bedrag per verloond uur, tot een maximum per jaar, als u iemand uit het doelgroepregister in "
        "dienst neemt. U vraagt het aan in de loonaangifte.")),
    Instrument("jobcoach_voorziening", _l("Jobcoach"), "uwv_gemeente", _l(
        "Een jobcoach helpt de nieuwe collega en het team op weg, vaak het eerste jaar of langer. UWV of de "
        "gemeente betaalt de jobcoach, ook een interne jobcoach van uw eigen organisatie.")),
    Instrument("werkplekaanpassing", _l("Werkplekaanpassing"), "uwv_gemeente", _l(
        "Een vergoeding voor aanpassingen of hulpmiddelen op de werkplek, zoals een aangepaste stoel, "
        "software of vervoer, als de werknemer die door de beperking nodig heeft.")),
    Instrument("generieke_werkgeversvoorziening", _l("Generieke werkgeversvoorziening"), "uwv", _l(
        "Een vergoeding voor een voorziening waar meer werknemers met een beperking gebruik van maken, zoals "
        "een aangepaste ruimte of een extra begeleider voor een groep.")),
    Instrument("proefplaatsing", _l("Proefplaatsing"), "uwv_gemeente", _l(
        "Iemand werkt een paar maanden met behoud van uitkering, zodat u beiden kunt zien of het werk past. "
        "U betaalt in die tijd geen loon. Een proefplaatsing is nog geen baan.")),
    Instrument("praktijkroute_loonwaardemeting", _l("Praktijkroute en loonwaardemeting"), "uwv_gemeente", _l(
        "Via de praktijkroute meldt u iemand aan voor het doelgroepregister terwijl hij of zij al bij u "
        "werkt. Een loonwaardemeting op de werkplek laat zien wat iemand kan en bepaalt de loonkostensubsidie.")),
    Instrument("sectorfonds_subsidie", _l("Subsidie van het sectorfonds"), "sectorfonds", _l(
        "Sectorfondsen zoals Voion, het Arbeidsmarktplatform PO en het A+O fonds Gemeenten geven subsidie "
        "voor begeleiding, scholing of het ontwikkelen van werkpakketten. Kijk bij het fonds van uw sector.")),
    Instrument("overig", _l("Ander instrument"), "overig", _l(
        "Andere regelingen, zoals een regionale premie of een subsidie voor scholing. De beschrijving van het "
        "werkpakket of voorbeeld vertelt welke.")),
]
INSTRUMENTS_BY_CODE = {i.code: i for i in INSTRUMENTS}
INSTRUMENT_LABELS = {i.code: i.label for i in INSTRUMENTS}


def instrument_choices() -> list[tuple[str, object]]:
    return [(i.code, i.label) for i in INSTRUMENTS]
