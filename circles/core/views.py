"""Helpers every feature's views use."""

from flask import render_template


def form_page(template: str, form, status: int | None = None, **context):
    """Render a form page: 422 when the form was sent and had errors, so a failure is never a 200."""
    return render_template(template, form=form, **context), status or (422 if form.errors else 200)
