"""Pages at scale, with budgets: ``python -m bench.pages --scale 1 --scale 10 [--database postgres|sqlite|URL]``.

For each scale (smallest first, growing one database: see ``bench.generate``) this

* counts the SQL statements of every page (an SQLAlchemy event listener, through Flask's test client), for an
  anonymous reader and for a logged-in member;
* serves the app with gunicorn (2 workers, ``bench/wsgi_bench.py``: the app plus a hello-world route, the
  floor) and runs ``wrk -t2 -c16 -d10s --latency`` against the floor and every page, anonymous and with the
  member's session cookie, giving throughput and p50/p99 latency, each as a ratio to the floor measured in the
  same run (before and after the pages; the mean of the two);
* reads the peak memory (VmHWM) of each gunicorn worker after the run.

The budgets (issue 8), checked at the largest scale: every page at least 0.20 of the floor's throughput and
p99 under 100 ms; statement counts equal at every scale and at most 10; worker memory under 150 MB. The
figures and pass/fail go to ``bench/RESULTS.md`` (section "pages"). Without ``--database`` the database is
``$DATABASE_URL`` or, when unset, a throwaway PostgreSQL that ``scripts/with-postgres.sh`` starts (this
command re-runs itself under it). The newsletter's figures come from ``bench.newsletter``.
"""

import argparse
import datetime as dt
import http.cookiejar
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from bench import results
from bench.generate import generate
from bench.search import PASSWORD, count_statements, cpu_model, fresh_schema, logged_in_client, make_app

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SECRET = "bench-secret-key-not-for-production"  # the one bench.search.make_app uses: cookies work in both
USER_AGENT = "circles-bench"
FLOOR = "/_bench/hallo"
BUDGET = {"ratio": 0.20, "p99_ms": 100.0, "queries": 10, "rss_mb": 150.0}


def pages(world: dict) -> dict[str, str]:
    """The pages of issue 8, item 4."""
    return {
        "home": "/",
        "circle list": "/leercirkels",
        "circle page": f"/leercirkels/{world['circle_slug']}",
        "meeting list": "/bijeenkomsten",
        "meeting page": f"/bijeenkomsten/{world['meeting_id']}",
        "package search": "/werkpakketten",
        "package search, query": "/werkpakketten?q=schoonmaak",
        "package page": f"/werkpakketten/{world['package_id']}-{world['package_slug']}",
        "dashboard": "/voortgang",
    }


# --- statements ------------------------------------------------------------------------------------------------

def statement_counts(app, world: dict) -> dict[tuple[str, str], int]:
    """Statements per page and reader with the process caches empty (``circles.core.cache``: progress totals,
    facet counts, whole public pages): the worst case; a request that finds them cached runs fewer or none."""
    anonymous, member = app.test_client(), logged_in_client(app, world["member_email"])
    return {(name, who): count_statements(app, client, url)
            for name, url in pages(world).items()
            for who, client in (("anonymous", anonymous), ("member", member))}


# --- gunicorn and wrk ------------------------------------------------------------------------------------------

class Server:
    """gunicorn with two workers on a free port, serving ``bench.wsgi_bench:app``."""

    def __init__(self, uri: str, workers: int, log: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "BENCH_DATABASE_URL": uri, "BENCH_SECRET_KEY": SECRET}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120", "bench.wsgi_bench:app"], cwd=ROOT, env=env, stdout=self.log,
            stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + FLOOR, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {log}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(c) for c in children]

    def peak_memory_mb(self) -> dict[int, float]:
        """VmHWM (peak resident set) of each worker, in MB."""
        peaks = {}
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        return peaks

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def session_cookie(base: str, email: str) -> str:
    """Log in over HTTP as a browser would (the log-in form with its CSRF token); the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/account/inloggen").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/account/inloggen", data=data).read()
    cookie = next((c.value for c in jar if c.name == "session"), None)
    if not cookie:
        raise RuntimeError("the bench member could not log in over HTTP")
    # Check: the member's session shows a page only members see.
    request = urllib.request.Request(base + "/account/profiel", headers={"Cookie": f"session={cookie}",
                                                                 "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request) as response:
            assert response.status == 200 and "/account/inloggen" not in response.url
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"the session cookie does not log in ({err.code})") from err
    return cookie


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, duration: int, connections: int, threads: int, cookie: str | None = None) -> dict:
    """One ``wrk --latency`` run: requests per second, p50 and p99 in ms, non-2xx/3xx answers and errors."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: session={cookie}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * _UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": latency("50"),
            "p99": latency("99"), "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "bad": int(bad.group(1)) if bad else 0, "errors": sum(map(int, errors.groups())) if errors else 0}


def measure(uri: str, world: dict, args, log_dir: Path) -> dict:
    """Floor, every page (anonymous and member), floor again; then the workers' peak memory."""
    server = Server(uri, args.workers, log_dir / f"gunicorn-scale-{world['scale']}.log")
    try:
        cookie = session_cookie(server.base, world["member_email"])
        options = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
        warm = {**options, "duration": 2}
        wrk(server.base + FLOOR, **warm)
        floor_before = wrk(server.base + FLOOR, **options)
        figures = {}
        for name, url in pages(world).items():
            for who, jar in (("anonymous", None), ("member", cookie)):
                wrk(server.base + url, **warm, cookie=jar)
                figures[(name, who)] = wrk(server.base + url, **options, cookie=jar)
                f = figures[(name, who)]
                print(f"    {name:<24} {who:<9} {f['rps']:8.1f}/s p50 {f['p50']:6.1f} ms p99 {f['p99']:6.1f} ms"
                      + (f" ({f['bad']} non-2xx/3xx)" if f["bad"] else ""), file=sys.stderr, flush=True)
        floor_after = wrk(server.base + FLOOR, **options)
        memory = server.peak_memory_mb()
    finally:
        server.stop()
    floor = {key: (floor_before[key] + floor_after[key]) / 2 for key in ("rps", "p50", "p99")}
    return {"floor": floor, "floor_before": floor_before, "floor_after": floor_after, "pages": figures,
            "memory": memory}


# --- the report ------------------------------------------------------------------------------------------------

def mark(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def report(r: dict) -> tuple[str, bool]:
    scales = r["scales"]
    top = scales[-1]
    lines = [
        f"<!-- pages:{r['engine']}:start -->",
        f"### {r['engine_name']}, scales {', '.join(map(str, scales))}",
        "",
        f"Run on {r['date']} with `{r['command']}` — {r['machine']}; Python {r['python']}, SQLAlchemy "
        f"{r['sqlalchemy']}. gunicorn {r['workers']} workers (sync), `wrk -t{r['threads']} -c{r['connections']} "
        f"-d{r['duration']}s --latency`, wrk on the same machine. Load average (1 min) at the start "
        f"{r['load'][0]:.1f}, at the end {r['load'][1]:.1f}: the machine is shared, so the ratios to the floor "
        f"(measured in the same run, before and after the pages) are the figures to read. Whole run: "
        f"{r['total']:.0f} s.",
        "",
    ]
    for scale in scales:
        world = r["worlds"][scale]
        lines.append(f"Scale {scale}: generated in {world['generated']:.0f} s (" + ", ".join(
            f"{name} {seconds:.0f} s" for name, seconds in world["steps"].items()) + ").")
    lines += [""]
    all_ok = True
    for scale in scales:
        m = r["measured"][scale]
        f = m["floor"]
        lines += [
            f"#### Scale {scale}" + (" (budgets)" if scale == top else ""),
            "",
            f"Floor (`{FLOOR}`): {f['rps']:.0f} requests/s (before {m['floor_before']['rps']:.0f}, after "
            f"{m['floor_after']['rps']:.0f}), p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms.",
            "",
            "| page | reader | req/s | × floor | p50 ms | p99 ms | statements | non-2xx | budget |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for (name, who), p in m["pages"].items():
            counts = [r["counts"][s][(name, who)] for s in scales]
            ratio = p["rps"] / f["rps"]
            ok_ratio, ok_p99 = ratio >= BUDGET["ratio"], p["p99"] < BUDGET["p99_ms"]
            ok_q = len(set(counts)) == 1 and counts[0] <= BUDGET["queries"]
            ok = ok_ratio and ok_p99 and ok_q and not p["bad"] and not p["errors"]
            misses = [x for x, good in (("throughput", ok_ratio), ("p99", ok_p99), ("statements", ok_q),
                                        ("errors", not p["bad"] and not p["errors"])) if not good]
            verdict = mark(ok) + (f" ({', '.join(misses)})" if misses else "")
            if scale == top:
                all_ok &= ok
            else:
                verdict = "—"
            lines.append(f"| {name} | {who} | {p['rps']:.0f} | {ratio:.2f} | {p['p50']:.1f} | {p['p99']:.1f} | "
                         f"{r['counts'][scale][(name, who)]} | {p['bad'] + p['errors']} | {verdict} |")
        peak = max(m["memory"].values()) if m["memory"] else 0.0
        ok_mem = peak < BUDGET["rss_mb"]
        if scale == top:
            all_ok &= ok_mem
        lines += ["", "Peak memory (VmHWM) per worker after the run: " + ", ".join(
            f"{mb:.0f} MB" for mb in m["memory"].values()) + (f" — {mark(ok_mem)} (< {BUDGET['rss_mb']:.0f} MB)"
                                                              if scale == top else ""), ""]
    lines += [
        "Statements per page (anonymous / member, with an empty cache: the worst case) at each scale: " + "; ".join(
            f"{name} " + " → ".join(f"{r['counts'][s][(name, 'anonymous')]}/{r['counts'][s][(name, 'member')]}"
                                    for s in scales)
            for name in dict.fromkeys(n for n, _w in r["counts"][scales[0]])) + ".",
        "",
        f"Budgets at scale {top}: throughput ≥ {BUDGET['ratio']:.2f} × floor and p99 < {BUDGET['p99_ms']:.0f} ms "
        f"per page and reader; statements equal at every scale and ≤ {BUDGET['queries']}; worker peak memory < "
        f"{BUDGET['rss_mb']:.0f} MB. **" + ("Every budget is met." if all_ok else "Not every budget is met: see "
                                              "the FAIL rows and bench/README.md for the reasons.") + "**",
        f"<!-- pages:{r['engine']}:end -->",
    ]
    return "\n".join(lines), all_ok


# --- main ------------------------------------------------------------------------------------------------------

def postgres_or_rerun(argv: list[str]) -> str | None:
    """The database to use when none was given: ``$DATABASE_URL``, ``$CIRCLES_TEST_DATABASE_URL``, or None after
    re-running this command under scripts/with-postgres.sh (a throwaway server)."""
    url = os.environ.get("DATABASE_URL") or os.environ.get("CIRCLES_TEST_DATABASE_URL")
    if url:
        return url
    script = ROOT / "scripts" / "with-postgres.sh"
    os.execv("/usr/bin/env", ["env", "bash", str(script), sys.executable, "-m", "bench.pages", *argv])
    return None


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, action="append", help="scale factor; repeat (default: 1 and 10)")
    parser.add_argument("--database", help="'sqlite' (a temporary file), 'postgres' or a postgresql:// URL; "
                                           "default $DATABASE_URL or a throwaway PostgreSQL. Its tables are DROPPED")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page and reader (10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    scales = sorted(set(args.scale or [1, 10]))
    if not shutil.which("wrk"):
        print("wrk is missing: installing it (apt-get install -y wrk)...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    if args.database in (None, "postgres"):
        uri = postgres_or_rerun(argv)
    elif args.database == "sqlite":
        uri = f"sqlite:///{Path(tempfile.mkdtemp(prefix='circles-bench-')) / 'bench.db'}"
    else:
        uri = args.database
    started, load = time.perf_counter(), os.getloadavg()[0]
    log_dir = Path(tempfile.mkdtemp(prefix="circles-bench-logs-"))
    app = make_app(uri)
    fresh_schema(app)
    world: dict = {}
    worlds, counts, measured = {}, {}, {}
    previous = 0
    for scale in scales:
        print(f"Scale {scale}: generating...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        world["seconds"] = {}
        generate(app, scale, start=previous, world=world, seed=args.seed)
        worlds[scale] = {"generated": time.perf_counter() - began, "steps": dict(world["seconds"])}
        previous = scale
        counts[scale] = statement_counts(app, world)
        print(f"Scale {scale}: measuring with gunicorn and wrk...", file=sys.stderr, flush=True)
        measured[scale] = measure(uri, world, args, log_dir)
    from circles.core.db import db

    with app.app_context():
        engine = db.engine.dialect.name
        version = db.session.scalar(sa.text("SHOW server_version" if engine == "postgresql" else
                                            "SELECT sqlite_version()"))
    engine_key = "postgresql" if engine == "postgresql" else "sqlite"
    block, ok = report({
        "engine": engine_key, "engine_name": f"PostgreSQL {version}" if engine_key == "postgresql" else
        f"SQLite {sqlite3.sqlite_version}", "scales": scales, "worlds": worlds, "counts": counts,
        "measured": measured, "workers": args.workers, "threads": args.threads, "connections": args.connections,
        "duration": args.duration, "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.pages " + " ".join(f"--scale {s}" for s in scales)
                   + ("" if args.database in (None, "postgres") else f" --database {args.database}"),
        "machine": f"{platform.system()} {platform.release()}, {cpu_model()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(), "sqlalchemy": sa.__version__, "total": time.perf_counter() - started,
        "load": (load, os.getloadavg()[0]),
    })
    results.write_results(args.output, "pages", "Pages at scale: gunicorn + wrk, with budgets", block, engine_key)
    print(block)
    print(f"\nWritten to {args.output}; gunicorn logs in {log_dir}.", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
