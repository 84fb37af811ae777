"""The app as ``bench.pages`` serves it with gunicorn: ``create_app()`` with the benchmark's database and secret
(from ``BENCH_DATABASE_URL`` and ``BENCH_SECRET_KEY``), plus one route that only the benchmark has: the floor,
a hello-world route that costs what any request of this app costs (middleware, session, security headers,
request log) and nothing more. The app itself is not changed."""

import os

from circles import create_app

app = create_app({
    "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
    "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAIL_BACKEND": "console",
    "RATELIMIT_ENABLED": False,  # wrk is one client hammering one page: the limiter would answer 429
    "REQUEST_LOG": os.environ.get("BENCH_REQUEST_LOG", "1") == "1",
})
app.add_url_rule("/_bench/hallo", "bench_hello", lambda: "Hallo")
