"""The words that name a work package or a good-practice case, side by side: the workflow says the same
thing of both, in these words (``Kind.words``). A new kind adds a column, not a copy of the pages."""

from flask_babel import lazy_gettext as _l

#: key: (package, case)
WORDS = {
    "noun": (_l("Werkpakket"), _l("Goed voorbeeld")),
    "created": (_l("Het werkpakket is opgeslagen als concept. Publiceer het als het klaar is."),
                _l("Het voorbeeld is opgeslagen als concept. Publiceer het als het klaar is.")),
    "no_circle": (_l("Kies eerst een leercirkel voor dit werkpakket."),
                  _l("Kies eerst een leercirkel voor dit voorbeeld.")),
    "choose_visibility": (_l("Kies voor wie het werkpakket zichtbaar wordt."),
                          _l("Kies voor wie het voorbeeld zichtbaar wordt.")),
    "already_waiting": (_l("Dit werkpakket wacht al op een beoordeling."),
                        _l("Dit voorbeeld wacht al op een beoordeling.")),
    "not_waiting": (_l("Dit werkpakket wacht niet op een beoordeling."),
                    _l("Dit voorbeeld wacht niet op een beoordeling.")),
    "review_subject": (_l("Een werkpakket wacht op uw beoordeling"),
                       _l("Een goed voorbeeld wacht op uw beoordeling")),
    "sent_back_subject": (_l("Uw werkpakket is teruggestuurd"), _l("Uw voorbeeld is teruggestuurd")),
    "who_reads": (_l("Wie mag het werkpakket lezen?"), _l("Wie mag het voorbeeld lezen?")),
    "published_in_circle": (_l("Het werkpakket is gepubliceerd in de leercirkel %(name)s."),
                            _l("Het voorbeeld is gepubliceerd in de leercirkel %(name)s.")),
    "waiting_reviewers": (_l("Het werkpakket wacht nu op een beoordeling. %(n)s beoordelaar(s) kregen bericht."),
                          _l("Het voorbeeld wacht nu op een beoordeling. %(n)s beoordelaar(s) kregen bericht.")),
    "waiting_admin": (_l("Het werkpakket wacht nu op een beoordeling door een beheerder."),
                      _l("Het voorbeeld wacht nu op een beoordeling door een beheerder.")),
    "approved": (_l("Het werkpakket is goedgekeurd en gepubliceerd."),
                 _l("Het voorbeeld is goedgekeurd en gepubliceerd.")),
    "sent_back": (_l("Het werkpakket is teruggestuurd naar de schrijver."),
                  _l("Het voorbeeld is teruggestuurd naar de schrijver.")),
    "archived": (_l("Het werkpakket is gearchiveerd."), _l("Het voorbeeld is gearchiveerd.")),
    "reopened": (_l("Het werkpakket is weer een concept."), _l("Het voorbeeld is weer een concept.")),
    "restore_conflict": (
        _l("Iemand anders sloeg het werkpakket net op. Bekijk de geschiedenis en probeer het opnieuw."),
        _l("Deze versie kon niet worden teruggezet: iemand anders sloeg het voorbeeld net op. Bekijk de "
           "geschiedenis en probeer het opnieuw.")),
    "new_title": (_l("Nieuw werkpakket"), _l("Nieuw goed voorbeeld")),
    "conflict": (_l("Iemand anders heeft dit werkpakket opgeslagen terwijl u het bewerkte."),
                 _l("Iemand anders heeft dit voorbeeld opgeslagen terwijl u het bewerkte.")),
    "history_title": (_l("Versies van het werkpakket"), _l("Versies van het voorbeeld")),
    "edit_link": (_l("Werkpakket bewerken"), _l("Voorbeeld bewerken")),
    "back_link": (_l("Terug naar het werkpakket"), _l("Terug naar het voorbeeld")),
    "attach_to": (_l("Aan het werkpakket:"), _l("Aan het voorbeeld:")),
    "published_note": (
        _l("Het werkpakket is gepubliceerd. U kunt het voor meer mensen zichtbaar maken; daarvoor is een "
           "beoordeling nodig."),
        _l("Het voorbeeld is gepubliceerd. U kunt het voor meer mensen zichtbaar maken; daarvoor is een "
           "beoordeling nodig.")),
    "waiting_note": (_l("Dit werkpakket wacht op een beoordeling. U kunt het intussen nog bewerken."),
                     _l("Dit voorbeeld wacht op een beoordeling. U kunt het intussen nog bewerken.")),
}
COLUMNS = ("package", "case")


def words(kind_name: str) -> dict:
    """The words of one kind: ``words("case")["archived"]``."""
    column = COLUMNS.index(kind_name)
    return {key: pair[column] for key, pair in WORDS.items()}
