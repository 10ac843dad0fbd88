"""Benchmark the as-of snapshot against django-simple-history, and HTTP throughput.

Run through ``scripts/bench`` (it starts PostgreSQL and runs this once per
database), or by hand on an empty database::

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=sqlite:////tmp/b.sqlite3 \\
        python -m benchmarks.run --label SQLite --out /tmp/sqlite.md

For each size (published revisions per section) it builds the history, then
measures, 30 times each: our selector (``release_as_of_date`` +
``snapshot_for_release``), the full as-of page (uncached render), and the peer:
the same sections tracked with django-simple-history, read with
``history.as_of()``. It prints a Markdown table and writes it to ``--out``.
With ``--http`` it also measures requests per second of a past as-of page under
gunicorn against a static file of the same size served by the same server.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.peer.models import SectionText  # noqa: E402
from briefings.models import (  # noqa: E402
    Briefing,
    Citation,
    Claim,
    Footnote,
    FootnoteReference,
    Release,
    ReleaseSection,
    RevisionStatus,
    SectionRevision,
)
from briefings.markup import parse_revision  # noqa: E402
from briefings.selectors.history import release_as_of_date, snapshot_for_release  # noqa: E402
from core.dates import TOKYO, end_of_day_tokyo  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "demo" / "seeds" / "paper_2025-02.txt"
SLUG = "world-2025"
START = dt.datetime(2025, 2, 9, 0, 0, tzinfo=TOKYO)
STEP = dt.timedelta(hours=1)
RUNS = 30


class QueryCounter:
    """Counts SQL statements through an execute wrapper (it survives reconnections)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def timed(function: Callable[[], Any], runs: int = RUNS) -> tuple[float, float, int]:
    """Median and p95 in milliseconds, and the number of SQL queries of one run."""
    function()  # warm up
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        function()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))], counter.count


class History:
    """Grows the briefing's history one release (all sections) at a time, in bulk."""

    def __init__(self) -> None:
        call_command("migrate", verbosity=0)
        call_command("migrate", run_syncdb=True, verbosity=0)  # then the peer's tables (no migrations)
        call_command("import_briefing", str(PAPER), slug=SLUG, title="2025年の国際情勢の概観と展望", verbosity=0)
        self.briefing = Briefing.objects.get(slug=SLUG)
        first = Release.objects.get(briefing=self.briefing, number=1)
        self.numbers = first.footnote_numbers
        self.templates = [entry.revision for entry in first.entries.select_related("revision", "section").order_by("position")]
        self.sections = [revision.section for revision in self.templates]
        self.claims = {r.pk: list(Claim.objects.filter(revision=r).order_by("position")) for r in self.templates}
        self.notes = {r.pk: list(Footnote.objects.filter(revision=r).order_by("position")) for r in self.templates}
        self.refs = {
            r.pk: list(FootnoteReference.objects.filter(claim__revision=r).values_list("claim__position", "footnote__key", "offset"))
            for r in self.templates
        }
        self.cites = {
            r.pk: list(Citation.objects.filter(footnote__revision=r).values_list("footnote__key", "source_id", "position", "locator"))
            for r in self.templates
        }
        self.rounds = 1
        SectionText.objects.bulk_create(
            SectionText(key=r.section.key, number=r.number, heading=r.heading, body=r.body, information_as_of=r.information_as_of)
            for r in self.templates
        )
        self.peer = {text.key: text for text in SectionText.objects.all()}
        self._peer_history(START)

    def _peer_history(self, when: dt.datetime) -> None:
        historical = SectionText.history.model
        historical.objects.bulk_create(
            historical(
                id=text.pk, key=text.key, number=text.number, heading=text.heading, body=text.body,
                information_as_of=text.information_as_of, history_date=when, history_type="~" if self.rounds > 1 else "+",
            )
            for text in self.peer.values()
        )

    def grow_to(self, rounds: int) -> None:
        while self.rounds < rounds:
            self.rounds += 1
            with transaction.atomic():
                self._round(START + STEP * (self.rounds - 1))

    def _round(self, when: dt.datetime) -> None:
        revisions = SectionRevision.objects.bulk_create(
            SectionRevision(
                section=t.section, number=t.number, heading=t.heading, body=t.body, information_as_of=t.information_as_of,
                status=RevisionStatus.SUPERSEDED, published_at=when, change_summary=f"round {self.rounds}",
            )
            for t in self.templates
        )
        claims, notes = [], []
        for template, revision in zip(self.templates, revisions, strict=True):
            claims += [Claim(revision=revision, position=c.position, paragraph=c.paragraph, role=c.role, text=c.text)
                       for c in self.claims[template.pk]]
            notes += [Footnote(revision=revision, key=n.key, position=n.position, text=n.text) for n in self.notes[template.pk]]
        claims = Claim.objects.bulk_create(claims, batch_size=2000)
        notes = Footnote.objects.bulk_create(notes, batch_size=2000)
        claim_at = {(c.revision_id, c.position): c for c in claims}
        note_at = {(n.revision_id, n.key): n for n in notes}
        refs, cites = [], []
        for template, revision in zip(self.templates, revisions, strict=True):
            refs += [FootnoteReference(claim=claim_at[(revision.pk, position)], footnote=note_at[(revision.pk, key)], offset=offset)
                     for position, key, offset in self.refs[template.pk]]
            cites += [Citation(footnote=note_at[(revision.pk, key)], source_id=source, position=position, locator=locator)
                      for key, source, position, locator in self.cites[template.pk]]
        FootnoteReference.objects.bulk_create(refs, batch_size=2000)
        Citation.objects.bulk_create(cites, batch_size=2000)
        release = Release.objects.create(
            briefing=self.briefing, number=self.rounds, published_at=when, information_as_of=when.date(),
            footnote_numbers=self.numbers,
        )
        ReleaseSection.objects.bulk_create(
            ReleaseSection(release=release, section=section, revision=revision, position=index)
            for index, (section, revision) in enumerate(zip(self.sections, revisions, strict=True))
        )
        self._peer_history(when)


def measure(history: History, client: Client) -> dict[str, Any]:
    middle = START + STEP * (history.rounds // 2)
    day = middle.astimezone(TOKYO).date()
    url = f"/briefings/{SLUG}/as-of/{day.isoformat()}/"

    def selector() -> None:
        release = release_as_of_date(briefing=history.briefing, day=day)
        assert release is not None
        snapshot_for_release(release=release)

    def page() -> None:
        cache.clear()
        assert client.get(url).status_code == 200

    moment = end_of_day_tokyo(day)

    def peer() -> None:
        assert len(list(SectionText.history.as_of(moment))) == len(history.sections)

    def peer_parsed() -> None:
        # what the peer needs before it can render: the sentences and notes of each body
        for text in SectionText.history.as_of(moment):
            parse_revision(heading=text.heading, body=text.body)

    return {
        "selector": timed(selector), "page": timed(page, runs=15), "peer": timed(peer), "peer_parsed": timed(peer_parsed),
    }


def http_throughput(client: Client, seconds: int) -> dict[str, float]:
    """Requests per second of a past as-of page and of a same-size static file, same gunicorn."""
    if not shutil.which("wrk"):
        return {}
    url = f"/briefings/{SLUG}/as-of/2025-02-09/"
    body = client.get(url).content
    static_dir = ROOT / "staticfiles" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "page.html").write_bytes(body)
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4",
         "--log-level", "warning", "--env", "DJANGO_SETTINGS_MODULE=benchmarks.settings"],
        cwd=ROOT, env=env,
    )
    try:
        _wait(port)
        targets = (("page", url), ("static", "/static/bench/page.html"))
        for _name, path in targets:  # warm both: the page renders once per worker, then comes from the cache
            for _ in range(8):
                subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}{path}"], check=False)
        rates: dict[str, list[float]] = {"page": [], "static": []}
        errors = {"page": 0, "static": 0}
        for _round in range(3):  # alternate, and report the median of three rounds of each
            for name, path in targets:
                out = subprocess.run(
                    ["wrk", "-t2", "-c50", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
                    capture_output=True, text=True, check=True,
                ).stdout
                line = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
                rates[name].append(float(line.split()[1]))
                errors[name] += sum(1 for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line)
        results = {name: statistics.median(values) for name, values in rates.items()}
        results.update({f"{name}_errors": float(count) for name, count in errors.items()})
        results["bytes"] = float(len(body))
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(static_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", required=True, help="database label for the table, e.g. PostgreSQL 15")
    parser.add_argument("--sizes", default="1,10,100,1000", help="published revisions per section to measure at")
    parser.add_argument("--out", required=True, help="Markdown file to write the table to")
    parser.add_argument("--http", type=int, default=0, help="seconds of wrk load per target (0: skip)")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    # As Django's test runner does: keep one connection instead of reconnecting per request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST="127.0.0.1")
    history = History()
    lines = [
        f"### {args.label}",
        "",
        "| revisions per section | our selector median / p95 (ms) | queries | full page median / p95 (ms) | queries "
        "| simple-history `as_of` median / p95 (ms) | queries | `as_of` + parsing the bodies (ms) "
        "| ours ÷ theirs (raw) | ours ÷ theirs (render-ready) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        started = time.perf_counter()
        history.grow_to(size)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # what autovacuum does after bulk loads; plans use current statistics
        built = time.perf_counter() - started
        result = measure(history, client)
        ours, page, peer, parsed = result["selector"], result["page"], result["peer"], result["peer_parsed"]
        lines.append(
            f"| {size:,} | {ours[0]:.1f} / {ours[1]:.1f} | {ours[2]} | {page[0]:.1f} / {page[1]:.1f} | {page[2]} "
            f"| {peer[0]:.1f} / {peer[1]:.1f} | {peer[2]} | {parsed[0]:.1f} / {parsed[1]:.1f} "
            f"| {ours[0] / peer[0]:.3g} | {ours[0] / parsed[0]:.3g} |"
        )
        print(lines[-1], f"(history built in {built:.1f} s)", flush=True)
    largest = sizes[-1]
    first_ms = float(lines[4].split("|")[2].split("/")[0])
    last_ms = float(lines[-1].split("|")[2].split("/")[0])
    lines += ["", f"Snapshot cost at {largest:,} revisions per section ÷ at {sizes[0]}: **{last_ms / first_ms:.2f}×**."]
    if args.http:
        rates = http_throughput(client, args.http)
        if rates:
            lines += [
                "",
                f"HTTP under gunicorn (2 workers × 4 threads), `wrk -t2 -c50 -d{args.http}s` on 127.0.0.1, "
                f"median of three alternating rounds, a {rates['bytes'] / 1024:.0f} KiB page:",
                "",
                "| target | requests/s | non-2xx or socket errors reported |",
                "|---|---:|---:|",
                f"| past as-of page (`/as-of/2025-02-09/`, served from the release cache) | {rates['page']:,.0f} | {int(rates['page_errors'])} |",
                f"| static file of the same size (WhiteNoise, same server) | {rates['static']:,.0f} | {int(rates['static_errors'])} |",
                "",
                f"Page ÷ static: **{rates['page'] / rates['static']:.2f}**.",
            ]
    table = "\n".join(lines) + "\n"
    print(table)
    Path(args.out).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
