"""Named places on a page that features above can fill, so a lower feature never imports an upper one.

The circles feature renders ``{{ render_slots('circle_page', circle=circle) }}``; the meetings feature
registers ``slots.register('circle_page', fn)`` where ``fn(**context)`` returns Markup (or '').
"""

from collections import defaultdict
from collections.abc import Callable

from markupsafe import Markup

_slots: dict[str, list[Callable[..., Markup | str]]] = defaultdict(list)


def register(name: str, fn: Callable[..., Markup | str]) -> None:
    if fn not in _slots[name]:
        _slots[name].append(fn)


def render_slots(name: str, **context) -> Markup:
    return Markup("").join(Markup(fn(**context)) for fn in _slots[name])
