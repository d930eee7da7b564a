"""Load test of `nida serve` on loopback: concurrent clients, mixed SPARQL and /id/ requests.

    python benchmarks/load.py [--clients 20] [--requests 2000] [--release dist] [--write]

Starts `nida serve` on a free loopback port over a release (published into a temporary
folder from the project when --release is not given), runs `--requests` requests from
`--clients` threads (each with its own keep-alive session; a third of them SPARQL
queries, the rest /id/ resources in Turtle, JSON-LD or N-Triples), and prints the
throughput, p50/p99 latency and the number of errors (any status other than 200, or a
connection error). With --write the figures go into benchmarks/README.md under
"## Endpoint load test" (the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
README = Path(__file__).resolve().parent / "README.md"
HEADING = "## Endpoint load test"
BASE = "https://w3id.org/nida/id/"
RESOURCES = ["place/syria", "actor/un-security-council", "statement/halt-military-escalation-northeast-syria",
             "organization/syrians-for-truth-and-justice"]
QUERIES = [
    "SELECT ?o (COUNT(?s) AS ?n) WHERE { ?s <https://w3id.org/nida/ontology#signedBy> ?o } GROUP BY ?o"
    " ORDER BY DESC(?n) LIMIT 10",
    "ASK { ?s a <https://w3id.org/nida/ontology#Statement> }",
    "SELECT ?d ?t WHERE { ?d <https://w3id.org/nida/ontology#text> ?t } LIMIT 20",
]
ACCEPTS = ["text/turtle", "application/ld+json", "application/n-triples"]


@dataclass
class Figures:
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def p99_ms(self) -> float:
        return self.percentile(99) * 1000

    def summary(self) -> str:
        return (f"{self.requests} requests from {self.clients} clients in {self.seconds:.2f} s:"
                f" {self.throughput:.0f} requests/s, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms,"
                f" {self.errors} errors")


def plan(total: int) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """The requests, in a fixed order: every third a SPARQL query, the others /id/ resources."""
    out = []
    for n in range(total):
        if n % 3 == 0:
            out.append(("/sparql", {"query": QUERIES[n // 3 % len(QUERIES)]},
                        {"Accept": "application/sparql-results+json"}))
        else:
            out.append(("/id/" + RESOURCES[n % len(RESOURCES)], {}, {"Accept": ACCEPTS[n % len(ACCEPTS)]}))
    return out


def run_load(url: str, clients: int, total: int, timeout: float = 30.0) -> Figures:
    work = plan(total)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def client(index: int) -> None:
        with requests.Session() as session:
            for path, params, headers in work[index::clients]:
                start = time.perf_counter()
                try:
                    answer = session.get(url + path, params=params, headers=headers, timeout=timeout)
                    ok = answer.status_code == 200 and bool(answer.content)
                    problem = f"{path}: {answer.status_code}"
                except requests.RequestException as exc:
                    ok, problem = False, f"{path}: {exc}"
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    if errors:
        print("\n".join(errors[:10]), file=sys.stderr)
    return Figures(clients=clients, requests=len(latencies), errors=len(errors), seconds=seconds,
                   latencies=latencies)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(release: Path, workers: int = 2) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "NIDA_QUERY_WORKERS": str(workers)}
    process = subprocess.Popen([sys.executable, "-m", "publisher", "serve", "--port", str(port),
                                "--data", str(release)], cwd=release.parent, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("nida serve exited before answering")
        try:
            requests.get(url + "/", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("nida serve did not start within 60 s")


def publish_copy(folder: Path) -> Path:
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy2(REPO / "release.toml", folder / "release.toml")
    subprocess.run([sys.executable, "-m", "publisher", "publish"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder / "dist"


def write_readme(figures: Figures, workers: int) -> None:
    section = (
        f"{HEADING}\n\n"
        "`python benchmarks/load.py --write` (the bundled release, `nida serve` on loopback,"
        f" NIDA_QUERY_WORKERS={workers}); one third SPARQL queries (`/sparql`, JSON results), two"
        " thirds `/id/` resources (Turtle, JSON-LD, N-Triples), each client a keep-alive session."
        f" Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.\n\n"
        "| clients | requests | errors | seconds | requests/s | p50 ms | p99 ms |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {figures.clients} | {figures.requests} | {figures.errors} | {figures.seconds:.2f} |"
        f" {figures.throughput:.0f} | {figures.p50_ms:.1f} | {figures.p99_ms:.1f} |\n"
    )
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else \
        text.rstrip("\n") + "\n\n" + section
    README.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="NIDA_QUERY_WORKERS of the server")
    parser.add_argument("--release", type=Path, help="release folder (default: publish the project's data)")
    parser.add_argument("--write", action="store_true", help="write the figures into benchmarks/README.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        release = args.release.resolve() if args.release else publish_copy(Path(tmp))
        process, url = start_server(release, args.workers)
        try:
            run_load(url, 2, 30)  # warm up: worker processes, caches
            figures = run_load(url, args.clients, args.requests)
        finally:
            process.terminate()
            process.wait(10)
    print(figures.summary())
    if args.write:
        write_readme(figures, args.workers)
    if figures.errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
