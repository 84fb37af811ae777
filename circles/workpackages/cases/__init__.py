"""Good-practice cases (goede voorbeelden): real placements told as a story with numbers and quotes by
role. A sub-feature of work packages: its views are registered on the ``workpackages`` blueprint, and its
versions, publishing and attachments are the shared workflow's (``workpackages/workflow/``)."""
