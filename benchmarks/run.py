"""Benchmark nida's validate + publish against the naive pipeline, at ~10k, ~100k and ~1M triples.

    python benchmarks/run.py CORPORA [--sizes 10k,100k,1m] [--naive-limit 120] [--write-readme]

Corpora are generated with benchmarks/generate.py into CORPORA/<size>/ once and reused.
Each pipeline runs in its own worker process (so peak RSS is its own); each phase prints
wall seconds and the peak RSS reached during that phase (VmHWM, reset between phases
through /proc/self/clear_refs). The naive pipeline (one rdflib graph, pySHACL over
everything on rdflib's default in-memory store, rdflib's serializers) is cut off after
--naive-limit seconds and the phase it was in is reported as "> N s".
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# statements, organizations: about 1,350 triples per statement plus 2 per organization
SIZES = {"10k": (6, 500), "100k": (70, 5000), "1m": (730, 5000)}
#: the statement-shaped corpora (generate.py --shape statements): about 1,730 published triples
#: per statement (half of them entailed) plus 7.7 per organization of the registry
SHAPED_PREFIX = "st-"
SHAPED_SIZES = {"st-10k": (5, 150), "st-100k": (50, 1500), "st-1m": (540, 5000), "st-3m": (1700, 5000)}


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class Recorder:
    """The timer handed to the pipeline: prints one JSON line per phase, flushed at once."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.workers = 0
        _reset_peak()

    def __call__(self, phase: str, seconds: float) -> None:
        row: dict[str, Any] = {"phase": phase, "seconds": round(seconds, 3), "peak_mb": _status("VmHWM")}
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        if workers > self.workers:  # a forked worker of this phase set a new peak
            row["workers_mb"] = self.workers = workers
        print(json.dumps(row), flush=True)
        _reset_peak()

    def timed(self, phase: str, started: float) -> None:
        self(phase, time.perf_counter() - started)


def worker_ours(corpus: Path, out: Path) -> None:
    sys.path.insert(0, str(REPO))
    from publisher.load.dataset import load_dataset
    from publisher.release import publish
    from publisher.settings import Settings

    record = Recorder()
    started = time.perf_counter()
    settings = Settings(root=corpus)
    dataset = load_dataset(settings, lazy=True)  # as `nida publish` loads it
    record.timed("load", started)
    publish(dataset, settings, out, timer=record)
    gc.freeze()  # as `nida` does when a command ends (publisher/cli.py main)


def worker_naive(corpus: Path, out: Path) -> None:
    import pyshacl
    from rdflib import Graph, Literal, URIRef

    record = Recorder()
    started = time.perf_counter()
    graph = Graph()
    for file in sorted((corpus / "data").rglob("*.ttl")) + sorted((corpus / "ontology").rglob("*.ttl")):
        graph.parse(file, format="turtle")
    for source in sorted((corpus / "data").rglob("source.txt")):
        iri = URIRef(f"https://w3id.org/nida/id/source/{source.parent.name}")
        graph.add((iri, URIRef("https://w3id.org/nida/ontology#content"), Literal(source.read_text("utf-8"))))
    shapes = Graph()
    for file in sorted((corpus / "shapes").glob("*.ttl")):
        shapes.parse(file, format="turtle")
    record.timed("load", started)
    started = time.perf_counter()
    pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    record.timed("validate", started)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    graph.serialize(out / "nida.ttl", format="turtle")
    record.timed("export: turtle", started)
    started = time.perf_counter()
    graph.serialize(out / "nida.nt", format="nt")
    record.timed("export: ntriples", started)
    started = time.perf_counter()
    graph.serialize(out / "nida.jsonld", format="json-ld")
    record.timed("export: jsonld", started)


def worker_floor(release: Path, out: Path) -> None:
    """What pyoxigraph alone takes for the same quads: load a release's N-Quads, write the dumps.

    No validation, no pages, no framing: the floor under our load and RDF exporters. Turtle and
    N-Triples get the union of the graphs (as nida.ttl and nida.nt do); JSON-LD is pyoxigraph's
    flat expanded form, not our compacted one.
    """
    from pyoxigraph import RdfFormat, Store, serialize

    record = Recorder()
    started = time.perf_counter()
    store = Store()
    store.bulk_load(path=str(release / "nida.nq"), format=RdfFormat.N_QUADS)
    record.timed("load", started)
    out.mkdir(parents=True, exist_ok=True)
    prefixes = {"nida": "https://w3id.org/nida/ontology#", "dct": "http://purl.org/dc/terms/",
                "skos": "http://www.w3.org/2004/02/skos/core#", "schema": "https://schema.org/"}
    for name, file, format in (("turtle", "nida.ttl", RdfFormat.TURTLE),
                               ("ntriples", "nida.nt", RdfFormat.N_TRIPLES),
                               ("nquads", "nida.nq", RdfFormat.N_QUADS),
                               ("trig", "nida.trig", RdfFormat.TRIG),
                               ("jsonld (flat)", "nida.jsonld", RdfFormat.JSON_LD)):
        started = time.perf_counter()
        if format in (RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.JSON_LD):
            store.dump(str(out / file), format, prefixes=prefixes if format is RdfFormat.TRIG else None)
        else:
            serialize((quad.triple for quad in store), str(out / file), format,
                      prefixes=prefixes if format is RdfFormat.TURTLE else None)
        record.timed(f"export: {name}", started)


def corpus_for(folder: Path, size: str) -> Path:
    target = folder / size
    sys.path.insert(0, str(HERE))
    from generate import copy_project_files, generate, generate_statements

    if not (target / ".complete").exists():
        if size.startswith(SHAPED_PREFIX):
            generate_statements(target, *SHAPED_SIZES[size])
        else:
            statements, organizations = SIZES[size]
            generate(target, statements, organizations)
        (target / ".complete").write_text("")
    copy_project_files(target)  # a cached corpus is measured against today's shapes and ontology
    return target


def triples_of(out: Path) -> int:
    path = out / "nida.nt"
    return sum(1 for _ in path.open("rb")) if path.exists() else 0


def run_worker(kind: str, corpus: Path, out: Path, limit: float) -> tuple[list[dict[str, Any]], float, bool]:
    """Run one pipeline in a fresh process; return its phases, wall time and whether it was cut off.
    What the runs before it wrote is written back to the disk first (`os.sync`): a cold 1M
    publish leaves gigabytes dirty, which the kernel otherwise writes back during the next run,
    on the same two CPUs."""
    command = [sys.executable, __file__, "--worker", kind, str(corpus), "--out", str(out)]
    os.sync()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    phases: list[dict[str, Any]] = []
    cut = False
    os.set_blocking(process.stdout.fileno(), True)
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    while True:
        remaining = limit - (time.perf_counter() - started)
        if remaining <= 0:
            process.kill()
            cut = True
            break
        if not selector.select(timeout=min(remaining, 1.0)):
            if process.poll() is not None:
                break
            continue
        line = process.stdout.readline()
        if not line:
            break
        phases.append(json.loads(line))
    process.wait()
    wall = time.perf_counter() - started
    if not cut and process.returncode != 0:
        raise SystemExit(f"{kind} worker failed on {corpus} (exit {process.returncode})")
    return phases, wall, cut


#: where every run's cache and release are kept until all are measured: on a file system like
#: this machine's (ext4 without a journal), inodes freed in the last minute or more are skipped
#: when new files are made, one by one, so deleting the last run's 12,000 files just before the
#: next made its 5,400 new files cost up to a second and a half of kernel time more at 100k
RUNS_FOLDER = "runs"

NAIVE_PHASES = ["load", "validate", "export: turtle", "export: ntriples", "export: jsonld"]


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = _meminfo("MemTotal") // (1024 * 1024)
    return (f"{cpu}, {os.cpu_count()} cores, {memory} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def _meminfo(field: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def fmt(phase: dict[str, object] | None) -> str:
    if phase is None:
        return "—"
    workers = f" (workers {phase['workers_mb']} MB)" if "workers_mb" in phase else ""
    return f"{phase['seconds']:.2f} s / {phase['peak_mb']} MB{workers}"


RUNS = ("ours", "ours, 1 statement changed", "floor", "naive")


def median_run(repeats: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time, with every run's wall time beside it."""
    ordered = sorted(repeats, key=lambda run: run["wall"])
    return {**ordered[(len(ordered) - 1) // 2], "walls": [run["wall"] for run in repeats]}


def table(results: dict[str, dict[str, Any]], limit: float) -> str:
    sizes = list(results)
    shown = [run for run in RUNS if not all(results[s][run].get("skipped") for s in sizes)]
    header = "| phase | " + " | ".join(
        f"{run} {s}" + (f" ({results[s]['triples']:,} triples)" if run == "ours" else "")
        for s in sizes for run in shown) + " |"
    lines = [header, "|---|" + "---|" * (len(sizes) * len(shown))]
    phases: list[str] = []
    for size in sizes:
        for run in shown:
            for phase in results[size][run]["phases"]:
                if phase["phase"] not in phases:
                    phases.append(phase["phase"])
    if "naive" in shown:
        phases += [name for name in NAIVE_PHASES if name not in phases]
    for name in phases:
        cells = []
        for size in sizes:
            for run in shown:
                done = {p["phase"]: p for p in results[size][run]["phases"]}
                if name in done:
                    cells.append(fmt(done[name]))
                elif run == "naive" and results[size][run]["cut"] and name in NAIVE_PHASES \
                        and NAIVE_PHASES.index(name) == len(done):
                    cells.append("cut off")
                else:
                    cells.append("—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    totals = []
    for size in sizes:
        ours = results[size]["ours"]
        for run in shown:
            r = results[size][run]
            peak = max((int(p["peak_mb"]) for p in r["phases"]), default=0)
            wall = f"> {limit:.0f} s" if r["cut"] else f"{r['wall']:.1f} s"
            spread = ""
            if len(r.get("walls", [])) > 1:
                walls = ", ".join(f"{w:.1f}" for w in sorted(r["walls"]))
                spread = f" (median of {len(r['walls'])}: {walls} s)"
            ratio = ""
            if run == "naive":
                ratio = f", {'≥ ' if r['cut'] else ''}{r['wall'] / ours['wall']:.1f}x ours"
            elif run == "floor":
                ratio = f", ours / floor {ours['wall'] / r['wall']:.1f}x"
            totals.append(f"**{wall}**{spread}, peak {peak} MB{ratio}")
    lines.append("| **total wall (whole process)** | " + " | ".join(totals) + " |")
    return "\n".join(lines) + "\n"


def edit_one_statement(corpus: Path) -> tuple[Path, bytes]:
    """Change one statement (a comment triple), as an editor would; return what to restore."""
    target = sorted((corpus / "data" / "statements").iterdir())[0] / "statement.ttl"
    original = target.read_bytes()
    slug = target.parent.name
    target.write_bytes(original + f'\n<statement/{slug}> <http://www.w3.org/2000/01/rdf-schema#comment> '
                                  f'"edited at {time.time()}" .\n'.encode())
    return target, original


def compile_package() -> None:
    """Byte-compile nida's modules first, as installing a package does: an editable install
    leaves that to the first import, and where PYTHONDONTWRITEBYTECODE is set (this machine's
    shell) every module changed since was compiled from source in every run (0.03 s a run)."""
    compileall.compile_dir(REPO / "publisher", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", type=Path, help="folder where generated corpora are cached")
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--naive-limit", type=float, default=120.0, help="seconds before naive is cut")
    parser.add_argument("--limit", type=float, default=900.0, help="seconds before our run is cut")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run ours (cold, and after one change) this many times; the median run is shown")
    parser.add_argument("--write-readme", action="store_true", help="write benchmarks/README.md")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive pipeline")
    parser.add_argument("--worker", choices=["ours", "naive", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        workers = {"ours": worker_ours, "naive": worker_naive, "floor": worker_floor}
        workers[args.worker](args.corpora, args.out)
        return
    results: dict[str, dict[str, Any]] = {}
    compile_package()
    runs_folder = args.corpora / RUNS_FOLDER
    shutil.rmtree(runs_folder, ignore_errors=True)  # left by a run that was stopped
    for size in args.sizes.split(","):
        corpus = corpus_for(args.corpora, size)
        runs: dict[str, Any] = {"ours": [], "ours, 1 statement changed": [], "floor": []}
        for repetition in range(1, max(1, args.repeat) + 1):
            # a fresh, cold cache and a fresh release folder each time; none deleted until the end
            cache, out = runs_folder / f"{size}-{repetition}-cache", runs_folder / f"{size}-{repetition}-dist"
            os.environ["NIDA_CACHE_DIR"] = str(cache)
            phases, wall, cut = run_worker("ours", corpus, out, args.limit)
            runs["ours"].append({"phases": phases, "wall": wall, "cut": cut})
            target, original = edit_one_statement(corpus)
            try:
                phases, wall, cut = run_worker("ours", corpus, out, args.limit)
            finally:
                target.write_bytes(original)
            runs["ours, 1 statement changed"].append({"phases": phases, "wall": wall, "cut": cut})
            # the floor: pyoxigraph alone, on the quads this release published
            floor = runs_folder / f"{size}-{repetition}-floor"
            phases, wall, cut = run_worker("floor", out, floor, args.limit)
            runs["floor"].append({"phases": phases, "wall": wall, "cut": cut})
        for name in ("ours", "ours, 1 statement changed", "floor"):
            runs[name] = median_run(runs[name])
        if args.no_naive:
            runs["naive"] = {"phases": [], "wall": 0.0, "cut": False, "skipped": True}
        else:
            phases, wall, cut = run_worker("naive", corpus, args.corpora / f"{size}-naive", args.naive_limit)
            runs["naive"] = {"phases": phases, "wall": wall, "cut": cut}
        runs["triples"] = triples_of(out)
        results[size] = runs
        for run in RUNS:
            if runs[run].get("skipped"):
                continue
            for phase in runs[run]["phases"]:
                print(f"{size} {run:<26} {phase['phase']:<40} {fmt(phase)}", flush=True)
            print(f"{size} {run:<26} total wall {'> ' if runs[run]['cut'] else ''}{runs[run]['wall']:.2f} s",
                  flush=True)
    text = table(results, args.naive_limit)
    print(text)
    if args.write_readme:
        readme = HERE / "README.md"
        old = readme.read_text(encoding="utf-8") if readme.exists() else ""
        notes = old[old.index("\n## "):] if "\n## " in old else ""  # keep the hand-written analysis
        readme.write_text(
            "# Benchmarks\n\n"
            "`python benchmarks/run.py CORPORA --write-readme` (corpora from `benchmarks/generate.py`,"
            " cached in CORPORA).\n\n"
            f"Machine: {machine()}. Shared with other work while measured: timings are noisy.\n\n"
            "Each cell: wall seconds / peak RSS (MB) during that phase, each pipeline in its own process;"
            " *workers* is the largest RSS of a forked worker process in that phase (it shares most of its"
            " pages with the parent, copy-on-write, so the two do not add up)."
            " *ours* = `nida publish` with a cold cache (`.nida-cache/`): validation by shard groups in two"
            " forked workers (SHACL-SPARQL rules in pyoxigraph per group, core shapes pre-filtered by"
            " publisher/validation/prefilter.py and run by pySHACL on the flagged nodes only); begun"
            " before validation and beside it (`ReleaseWriter.begin`), the statement records framed by"
            " pyld in two background processes at the lowest priority (they are written last) and every"
            " unit's pieces (the four RDF dumps', the JSON-LD"
            " dump's nodes, the tables' rows) made in two more, each making the quads of its own units"
            " (the parent makes none), all stored in the build cache; the pages built per unit in forked"
            " workers (they embed the JSON-LD dump's nodes) while the four RDF dumps and the network"
            " are written in two more, at the lowest priority; everything stored in the build cache"
            " (pages in pack files, and"
            " the site index: every unit's triples and every page's lookups, in SQLite);"
            " *ours, 1 statement changed* = the same publish again, into the same folder,"
            " after one triple (a comment) was added to one statement: only that statement is parsed"
            " and revalidated, one unit re-serialized, compacted and framed, only the pages whose"
            " lookups meet what changed are built again (from the site index), the other pages are"
            " linked from the release replaced, everything else read from the cache;"
            " *naive* = one rdflib graph, pySHACL over everything on rdflib's"
            f" in-memory store, rdflib serializers, cut off after {args.naive_limit:.0f} s."
            " Each repetition gets a fresh cache and release folder, all deleted only after every"
            " run was measured (see `RUNS_FOLDER` in run.py: freshly freed inodes slow down"
            " making files on this machine).\n\n"
            + text + notes, encoding="utf-8")
    shutil.rmtree(runs_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
