"""The shape of the code: imports at the top of modules, dependencies one way (import-linter).

An import inside a function hides a dependency (and often a cycle) from the
reader and from import-linter's layers. The only ones allowed are listed here,
each with its reason.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "sources", "briefings", "events", "releases", "demo", "config")

ALLOWED = {
    # Celery tasks import their service in the task body (STYLE 19): a worker loads only what it runs.
    ("tasks.py", "*"): "task bodies import their service (STYLE 19)",
    # WeasyPrint loads Pango and the fonts: only processes that render a PDF pay for it.
    ("*", "weasyprint"): "heavy optional renderer",
    # AppConfig.ready() connects receivers and registers the publisher once apps are loaded.
    ("apps.py", "*"): "AppConfig.ready() wiring",
}


def _function_imports() -> list[tuple[str, int, str]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        module = inner.module if isinstance(inner, ast.ImportFrom) else inner.names[0].name
                        found.append((str(path.relative_to(ROOT)), inner.lineno, module or ""))
    return found


def _allowed(path: str, module: str) -> bool:
    name = Path(path).name
    return any(
        (file in ("*", name)) and (target == "*" or module.split(".")[0] == target)
        for file, target in ALLOWED
    )


def test_no_module_is_imported_inside_a_function_except_the_listed_reasons():
    # given every function of the project's packages
    offending = [f"{path}:{line} imports {module}" for path, line, module in _function_imports()
                 if not _allowed(path, module)]
    # then none imports, but for the reasons in ALLOWED
    assert offending == [], "\n".join(offending)


def test_import_linter_contracts_are_kept():
    # given the contracts in .importlinter (layers, services, the workflow rules)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    # then every contract is kept
    assert result.returncode == 0, result.stdout + result.stderr
