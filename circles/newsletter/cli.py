"""``flask --app circles newsletter send``: the sending worker (safe from cron, and twice at once),
and ``newsletter purge-pending``: sign-ups never confirmed within 30 days are deleted."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from circles.core import mail
from circles.core.db import db, utcnow
from circles.newsletter import sending

newsletter_cli = AppGroup("newsletter", help="The newsletter.")


@newsletter_cli.command("send")
@click.option("--quiet", is_flag=True, help="No progress bar (for cron).")
def send_command(quiet: bool):
    """Send what is queued for every issue that is being sent, then mark finished issues as sent."""
    outcomes: dict[str, int] = {}
    total = sending.pending_count()
    if total:
        mail.refresh_statistics()

    def count(outcome: str, bar=None) -> None:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if bar is not None:
            bar.update(1)

    if quiet or total == 0:
        mail.deliver(batch_prefix=sending.BATCH_PREFIX, on_progress=count)
    else:
        with click.progressbar(length=total, label="Nieuwsbrief versturen", show_pos=True) as bar:
            mail.deliver(batch_prefix=sending.BATCH_PREFIX, on_progress=lambda outcome: count(outcome, bar))
    finished = sending.finish()
    db.session.commit()
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "nothing to send"
    click.echo(summary)
    for issue in finished:
        click.echo(f"issue {issue.number}: sent")


@newsletter_cli.command("purge-pending")
def purge_pending_command():
    """Delete sign-ups that were not confirmed within 30 days (the privacy statement promises it)."""
    from circles.newsletter.subscriptions import services as subscriptions

    removed = subscriptions.purge_pending(utcnow())
    db.session.commit()
    click.echo(f"removed {removed} unconfirmed sign-ups older than {timedelta(days=30).days} days")
