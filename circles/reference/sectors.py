"""The sectors of government and education (domain.md section 3), with translatable labels."""

from flask_babel import lazy_gettext as _l

#: (code, group, label) in display order.
SECTORS = [
    ("rijk", "overheid", _l("Rijksoverheid")),
    ("zbo", "overheid", _l("Zelfstandige bestuursorganen")),
    ("gemeenten", "overheid", _l("Gemeenten")),
    ("provincies", "overheid", _l("Provincies")),
    ("waterschappen", "overheid", _l("Waterschappen")),
    ("defensie", "overheid", _l("Defensie")),
    ("politie", "overheid", _l("Politie")),
    ("rechtspraak", "overheid", _l("Rechterlijke macht")),
    ("po", "onderwijs", _l("Primair onderwijs")),
    ("vo", "onderwijs", _l("Voortgezet onderwijs")),
    ("mbo", "onderwijs", _l("Middelbaar beroepsonderwijs")),
    ("hbo", "onderwijs", _l("Hoger beroepsonderwijs")),
    ("wo", "onderwijs", _l("Wetenschappelijk onderwijs")),
    ("umc", "onderwijs", _l("Universitair medische centra")),
    ("onderzoek", "onderwijs", _l("Onderzoeksinstellingen")),
]
SECTOR_LABELS = {code: label for code, _group, label in SECTORS}
GROUP_LABELS = {"overheid": _l("Overheid"), "onderwijs": _l("Onderwijs")}
