"""``scripts/bench`` cannot silently break again: its module runs end to end at the smallest scale on SQLite.

The benchmark publishes through the real services and requests every reader
page through the Django stack, so a refactor that renames what it uses, or
breaks a page it measures (each request must answer 200), fails here. A few
seconds: two releases, one timed request per measurement, no HTTP server. It
runs with ``--scale`` (what ``scripts/bench --scale`` passes; ``SCALE_SIZES``
sets its sizes there), so the side-by-side table of issue 18 is built too.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_runs_at_scale_one_on_sqlite(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("PG") and name not in {"DATABASE_URL", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        CELERY_BROKER_URL="", MEDIA_ROOT=str(tmp_path / "media"), DEBUG="0", SECRET_KEY="bench-smoke-" + "x" * 50,
    )
    out = tmp_path / "bench.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--label", "SQLite (smoke)", "--sizes", "1,2", "--runs", "1",
         "--out", str(out), "--scale"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    for row in ("release page (release 1)", "snapshot JSON (release 1)", "claim page", "TimeMap", "sources page",
                "floor: one stored row, release page's bytes", "simple-history"):
        assert row in report
    assert report.count("Uncached release page ÷ floor") == 3  # at 1 and at 2 releases, and side by side
    assert "side by side at 1, 2 releases" in report
    side_by_side = report.split("side by side at 1, 2 releases")[1].split("####")[0]
    assert side_by_side.count("\n| ") == 20  # the header and the 19 rows (the release page also as the first read after a change)
