"""Forms for news submissions: the member's submission and the editor's reason for declining."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField

from circles.core.forms import BaseForm, WebAddress, choices, max_length, required, strip
from circles.core.personal_data import NoPersonalData


class NewsForm(BaseForm):
    """A news item or initiative for the newsletter. Sector and region are optional: without them the
    item is for everyone."""

    title = StringField(_l("Titel"), filters=[strip],
                        validators=[required(_l("Geef uw melding een titel.")), max_length(200), NoPersonalData()])
    body = TextAreaField(_l("Tekst"), filters=[strip],
                         validators=[required(_l("Schrijf de tekst van uw melding.")), max_length(5000),
                                     NoPersonalData()],
                         description=_l("Hoogstens 5.000 tekens. U kunt Markdown gebruiken. Noem geen namen of "
                                        "andere gegevens van medewerkers."))
    link = StringField(_l("Link (niet verplicht)"), filters=[strip], validators=[max_length(500), WebAddress()],
                       description=_l("Een volledig webadres met meer informatie, zoals "
                                      "https://www.organisatie.nl/nieuws."))
    sector = SelectField(_l("Sector (niet verplicht)"), default="",
                         description=_l("Laat leeg als de melding voor alle sectoren is."))
    region = SelectField(_l("Arbeidsmarktregio (niet verplicht)"), default="",
                         description=_l("Laat leeg als de melding landelijk is."))

    def fill_choices(self, sectors, regions) -> None:
        self.sector.choices = choices([("", _l("Alle sectoren")), *[(s.code, s.label) for s in sectors]])
        self.region.choices = choices([("", _l("Landelijk")), *[(r.code, r.name) for r in regions]])

    def fields(self) -> dict:
        """What ``news.submit`` takes."""
        return {"title": self.title.data, "body": self.body.data, "link": self.link.data or "",
                "sector_code": self.sector.data or None, "region_code": self.region.data or None}


class DeclineNewsForm(BaseForm):
    """The editor's reason; the submitter reads it in the e-mail."""

    note = TextAreaField(_l("Reden van afwijzen"), filters=[strip],
                         validators=[required(_l("Schrijf waarom u de melding afwijst; de indiener leest dit.")),
                                     max_length(2000), NoPersonalData()])
