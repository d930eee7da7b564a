"""Every cache key covers all the code that shapes a result (issue 15, item 5).

Validation results and export pieces are cached under `code_version()`: the SHA-256 of every
file of the `publisher` package and of the libraries' versions. The end-to-end test edits a
real copy of the package, as a developer would, and runs it in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from publisher.buildcache import PACKAGE, code_version
from tests.conftest import STATEMENT_DIR, edit

BROKEN_DETECTOR = '''

_real_plan = plan


def plan(shapes, store, keep=None):  # a bug: the pre-filter flags no node at all
    found = _real_plan(shapes, store, keep)
    if found is not None:
        found.flagged = {shape: [] for shape in found.flagged}
    return found
'''


def copy_package(target: Path) -> Path:
    return Path(shutil.copytree(PACKAGE, target / "publisher", ignore=shutil.ignore_patterns("__pycache__")))


def test_any_file_of_the_package_changes_the_version(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    assert code_version(package) == code_version(PACKAGE)
    versions = {code_version(package)}
    for name in ("validation/prefilter.py", "export/html/templates/base.html", "settings.py"):
        with (package / name).open("a", encoding="utf-8") as handle:
            handle.write("\n")
        code_version.cache_clear()
        versions.add(code_version(package))
    assert len(versions) == 4
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    code_version.cache_clear()
    assert code_version(package) in versions  # compiled files are not the code


def nida(code: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(code), "NIDA_ROOT": str(project)}
    return subprocess.run([sys.executable, "-m", "publisher", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_an_edit_to_the_pre_filter_is_not_hidden_by_the_validation_cache(project: Path, tmp_path: Path) -> None:
    # a core violation: a signature whose printed name is gone
    edit(project / STATEMENT_DIR / "statement.ttl", '    nida:nameAsPrinted "Syrians For Truth and Justice"',
         '    nida:note "no name"')
    code = tmp_path / "code"
    package = copy_package(code)
    detector = package / "validation" / "prefilter.py"
    original = detector.read_text(encoding="utf-8")
    detector.write_text(original + BROKEN_DETECTOR, encoding="utf-8")
    broken = nida(code, project, "validate", "--format", "json", "--quiet")
    assert broken.returncode == 0, broken.stderr  # the bug hides the violation, and the result is cached
    assert json.loads(broken.stdout)["counts"]["violation"] == 0
    detector.write_text(original, encoding="utf-8")  # the developer fixes the pre-filter
    fixed = nida(code, project, "validate", "--format", "json", "--quiet")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    shapes = {r["shape"].rsplit("#", 1)[1] for r in json.loads(fixed.stdout)["results"] if r["severity"] == "violation"}
    assert "Signature-nameAsPrinted" in shapes
