"""Benchmark the reader side through the real Django stack, against a floor and a peer.

Run through ``scripts/bench`` (it starts PostgreSQL and runs this once per
database), or by hand on an empty database::

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=sqlite:////tmp/b.sqlite3 \\
        python -m benchmarks.run --label SQLite --sizes 1,10 --runs 5 --out /tmp/sqlite.md

It imports the paper as release 1 and grows the history to each size (number of
releases; every release revises all 22 sections). Revisions and their content
rows are made in bulk, then published through the publisher the workflow calls
(``briefings.publication.publish``): the release, its manifest, artefact,
digest, anchors and rendering are the rows a real publication writes.

At each size it measures, with the test ``Client`` (all middleware, no network):

* every reader page and API endpoint, **uncached** (the Django cache emptied
  before each request) and **cached** (repeated requests);
* the **floor** of issue 12: a benchmark-only view (``benchmarks/floor``)
  returning one stored row of the same bytes as the release page, and one of
  the snapshot JSON; the ratios uncached page ÷ floor and snapshot ÷ floor;
* the as-of read against django-simple-history's ``history.as_of()`` on the
  same sections (``benchmarks/peer``).

With ``--http`` it also measures requests per second under gunicorn (wrk) of a
cached past release page, the floor view and a static file of the same size.
It prints Markdown and writes it to ``--out``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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

from benchmarks.bulk import Drafts, publish_import_bulk  # noqa: E402
from benchmarks.floor.models import StoredResponse  # noqa: E402
from benchmarks.peer.models import SectionText  # noqa: E402
from briefings.markup import parse_revision  # noqa: E402
from briefings.models import Briefing, SectionRevision  # noqa: E402
from briefings.services.transitions import revisions_publish_import  # noqa: E402
from core.dates import TOKYO, end_of_day_tokyo, to_tokyo  # noqa: E402
from releases.caching import page_generation_bump  # noqa: E402
from releases.models import ClaimAnchor, LiveState, Release  # noqa: E402
from releases.selectors.history import artefact_of, release_as_of_date  # noqa: E402
from releases.services.rendering import rendering_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "demo" / "seeds" / "paper_2025-02.txt"
SLUG = "world-2025"
START = dt.datetime(2025, 2, 9, 0, 0, tzinfo=TOKYO)
STEP = dt.timedelta(hours=1)
SEARCH_WORDS = "ウクライナ"
BULK_BATCH = 20
"""Releases published per transaction when the history is built in bulk."""


class QueryCounter:
    """Counts SQL statements through an execute wrapper (it survives reconnections)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@dataclass(frozen=True)
class Timing:
    median: float
    p95: float
    queries: int

    def cell(self) -> str:
        return f"{self.median:.2f} / {self.p95:.2f}"


def timed(function: Callable[[], Any], runs: int) -> Timing:
    """Median and p95 in milliseconds of ``runs`` calls, and the SQL queries of one call."""
    return timed_together([function], runs)[0]


def timed_together(functions: list[Callable[[], Any]], runs: int) -> list[Timing]:
    """``timed`` of each function, their calls interleaved: round after round, one call of each.

    A shared machine has slow minutes. Timed one after the other, the rows
    measured during one would be the only ones slowed; interleaved, a slow
    moment weighs on every row alike, and the rows compare.
    """
    counts = []
    for function in functions:
        function()  # warm up (imports, template loading, the connection)
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            function()
        counts.append(counter.count)
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, times in zip(functions, samples, strict=True):
            began = time.perf_counter()
            function()
            times.append((time.perf_counter() - began) * 1000)
    return [
        Timing(statistics.median(times), sorted(times)[min(len(times) - 1, int(len(times) * 0.95))], count)
        for times, count in zip(samples, counts, strict=True)
    ]


class History:
    """The paper as release 1, grown one release (all sections revised) at a time."""

    def __init__(self) -> None:
        call_command("migrate", verbosity=0)
        call_command("migrate", run_syncdb=True, verbosity=0)  # the peer's and the floor's tables (no migrations)
        call_command("import_briefing", str(PAPER), slug=SLUG, title="2025年の国際情勢の概観と展望",
                     published_at=START.isoformat(), verbosity=0)
        self.briefing = Briefing.objects.get(slug=SLUG)
        self.drafts = Drafts(briefing=self.briefing)
        self.templates = self.drafts.templates
        self.rounds = 1
        SectionText.objects.bulk_create(
            SectionText(key=r.section.key, number=r.number, heading=r.heading, body=r.body, information_as_of=r.information_as_of)
            for r in self.templates
        )
        self.peer = list(SectionText.objects.all())
        self._peer_history(START)

    def revisions(self) -> int:
        """How many section revisions the history has."""
        return SectionRevision.objects.filter(section__briefing=self.briefing).count()

    def _peer_history(self, when: dt.datetime) -> None:
        historical = SectionText.history.model
        historical.objects.bulk_create(
            historical(
                id=text.pk, key=text.key, number=text.number, heading=text.heading, body=text.body,
                information_as_of=text.information_as_of, history_date=when, history_type="~" if self.rounds > 1 else "+",
            )
            for text in self.peer
        )

    def grow_to(self, rounds: int, *, bulk: bool = True) -> float | None:
        """Publish releases until there are ``rounds``; return the seconds the last publication took.

        With ``bulk`` (the default) every release but the last is published by
        ``benchmarks.bulk.publish_import_bulk`` (the workflow's rows in a few
        statements, the release made by the product's publisher: the same
        rows, ``tests/benchmarks/test_bulk.py``), up to ``BULK_BATCH`` releases
        per transaction; the last one, the one timed, always goes through the
        service the importer uses (``revisions_publish_import``). None when no
        release was published.
        """
        seconds = None
        while self.rounds < rounds:
            with transaction.atomic():
                for _ in range(min(BULK_BATCH if bulk else 1, rounds - self.rounds)):
                    self.rounds += 1
                    seconds = self._round(START + STEP * (self.rounds - 1), service=not bulk or self.rounds == rounds)
                    if self.rounds % 500 == 0:
                        print(f"  {self.rounds:,} releases", file=sys.stderr, flush=True)
        return seconds

    def _round(self, when: dt.datetime, *, service: bool = True) -> float:
        """Write a new draft of every section in bulk, then publish them all as one release.

        Only the drafts and their content rows are bulk-made (what an editor's
        saves would write, ``benchmarks.bulk.Drafts``); publishing goes through
        the service the importer uses (``revisions_publish_import``): the
        workflow's transitions (the previous revisions superseded), then the
        publisher (release, manifest, artefact, digest, anchors, rendering,
        page frame); or, without ``service``, through ``publish_import_bulk``
        (the same rows, the workflow's in bulk). Returns the seconds publishing took.
        """
        revisions = self.drafts.make(when=when, summary=f"第{self.rounds}版の更新")
        summary = f"第{self.rounds}版（ベンチマーク）"
        began = time.perf_counter()
        if service:
            revisions_publish_import(revisions=revisions, actor=None, published_at=when, information_as_of=when.date(),
                                     summary=summary)
        else:
            publish_import_bulk(revisions=revisions, published_at=when, information_as_of=when.date(), summary=summary)
        seconds = time.perf_counter() - began
        self._peer_history(when)
        return seconds


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    cached: bool = True
    """Also measured with the cache kept (pages with a page cache or cached live state)."""
    live_dropped: bool = False
    """Uncached also means the stored live state is gone: the first reader after a change."""


def targets(history: History) -> list[Target]:
    """The reader pages and API endpoints, at a release in the middle of the history."""
    latest = history.rounds
    middle = max(1, (latest + 1) // 2)
    release = Release.objects.get(briefing=history.briefing, number=middle)
    day = to_tokyo(release.published_at).date()
    section = history.templates[len(history.templates) // 2].section.key
    anchor = ClaimAnchor.objects.filter(briefing=history.briefing, revision_id=history.drafts.current[1]).values_list(
        "anchor", flat=True).first()
    base = f"/briefings/{SLUG}"
    return [
        Target("latest release page", f"{base}/"),
        Target("as-of page (middle day)", f"{base}/as-of/{day.isoformat()}/"),
        Target(f"release page (release {middle})", f"{base}/releases/{middle}/"),
        Target(f"release page (release {middle}), first reader after a change", f"{base}/releases/{middle}/",
               cached=False, live_dropped=True),
        Target(f"snapshot JSON (release {middle})", f"/api/briefings/{SLUG}/snapshot/?release={middle}"),
        Target("snapshot JSON (as of the middle day)", f"/api/briefings/{SLUG}/snapshot/?as_of={day.isoformat()}"),
        Target(f"changes (release 1 → {latest})", f"{base}/changes/?from_release=1&to_release={latest}"),
        Target("section history", f"{base}/sections/{section}/history/"),
        Target("Atom feed", f"{base}/feed/"),
        Target("search (latest release)", f"{base}/search/?q={SEARCH_WORDS}"),
        Target("release list", f"{base}/releases/"),
        Target("claim page", f"{base}/claims/{anchor}/"),
        Target("TimeMap", f"{base}/timemap/"),
        Target("sources page", "/sources/"),
        Target("release list API", f"/api/releases/?briefing={SLUG}"),
        Target("revision list API", f"/api/revisions/?briefing={SLUG}"),
        Target("claim list API", f"/api/claims/?briefing={SLUG}"),
        Target("briefing detail API", f"/api/briefings/{SLUG}/"),
        Target(f"dead links of release {middle} (the page's script)", f"{base}/releases/{middle}/dead-links.json"),
    ]


def get(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def uncached(client: Client, url: str, *, live_dropped: bool = False) -> Callable[[], bytes]:
    def run() -> bytes:
        cache.clear()
        page_generation_bump()  # what a purge does: each process's in-memory pages go too, at once
        if live_dropped:
            LiveState.objects.all().delete()
        return get(client, url)

    return run


def cached(client: Client, url: str) -> Callable[[], bytes]:
    return lambda: get(client, url)


FLOOR_PAGE, FLOOR_SNAPSHOT = "release-page", "snapshot"


def store_floor(client: Client, *, page_url: str, snapshot_url: str) -> dict[str, int]:
    """Store the release page's and the snapshot's bytes as floor rows; return their sizes."""
    sizes = {}
    for name, url in ((FLOOR_PAGE, page_url), (FLOOR_SNAPSHOT, snapshot_url)):
        response = client.get(url)
        body = response.content.decode("utf-8")
        StoredResponse.objects.update_or_create(name=name, defaults={"body": body, "content_type": response["Content-Type"]})
        sizes[name] = len(response.content)
    return sizes


@dataclass
class Measured:
    size: int
    rows: list[tuple[Target, Timing, Timing | None, int]]
    floor: dict[str, Timing]
    floor_bytes: dict[str, int]
    ours: Timing
    ours_structured: Timing
    peer: Timing
    peer_parsed: Timing
    publish_ms: float | None
    paired: dict[str, float]
    """Page and snapshot ÷ floor: the median of the ratios of requests made in pairs (robust to a noisy machine)."""


def measure(history: History, client: Client, runs: int) -> Measured:
    chosen = targets(history)
    bodies = [get(client, target.url) for target in chosen]
    # Uncached rows interleaved, then cached rows interleaved (an uncached call empties the cache the cached
    # rows read, so the two kinds never mix).
    colds = timed_together([uncached(client, t.url, live_dropped=t.live_dropped) for t in chosen], runs)
    for target, cold in zip(chosen, colds, strict=True):
        if cold.queries == 0:  # no query: a cache the bench did not empty answered, and the row would lie
            raise RuntimeError(f"{target.url} answered uncached without a query: a cache was not emptied")
    kept = [target for target in chosen if target.cached]
    warms = dict(zip(map(id, kept), timed_together([cached(client, t.url) for t in kept], runs), strict=True))
    rows = [
        (target, cold, warms.get(id(target)), len(body))
        for target, cold, body in zip(chosen, colds, bodies, strict=True)
    ]
    floor_bytes = store_floor(client, page_url=chosen[2].url, snapshot_url=chosen[4].url)
    floor = {name: timed(uncached(client, f"/bench/floor/{name}/"), runs) for name in (FLOOR_PAGE, FLOOR_SNAPSHOT)}
    paired = {
        FLOOR_PAGE: paired_ratio(uncached(client, chosen[2].url), uncached(client, f"/bench/floor/{FLOOR_PAGE}/"), runs),
        FLOOR_SNAPSHOT: paired_ratio(uncached(client, chosen[4].url),
                                     uncached(client, f"/bench/floor/{FLOOR_SNAPSHOT}/"), runs),
    }

    day = to_tokyo(Release.objects.get(briefing=history.briefing, number=max(1, (history.rounds + 1) // 2)).published_at).date()
    moment = end_of_day_tokyo(day)

    def ours() -> None:
        release = release_as_of_date(briefing=history.briefing, day=day)
        assert release is not None
        rendering_for(release=release, fields=("snapshot_json",))

    def ours_structured() -> None:
        release = release_as_of_date(briefing=history.briefing, day=day)
        assert release is not None
        assert artefact_of(release=release).content.sections

    def peer() -> None:
        assert len(list(SectionText.history.as_of(moment))) == len(history.templates)

    def peer_parsed() -> None:
        # what the peer needs before it can render: the sentences and notes of each body
        for text in SectionText.history.as_of(moment):
            parse_revision(heading=text.heading, body=text.body)

    return Measured(
        size=history.rounds, rows=rows, floor=floor, floor_bytes=floor_bytes,
        ours=timed(ours, runs), ours_structured=timed(ours_structured, runs),
        peer=timed(peer, runs), peer_parsed=timed(peer_parsed, runs), publish_ms=None, paired=paired,
    )


def paired_ratio(function: Callable[[], Any], floor: Callable[[], Any], runs: int) -> float:
    """The median of ``function``'s time ÷ ``floor``'s, each call of one right after one of the other."""
    function(), floor()  # warm up
    quotients = []
    for _ in range(max(runs, 30)):
        began = time.perf_counter()
        function()
        middle = time.perf_counter()
        floor()
        quotients.append((middle - began) / (time.perf_counter() - middle))
    return statistics.median(quotients)


def ratios(result: Measured) -> tuple[float, float]:
    """Uncached release page ÷ its floor, uncached snapshot JSON ÷ its floor (medians of paired requests)."""
    return result.paired[FLOOR_PAGE], result.paired[FLOOR_SNAPSHOT]


def size_table(label: str, result: Measured) -> list[str]:
    page_ratio, snapshot_ratio = ratios(result)
    lines = [
        f"#### {label}: {result.size:,} release{'s' if result.size > 1 else ''}"
        + (f" (publishing the last release through the service: {result.publish_ms:.0f} ms)"
           if result.publish_ms else ""),
        "",
        "| request | uncached median / p95 (ms) | queries | cached median / p95 (ms) | queries | bytes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for target, cold, warm, size in result.rows:
        warm_cells = f"{warm.cell()} | {warm.queries}" if warm else "– | –"
        lines.append(f"| {target.name} (`{target.url}`) | {cold.cell()} | {cold.queries} | {warm_cells} | {size:,} |")
    for name, title in ((FLOOR_PAGE, "floor: one stored row, release page's bytes"),
                        (FLOOR_SNAPSHOT, "floor: one stored row, snapshot's bytes")):
        timing = result.floor[name]
        lines.append(f"| {title} (`/bench/floor/{name}/`) | {timing.cell()} | {timing.queries} | – | – "
                     f"| {result.floor_bytes[name]:,} |")
    lines += [
        "",
        f"Uncached release page ÷ floor: **{page_ratio:.2f}×**; uncached snapshot JSON ÷ floor: "
        f"**{snapshot_ratio:.2f}×** (goal ≤ 2×; the median of the ratios of requests "
        "made in pairs, each uncached request right before its floor's, so a noisy machine weighs on both alike).",
        "",
    ]
    return lines


def peer_table(results: list[Measured]) -> list[str]:
    lines = [
        "| releases | ours: as-of release + stored snapshot (ms) | queries | ours: + reader structures (ms) | queries "
        "| simple-history `as_of` (ms) | queries | `as_of` + parsing the bodies (ms) "
        "| ours ÷ theirs (raw) | ours ÷ theirs (render-ready) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.size:,} | {r.ours.cell()} | {r.ours.queries} | {r.ours_structured.cell()} | {r.ours_structured.queries} "
            f"| {r.peer.cell()} | {r.peer.queries} | {r.peer_parsed.cell()} "
            f"| {r.ours.median / r.peer.median:.3g} | {r.ours_structured.median / r.peer_parsed.median:.3g} |"
        )
    first, last = results[0], results[-1]
    if last.size != first.size:
        lines += ["", f"As-of read at {last.size:,} releases ÷ at {first.size:,}: "
                      f"**{last.ours.median / first.ours.median:.2f}×** (simple-history: "
                      f"{last.peer.median / first.peer.median:.2f}×)."]
    return lines


@dataclass(frozen=True)
class HttpTarget:
    name: str
    path: str
    local_layer: bool = True
    """Whether the server keeps reader pages in its own memory (``RELEASE_PAGE_LOCAL_BYTES``)."""
    conditional: bool = False
    """Sent with ``If-None-Match`` naming the page's ETag (answered 304)."""


_MIDDLE = re.compile(r"\(release \d+\)|of release \d+")


def scale_table(label: str, results: list[Measured]) -> list[str]:
    """Every page and endpoint side by side at each size (uncached p50 / p95, queries), and largest ÷ smallest."""
    first, last = results[0], results[-1]
    head = " | ".join(f"{r.size:,} releases: p50 / p95 (ms), queries" for r in results)
    lines = [
        f"#### {label}: side by side at {', '.join(f'{r.size:,}' for r in results)} releases (uncached)",
        "",
        f"| request | {head} | {last.size:,} ÷ {first.size:,} (p50, p95) |",
        "|---|" + "---:|" * (len(results) + 1),
    ]
    for index, (target, _cold, _warm, _size) in enumerate(first.rows):
        cells = [f"{r.rows[index][1].cell()}, {r.rows[index][1].queries}" for r in results]
        small, large = first.rows[index][1], last.rows[index][1]
        p50, p95 = large.median / small.median, large.p95 / small.p95
        mark = "" if max(p50, p95) <= 2 else " ✗"
        name = _MIDDLE.sub(lambda m: m[0].split("release")[0] + "the middle release" + (")" if m[0].endswith(")") else ""),
                           target.name).replace(f"→ {first.size})", "→ the newest)")  # the same row at every size
        lines.append(f"| {name} | {' | '.join(cells)} | {p50:.2f}×, {p95:.2f}×{mark} |")
    lines += ["", "Uncached release page ÷ floor (issue 12): " + ", ".join(
        f"{r.size:,}: **{ratios(r)[0]:.2f}×**" for r in results) + "; snapshot JSON ÷ floor: " + ", ".join(
        f"{r.size:,}: {ratios(r)[1]:.2f}×" for r in results) + " (goal ≤ 2×). ✗: over 2× its cost at "
        f"{first.size:,} release{'s' if first.size > 1 else ''} (goal ≤ 2×).", ""]
    return lines


WRK_SCRIPT = ROOT / "benchmarks" / "wrk_summary.lua"


@dataclass
class HttpRuns:
    """What wrk reported for one target over the rounds."""

    rates: list[float]
    """Requests per second, one per round."""
    requests: int = 0
    bytes: int = 0
    errors: int = 0
    """Socket errors and answers of status 400 or more; for a conditional target, every answer but a 304."""
    statuses: dict[int, int] = field(default_factory=dict)
    """Answers by status (counted for the conditional target only: counting costs wrk every header)."""


def http_throughput(client: Client, seconds: int, page_url: str, cache_url: str = "") -> dict[str, Any]:
    """Requests per second under gunicorn (production settings) of a cached page, its 304, the floor and a static file.

    ``cache_url``: the shared cache the servers use (Redis in production); empty:
    per-process memory. The page is measured with the per-process layer in front
    of the shared cache (the default) and without it (the shared cache only).
    Returns ``HttpRuns`` by target name, and the page's size under ``bytes``.
    """
    if not shutil.which("wrk"):
        return {}
    body = get(client, page_url)
    static_dir = ROOT / "staticfiles" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "page.html").write_bytes(body)
    chosen = [
        HttpTarget("page", page_url), HttpTarget("page_304", page_url, conditional=True),
        HttpTarget("page_shared_only", page_url, local_layer=False), HttpTarget("floor", f"/bench/floor/{FLOOR_PAGE}/"),
        HttpTarget("static", "/static/bench/page.html"),
    ]
    servers = {layer: _gunicorn(cache_url=cache_url, local_layer=layer) for layer in (True, False)}
    try:
        for port, _server in servers.values():
            _wait(port)
        for target in chosen:  # warm: the page renders once per worker, then comes from the cache
            for _ in range(8):
                subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{servers[target.local_layer][0]}"
                                f"{target.path}"], check=False)
        # the servers render the page themselves (their live state's time is in it): ask one for its ETag
        etag = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%header{etag}",
                               f"http://127.0.0.1:{servers[True][0]}{page_url}"],
                              capture_output=True, text=True, check=True).stdout.strip()
        runs = {target.name: HttpRuns(rates=[]) for target in chosen}
        for _round in range(3):  # alternate, and report the median of three rounds of each
            for target in chosen:
                header = ["-H", f"If-None-Match: {etag}"] if target.conditional else []
                out = subprocess.run(
                    ["wrk", "-t2", "-c50", f"-d{seconds}s", "-s", str(WRK_SCRIPT), *header,
                     f"http://127.0.0.1:{servers[target.local_layer][0]}{target.path}"],
                    capture_output=True, text=True, check=True,
                    env={**os.environ, "WRK_COUNT_STATUSES": "1" if target.conditional else "0"},
                ).stdout
                _tally(runs[target.name], out, conditional=target.conditional)
        return {**runs, "bytes": len(body)}
    finally:
        for _port, server in servers.values():
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        shutil.rmtree(static_dir, ignore_errors=True)


def _tally(runs: HttpRuns, out: str, *, conditional: bool) -> None:
    """Add one wrk run (its output with ``wrk_summary.lua``'s lines) to ``runs``."""
    rate = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    runs.rates.append(float(rate.split()[1]))
    summary = re.search(r"^summary (.*)$", out, re.MULTILINE)
    if summary is None:
        raise RuntimeError(f"wrk printed no summary (is {WRK_SCRIPT} in use?):\n{out}")
    fields = {name: int(value) for name, value in (pair.split("=") for pair in summary.group(1).split())}
    runs.requests += fields["requests"]
    runs.bytes += fields["bytes"]
    statuses = {int(status): int(count) for status, count in re.findall(r"^status (\d+) (\d+)$", out, re.MULTILINE)}
    for status, count in statuses.items():
        runs.statuses[status] = runs.statuses.get(status, 0) + count
    if conditional:  # what it asks for is a 304: every other answer is an error
        runs.errors += fields["socket_errors"] + sum(count for status, count in statuses.items() if status != 304)
    else:
        runs.errors += fields["socket_errors"] + fields["status_errors"]


def _gunicorn(*, cache_url: str, local_layer: bool) -> tuple[int, subprocess.Popen[bytes]]:
    """A gunicorn of the product (2 workers x 4 threads) on a free loopback port."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "CACHE_URL": cache_url}
    if not local_layer:
        env["RELEASE_PAGE_LOCAL_BYTES"] = "0"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4",
         "--log-level", "warning", "--env", "DJANGO_SETTINGS_MODULE=benchmarks.settings"],
        cwd=ROOT, env=env,
    )
    return port, server


def http_table(results: dict[str, Any], *, seconds: int, cache_url: str) -> list[str]:
    """The HTTP table and its ratios: cached page ÷ static file, 304 ÷ 200 (requests per second and bytes)."""
    shared = "Redis" if cache_url.startswith("redis") else "per-process memory"
    rows = [
        ("page", f"release 1 page, cached: per-process layer in front of {shared}"),
        ("page_304", "the same page, conditional (`If-None-Match` with the server's ETag)"),
        ("page_shared_only", f"the same page, {shared} only (`RELEASE_PAGE_LOCAL_BYTES=0`)"),
        ("floor", "floor view (one stored row of the same bytes)"),
        ("static", "static file of the same size (WhiteNoise, same server)"),
    ]
    runs: dict[str, HttpRuns] = {name: results[name] for name, _title in rows}
    rate = {name: statistics.median(run.rates) for name, run in runs.items()}

    def answers(name: str) -> str:
        run = runs[name]
        if name == "page_304":
            others = sum(count for status, count in run.statuses.items() if status != 304)
            return f"304: {run.statuses.get(304, 0):,}; other: {others:,}; errors: {run.errors:,}"
        return f"errors: {run.errors:,}"

    def per_response(name: str) -> float:
        return runs[name].bytes / max(1, runs[name].requests)

    paired = [page / static for page, static in zip(runs["page"].rates, runs["static"].rates, strict=True)]
    cost_304 = [page / revalidated
                for page, revalidated in zip(runs["page"].rates, runs["page_304"].rates, strict=True)]
    return [
        f"HTTP under gunicorn (2 workers × 4 threads, production settings, shared cache: {shared}), "
        f"`wrk -t2 -c50 -d{seconds}s` on 127.0.0.1, three alternating rounds (median, and the rounds' range), "
        f"a {results['bytes'] / 1024:.0f} KiB page; answers counted by `benchmarks/wrk_summary.lua`:",
        "",
        "| target | requests/s | range | bytes per response | answers |",
        "|---|---:|---:|---:|---|",
        *(f"| {title} | {rate[name]:,.0f} | {min(runs[name].rates):,.0f}–{max(runs[name].rates):,.0f} "
          f"| {per_response(name):,.0f} | {answers(name)} |" for name, title in rows),
        "",
        f"Cached page ÷ static file: **{rate['page'] / rate['static']:.2f}** (goal ≥ 0.8; each round: "
        f"{', '.join(f'{ratio:.2f}' for ratio in paired)}; {shared} only: "
        f"{rate['page_shared_only'] / rate['static']:.2f}); page ÷ floor: {rate['page'] / rate['floor']:.2f}. "
        f"A 304 takes **{rate['page'] / rate['page_304']:.2f}×** the server time of a 200 (requests per second "
        f"of the 200 ÷ of the 304; each round: {', '.join(f'{ratio:.2f}' for ratio in cost_304)}) and "
        f"**{per_response('page_304') / per_response('page'):.1%}** of its bytes "
        f"({per_response('page_304'):,.0f} against {per_response('page'):,.0f}).",
    ]


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


def run(
    *, label: str, sizes: list[int], runs: int, http_seconds: int = 0, http_cache_url: str = "", scale: bool = False,
    out: Path | None = None,
) -> str:
    """Build the history up to each size, measure, and return the Markdown report (also written to ``out``
    after each size)."""
    # As Django's test runner does: keep one connection instead of reconnecting per request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST="127.0.0.1")
    history = History()
    lines = [f"### {label}", ""]
    results = []
    previous = 1
    for size in sizes:
        started = time.perf_counter()
        publishing = history.grow_to(size)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # What autovacuum does after bulk loads, done before measuring rather than during it: statistics for
                # the plans, the visibility map and hint bits set (else the first reads of each page write them), and
                # a checkpoint, so no vacuum or checkpoint of the build lands in a measurement's p95.
                cursor.execute("VACUUM ANALYZE")
                cursor.execute("CHECKPOINT")
        built = time.perf_counter() - started
        result = measure(history, client, runs)
        result.publish_ms = publishing * 1000 if publishing is not None else None
        results.append(result)
        lines += size_table(label, result)
        lines += [f"Built from {previous:,} to {size:,} release{'s' if size > 1 else ''} in {built:.0f} s "
                  f"({history.revisions():,} revisions); database: {database_size()}.", ""]
        previous = size
        page_ratio, snapshot_ratio = ratios(result)
        print(f"{label} {size:,} releases (built in {built:.1f} s): page ÷ floor {page_ratio:.2f}×, "
              f"snapshot ÷ floor {snapshot_ratio:.2f}×", flush=True)
        if out is not None:  # what is measured so far survives a run stopped before the largest size
            partial = lines + (scale_table(label, results) if scale and len(results) > 1 else [])
            out.write_text("\n".join(partial) + "\n", encoding="utf-8")
    if scale:
        lines += scale_table(label, results)
    lines += [f"#### {label}: the as-of read against django-simple-history", "", *peer_table(results)]
    if http_seconds:
        http = http_throughput(client, http_seconds, f"/briefings/{SLUG}/releases/1/", cache_url=http_cache_url)
        if http:
            lines += ["", *http_table(http, seconds=http_seconds, cache_url=http_cache_url)]
    return "\n".join(lines) + "\n"


def database_size() -> str:
    """The size of the benchmark's database on disk (PostgreSQL), or of the SQLite file."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return str(cursor.fetchone()[0])
    name = Path(str(connection.settings_dict["NAME"]))
    return f"{name.stat().st_size / 2**20:,.0f} MB" if name.exists() else "in memory"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", required=True, help="database label for the tables, e.g. PostgreSQL 15")
    parser.add_argument("--sizes", default="1,10,100,1000", help="numbers of releases to measure at (comma-separated)")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per measurement (median and p95)")
    parser.add_argument("--out", required=True, help="Markdown file to write the tables to")
    parser.add_argument("--http", type=int, default=0, help="seconds of wrk load per target (0: skip)")
    parser.add_argument("--http-cache-url", default="", help="the shared cache of the HTTP servers (redis://...)")
    parser.add_argument("--scale", action="store_true", help="also print every request side by side at each size")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    if not sizes or sizes[0] < 1:
        parser.error("--sizes: numbers of releases, 1 or more")
    report = run(label=args.label, sizes=sizes, runs=max(1, args.runs), http_seconds=args.http,
                 http_cache_url=args.http_cache_url, scale=args.scale, out=Path(args.out))
    print(report)
    Path(args.out).write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
