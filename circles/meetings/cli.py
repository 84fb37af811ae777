"""``flask --app circles meetings ...`` commands (meant for cron)."""

import click
from flask.cli import AppGroup

from circles.core.db import db
from circles.meetings.rsvp import services as rsvp

meetings_cli = AppGroup("meetings", help="Meeting reminders and clean-up.")


@meetings_cli.command("send-reminders")
def send_reminders_command():
    """Send due meeting reminders (each attendee once, however often it runs) and deliver them.

    It also deletes the dietary and accessibility needs of meetings that ended (as purge-needs does),
    so one cron line does both, for example every hour:
    ``0 * * * * flask --app circles meetings send-reminders``.
    """
    counts = rsvp.send_reminders()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@meetings_cli.command("purge-needs")
def purge_needs_command():
    """Delete the dietary and accessibility needs of meetings that ended (safe to run again)."""
    purged = rsvp.purge_needs()
    db.session.commit()
    click.echo(f"meetings purged: {purged}")
