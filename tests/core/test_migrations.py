"""The committed migrations build exactly the schema the models describe, on SQLite and PostgreSQL;
the demo seeder is idempotent."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from circles import create_app
from circles.accounts.models import Organisation, User
from circles.core import search
from circles.core.db import db
from circles.reference.models import Municipality, Region, Sector
from tests.conftest import PG_URL, _config


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the kind this test run uses."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin = sa.create_engine(os.environ["CIRCLES_PG_ADMIN_URL"], isolation_level="AUTOCOMMIT")
    name = f"migr_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_on_an_empty_database_matches_the_models(empty_database_url, smtp_server):
    app = create_app(_config(empty_database_url, smtp_server.port))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # The search table is not a model (FTS5 / tsvector): the migrations make it through core.search.
            opts = {"compare_type": True, "include_name": search.include_name}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
            counts = {model.__tablename__: conn.scalar(sa.select(sa.func.count()).select_from(model))
                      for model in (Sector, Region, Municipality)}
        db.engine.dispose()
    assert diff == [], f"the migrations and the models differ: {diff}"
    assert counts == {"sectors": 15, "regions": 35, "municipalities": 342}


def test_seed_demo_twice_gives_no_duplicates(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (db.session.scalar(sa.select(sa.func.count()).select_from(User)),
              db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "0 organisations, 0 accounts, 0 circles and 0 work packages, copies and cases added" in second.output
    assert (db.session.scalar(sa.select(sa.func.count()).select_from(User)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))) == counts
    assert counts[0] >= 4 and counts[1] >= 10


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, runner, create_user):
    create_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not seeded" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_demo_accounts_can_log_in(app, runner, auth):
    from circles.demo import ACCOUNTS, DEMO_PASSWORD

    runner.invoke(args=["seed-demo"])
    for email, *_rest in ACCOUNTS:
        assert auth.login(email, DEMO_PASSWORD).status_code == 302, email
        auth.logout()


def test_reference_data_loads_idempotently(app, runner):
    result = runner.invoke(args=["load-reference"])
    assert result.exit_code == 0
    assert "0 rows changed" in result.output
    assert db.session.get(Municipality, 1) is not None
    assen = db.session.scalar(sa.select(Municipality).where(Municipality.name == "Assen"))
    assert assen.region.code == "AM01" and assen.province.name == "Drenthe"
