"""Entry point for gunicorn: ``gunicorn -w 2 'wsgi:app'`` (see README, production settings)."""

from circles import create_app

app = create_app()
