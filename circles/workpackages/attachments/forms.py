"""The upload form of an attachment."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import ValidationError

from circles.core.forms import BaseForm, max_length, strip
from circles.core.personal_data import NoPersonalData
from circles.core.uploads import ACCEPT, MAX_BYTES, CheckedUpload, UploadRefused, check_upload
from circles.workpackages.attachments.services import MAX_DESCRIPTION


class AttachmentForm(BaseForm):
    """One file and what it is. The file is checked by content (core.uploads); an image needs a description,
    its alternative text. Field ids are prefixed: the form sits on the package or case page among others."""

    file = FileField(_l("Bestand"), id="attachment-file",
                     description=_l("PDF, Word (DOCX), Excel (XLSX), OpenDocument (ODT, ODS) of een afbeelding "
                                    "(PNG, JPEG), hoogstens 10 MB."),
                     render_kw={"accept": ACCEPT})
    description = StringField(_l("Beschrijving"), id="attachment-description", filters=[strip],
                              validators=[max_length(MAX_DESCRIPTION), NoPersonalData()],
                              description=_l("Wat staat erin, bijvoorbeeld 'Functieomschrijving'. Bij een afbeelding "
                                             "verplicht: beschrijf wat erop staat, voor wie de afbeelding niet kan "
                                             "zien."))

    #: The accepted upload, once validated.
    checked: CheckedUpload | None = None

    def validate_file(self, field) -> None:
        self.checked = None
        try:
            self.checked = check_upload(field.data, max_bytes=MAX_BYTES)
        except UploadRefused as refused:
            raise ValidationError(str(refused.message)) from None

    def validate_description(self, field) -> None:
        if self.checked is not None and self.checked.is_image and not field.data:
            raise ValidationError(_l("Beschrijf wat er op de afbeelding staat, voor wie de afbeelding niet kan zien."))
