"""Crash-safe publish and ingest (issue 8): SIGKILL at several points while they write.

After every kill the previous release (or data folder) is byte for byte what it was, or
fully the new one; nothing half-written is ever in place, what a killed run left behind
is hidden, ignored by the loader, and removed by the next run, which succeeds.
Bounded: a few kills each, at random delays (seeded; NIDA_CRASH_RUNS for more).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import copy_project, edit
from tests.reliability.test_bad_inputs import NIDA, snapshot

RUNS = int(os.environ.get("NIDA_CRASH_RUNS", "4"))
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "kobani-water-crisis.txt"


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "NIDA_ROOT"}


def start(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([NIDA, *args], cwd=root, env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def sub(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NIDA, *args], cwd=root, env=env(), capture_output=True, text=True, timeout=120)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".dist."))


def test_killed_publish_keeps_the_previous_release(release: Path, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    shutil.copytree(release, root / "dist")
    old = snapshot(root / "dist")
    # the next release differs, so that "intact" and "fully swapped" can be told apart
    edit(root / "release.toml", 'version = "0.1.0"', 'version = "0.1.1"')
    rng = random.Random(8)
    states = []
    killed_while_staging = 0
    for _ in range(RUNS):
        proc = start(root, "publish")
        deadline = time.monotonic() + 60
        while not leftovers(root) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.4))
        kill(proc)
        states.append(snapshot(root / "dist"))
        killed_while_staging += bool(leftovers(root))
        if leftovers(root):  # a killed run's staging is hidden and ignored by the loader
            assert sub(root, "validate").returncode == 0
    result = sub(root, "publish")
    assert result.returncode == 0, result.stderr
    assert leftovers(root) == [], "the next publish removes what killed runs left"
    new = snapshot(root / "dist")
    assert new != old
    for state in states:
        assert state in (old, new), "the release in place is always a whole one"
    assert sub(root, "verify", "dist").returncode == 0
    print(f"publish killed {RUNS} times, {killed_while_staging} while staging;"
          f" {sum(s == old for s in states)} left the old release, {sum(s == new for s in states)} the new")


def test_stale_staging_of_a_live_publish_is_left_alone(project: Path) -> None:
    from publisher.staging import remove_stale

    mine = project / f".dist.tmp-{os.getpid()}-abc"
    dead = project / ".dist.tmp-999999999-abc"
    old_style = project / ".dist.tmp-x1y2z3"
    for folder in (mine, dead, old_style):
        folder.mkdir()
    removed = remove_stale(project, (".dist.tmp-*",))
    assert sorted(removed) == sorted([dead, old_style])
    assert mine.is_dir()


def visible(tree: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tree.items() if not any(part.startswith(".") for part in k.split("/"))}


def ingest_staging(root: Path) -> list[Path]:
    return [*(root / "data/statements").glob(".ingest-tmp-*"), *(root / "data").glob(".*.ttl.tmp-*")]


def test_killed_ingest_leaves_data_whole(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    registries = ("data/organizations.ttl", "data/actors.ttl")
    old = {name: (root / name).read_bytes() for name in registries}
    reference = copy_project(tmp_path / "reference")
    assert sub(reference, "ingest", str(FIXTURE)).returncode == 0
    new = {name: (reference / name).read_bytes() for name in registries}
    new_statements = snapshot(reference / "data/statements")
    rng = random.Random(8)
    caught_writing = 0
    for attempt in range(RUNS + 2):
        before = visible(snapshot(root / "data"))
        proc = start(root, "ingest", str(FIXTURE))
        if attempt % 2:  # at a random moment
            time.sleep(rng.uniform(0.15, 0.7))
        else:  # as soon as the staged files appear, i.e. while it writes
            while proc.poll() is None and not ingest_staging(root):
                time.sleep(0.0005)
        caught_writing += bool(ingest_staging(root))
        kill(proc)
        for name in registries:  # each registry file is the old or the whole new one
            assert (root / name).read_bytes() in (old[name], new[name])
        for key, value in snapshot(root / "data/statements").items():
            if not key.startswith(".") and "/." not in key:  # staging (hidden) aside, nothing partial
                assert new_statements.get(key) == value
        check = sub(root, "validate")
        assert check.returncode == 0, check.stdout + check.stderr
        if visible(snapshot(root / "data")) != before:  # a later run would reconcile differently
            break
    print(f"ingest killed {attempt + 1} times, {caught_writing} while its staged files existed")
    result = sub(root, "ingest", str(FIXTURE), "--force")
    assert result.returncode == 0, result.stderr
    assert not [p for p in (root / "data/statements").iterdir() if p.name.startswith(".")]
    assert not [p for p in (root / "data").iterdir() if p.name.startswith(".")]
    assert sub(root, "validate").returncode == 0
