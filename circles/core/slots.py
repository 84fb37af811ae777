"""Named places on a page that features above can fill, so a lower feature never imports an upper one.

The circles feature renders ``{{ render_slots('circle_page', circle=circle) }}``; the meetings feature
registers ``slots.register('circle_page', fn)`` where ``fn(**context)`` returns Markup (or '').

A slot shown once per item of a list (a circle card) may also register ``prepare(items)``: the view calls
``slots.prepare('circle_card', circles)`` before rendering, so the feature loads what it shows for exactly
those items in one query, instead of for every item on the platform.
"""

from collections import defaultdict
from collections.abc import Callable

from flask import current_app
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

_slots: dict[str, list[tuple[int, Callable[..., Markup | str]]]] = defaultdict(list)
_preparers: dict[str, list[Callable[[list], None]]] = defaultdict(list)


def register(name: str, fn: Callable[..., Markup | str], order: int = 50,
             prepare: Callable[[list], None] | None = None) -> None:
    """Add ``fn`` to the slot; lower ``order`` renders first (import order must not decide the page)."""
    if all(existing is not fn for _order, existing in _slots[name]):
        _slots[name].append((order, fn))
        _slots[name].sort(key=lambda item: item[0])
    if prepare is not None and prepare not in _preparers[name]:
        _preparers[name].append(prepare)


def prepare(name: str, items: list) -> None:
    """Tell the slot's features which items the page will show (see the module's docstring)."""
    for fn in _preparers[name]:
        fn(items)


def render_slots(name: str, **context) -> Markup:
    return Markup("").join(Markup(fn(**context)) for _order, fn in _slots[name])


def render_fragment(template: str, **context) -> Markup:
    """A small template for a slot shown once per item (a card): rendered without Flask's context processors
    and signals, which cost more than the fragment itself fifty times a page. The fragment has the app's
    filters and translations, not ``request``, ``g``, ``current_user`` or ``url_for``'s request context; a
    name it uses that it was not given raises (``StrictUndefined``) instead of rendering as nothing."""
    return Markup(_fragment_environment().get_template(template).render(**context))


def _fragment_environment() -> Environment:
    """The app's Jinja environment with StrictUndefined: an overlay shares its loader, filters and globals
    (translations included), and is made once per app."""
    app = current_app._get_current_object()
    overlay = app.extensions.get("fragment_jinja_env")
    if overlay is None:
        overlay = app.extensions["fragment_jinja_env"] = app.jinja_env.overlay(undefined=StrictUndefined)
    return overlay
