"""Signals ("signalen"), a part of the progress feature: bottlenecks members meet in practice, recognised by
others and answered by the platform's coordinators.

A sub-package, so that ``circles.progress.signals`` is never mistaken for the service module (nor for
blinker's signals): the rules are in ``services``, the pages in ``views`` (on the progress blueprint, whose
``__init__`` imports them), the forms in ``forms`` and the permission rules in ``permissions``.
"""
