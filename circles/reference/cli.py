"""``flask --app circles load-reference``: bring the reference tables up to date with the shipped files."""

import click
from flask.cli import with_appcontext

from circles.extensions import db
from circles.reference.services import load_reference_data


@click.command("load-reference")
@with_appcontext
def load_reference_command():
    """Load or update sectors, provinces, labour-market regions and municipalities."""
    with db.engine.begin() as conn:
        changes = load_reference_data(conn)
    click.echo(f"Reference data up to date ({changes} rows changed).")
