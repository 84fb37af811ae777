"""circles: the learning-circle platform for the banenafspraak in government and education.

``create_app`` builds the app: configuration, then extensions, then blueprints, then CLI commands.
"""

import importlib
import os
import secrets
from pathlib import Path

from flask import Flask

from circles import config as config_module


def create_app(test_config: dict | None = None) -> Flask:
    """Build an app: defaults, then instance/config.py, then the environment (or ``test_config``)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_module.Defaults)
    if test_config is None:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config_module.from_environment())
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)
    else:
        app.config.update(test_config)

    from circles.core import setup as core_setup

    core_setup.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _instance_secret_key(instance_path: str) -> str:
    """A random key made once per installation and kept in instance/, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


#: The features in the order their blueprints are registered. A feature's package defines its blueprint
#: (and registers its permission rules); its ``views`` module holds its routes and imports those of its
#: sub-features, so the package never imports its views and the import graph has no cycle.
FEATURES = ("pages", "accounts", "groups", "meetings", "workpackages", "newsletter", "progress")


def _register_blueprints(app: Flask) -> None:
    for name in FEATURES:
        feature = importlib.import_module(f"circles.{name}")
        importlib.import_module(f"circles.{name}.views")
        app.register_blueprint(feature.bp)


def _register_cli(app: Flask) -> None:
    from circles import demo
    from circles.core import mail
    from circles.meetings.cli import meetings_cli
    from circles.newsletter.cli import newsletter_cli
    from circles.reference import cli as reference_cli

    app.cli.add_command(demo.seed_demo_command)
    app.cli.add_command(reference_cli.load_reference_command)
    app.cli.add_command(mail.mail_cli)
    app.cli.add_command(meetings_cli)
    app.cli.add_command(newsletter_cli)
