"""Slots: a fragment rendered without Flask's context fails loudly on a name it was not given."""

import pytest
from jinja2 import ChoiceLoader, DictLoader, UndefinedError

from circles.core import slots


@pytest.fixture
def fragments(app):
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"planted/card.html": "<p>{{ starts_at }}</p>",
                    "planted/uses_user.html": "<p>{% if current_user.is_authenticated %}yes{% endif %}</p>"}),
        app.jinja_env.loader])
    app.extensions.pop("fragment_jinja_env", None)
    return app


def test_a_fragment_renders_what_it_was_given_with_the_apps_filters(fragments):
    with fragments.test_request_context():
        assert slots.render_fragment("planted/card.html", starts_at="morgen") == "<p>morgen</p>"


def test_a_fragment_that_uses_a_name_it_was_not_given_raises(fragments):
    """``current_user`` comes from a context processor, which fragments skip: it must not render as nothing."""
    with fragments.test_request_context(), pytest.raises(UndefinedError):
        slots.render_fragment("planted/uses_user.html")


def test_pages_keep_their_forgiving_undefined(fragments):
    """Only fragments are strict; full pages render through Flask as before."""
    from flask import render_template_string

    with fragments.test_request_context():
        assert render_template_string("<p>{{ not_given }}</p>") == "<p></p>"
