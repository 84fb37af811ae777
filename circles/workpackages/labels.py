"""The labels the package and case pages show for stored codes (``labels.setting.get(code)``), one
dictionary per kind, built on what both kinds show."""

from circles.reference.sectors import SECTOR_LABELS
from circles.workpackages import models
from circles.workpackages.instruments import INSTRUMENTS_BY_CODE

#: The codes packages and cases both have.
SHARED = {"setting": models.SETTING_LABELS, "contract": models.CONTRACT_LABELS, "guidance": models.GUIDANCE_LABELS,
          "licence": models.LICENCE_LABELS, "licence_url": models.LICENCE_URLS, "language": models.LANGUAGE_LABELS,
          "visibility": models.CONTENT_VISIBILITY_LABELS, "instruments": INSTRUMENTS_BY_CODE}
PACKAGE_LABELS = {**SHARED, "level": models.WORK_LEVEL_LABELS, "frequency": models.FREQUENCY_LABELS,
                  "independence": models.INDEPENDENCE_LABELS}
CASE_LABELS = {**SHARED, "recruitment": models.RECRUITMENT_LABELS, "partners": models.PARTNER_LABELS,
               "triggers": models.TRIGGER_LABELS, "roles": models.QUOTE_ROLE_LABELS, "sectors": SECTOR_LABELS}
