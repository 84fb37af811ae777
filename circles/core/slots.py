"""Named places on a page that features above can fill, so a lower feature never imports an upper one.

The circles feature renders ``{{ render_slots('circle_page', circle=circle) }}``; the meetings feature
registers ``slots.register('circle_page', fn)`` where ``fn(**context)`` returns Markup (or '').
"""

from collections import defaultdict
from collections.abc import Callable

from markupsafe import Markup

_slots: dict[str, list[tuple[int, Callable[..., Markup | str]]]] = defaultdict(list)


def register(name: str, fn: Callable[..., Markup | str], order: int = 50) -> None:
    """Add ``fn`` to the slot; lower ``order`` renders first (import order must not decide the page)."""
    if all(existing is not fn for _order, existing in _slots[name]):
        _slots[name].append((order, fn))
        _slots[name].sort(key=lambda item: item[0])


def render_slots(name: str, **context) -> Markup:
    return Markup("").join(Markup(fn(**context)) for _order, fn in _slots[name])
