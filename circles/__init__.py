"""circles: the learning-circle platform for the banenafspraak in government and education.

``create_app`` builds the app: configuration, then extensions, then blueprints, then CLI commands.
"""

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


def _register_blueprints(app: Flask) -> None:
    from circles.accounts import bp as accounts_bp
    from circles.groups import bp as groups_bp
    from circles.meetings import bp as meetings_bp
    from circles.newsletter import bp as newsletter_bp
    from circles.pages import bp as pages_bp
    from circles.progress import bp as progress_bp
    from circles.workpackages import bp as workpackages_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(workpackages_bp)
    app.register_blueprint(newsletter_bp)
    app.register_blueprint(progress_bp)


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
