"""``flask --app circles meetings ...`` commands (meant for cron)."""

from flask.cli import AppGroup

meetings_cli = AppGroup("meetings", help="Meeting reminders and clean-up.")
