"""The bad-input matrix (issue 8): every case is one user mistake or one hostile file.

Each case asserts the exit code, one message line naming the file (and the line where
there is one), no traceback, and that nothing in the project tree (data, ontology,
shapes and an existing release) was written or changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import STATEMENT_DIR, edit, run

STATEMENT_TTL = STATEMENT_DIR / "statement.ttl"
SOURCE_TXT = STATEMENT_DIR / "source.txt"
NIDA = sys.executable.replace("python", "nida") if Path(sys.executable.replace("python", "nida")).exists() \
    else shutil.which("nida") or "nida"


def snapshot(root: Path) -> dict[str, str]:
    """Every path below root with its content hash (links by target, never followed).

    The validation cache (.nida-cache/) is left out: validating may fill it before a later
    step fails, and its entries only replay results the same inputs would give again. So is
    the project's lock file (.nida.lock, empty, made by the first command that takes it)."""
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not (dirpath == str(root) and d == ".nida-cache")]
        filenames = [f for f in filenames if not (dirpath == str(root) and f == ".nida.lock")]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                seen[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                seen[key] = "dir"
            else:
                seen[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Case:
    id: str
    setup: Callable[[Path], None]
    args: tuple[str, ...]
    code: int
    #: a regular expression the error line must match (search)
    message: str


def source_as_folder(p: Path) -> None:
    (p / SOURCE_TXT).unlink()
    (p / SOURCE_TXT).mkdir()


def noop(_: Path) -> None:
    return None


PFX = "@prefix nida: <https://w3id.org/nida/ontology#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
ID = "https://w3id.org/nida/id/"

CASES: list[Case] = [
    # -- malformed RDF in each input folder -------------------------------------------------
    Case("ttl-unterminated-iri-data", lambda p: append(p / "data/places.ttl", "\n<place/x\n"),
         ("validate",), 2, r"^nida: error: data/places\.ttl:\d+: invalid ttl syntax"),
    Case("ttl-missing-dot-data", lambda p: write(p / "data/x.ttl", f"<{ID}a> <{ID}b> <{ID}c>\n"),
         ("validate",), 2, r"^nida: error: data/x\.ttl:\d+: invalid ttl syntax"),
    Case("ttl-undefined-prefix-data", lambda p: write(p / "data/x.ttl", "nope:a nope:b nope:c .\n"),
         ("publish",), 2, r"^nida: error: data/x\.ttl:1: invalid ttl syntax"),
    Case("ttl-bad-escape", lambda p: write(p / "data/x.ttl", f'<{ID}a> <{ID}b> "x\\qy" .\n'),
         ("validate",), 2, r"^nida: error: data/x\.ttl:1: invalid ttl syntax"),
    Case("ttl-malformed-statement", lambda p: edit(p / STATEMENT_TTL, "a nida:Statement ;", "a nida:Statement ;; ."),
         ("publish",), 2, rf"^nida: error: {re.escape(str(STATEMENT_TTL))}:\d+: invalid ttl syntax"),
    Case("ttl-malformed-ontology", lambda p: write(p / "ontology/x.ttl", "@prefix o: <http://o/> .\no:a o:b\n"),
         ("validate",), 2, r"^nida: error: ontology/x\.ttl:\d+: invalid ttl syntax"),
    Case("ttl-malformed-shapes", lambda p: write(p / "shapes/x.ttl", "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n[ sh:path ] .\n"),
         ("publish",), 2, r"^nida: error: shapes/x\.ttl:3: invalid ttl syntax"),
    Case("nt-with-turtle-syntax", lambda p: write(p / "data/x.nt", PFX + "nida:a nida:b nida:c .\n"),
         ("validate",), 2, r"^nida: error: data/x\.nt:1: invalid nt syntax"),
    Case("jsonld-malformed-data", lambda p: write(p / "data/x.jsonld", '{"@id": "https://w3id.org/nida/id/a", \n'),
         ("validate",), 2, r"^nida: error: data/x\.jsonld:\d+: invalid jsonld"),
    Case("jsonld-malformed-ontology", lambda p: write(p / "ontology/x.jsonld", "[1, 2,]\n"),
         ("validate",), 2, r"^nida: error: ontology/x\.jsonld:1: invalid jsonld"),
    Case("jsonld-remote-context", lambda p: write(p / "data/x.jsonld",
         '{"@context": "https://schema.org/", "@id": "https://w3id.org/nida/id/a", "name": "x"}\n'),
         ("publish",), 2, r"^nida: error: data/x\.jsonld: remote @context https://schema\.org/ is never fetched"),
    Case("jsonld-blank-node", lambda p: write(p / "data/x.jsonld",
         '{"@context": {"n": "https://schema.org/name"}, "n": "x"}\n'),
         ("validate",), 2, r"^nida: error: data/x\.jsonld: blank node in data"),
    # -- encodings and sizes ----------------------------------------------------------------
    Case("not-utf8-ontology", lambda p: append(p / "ontology/nida.ttl", "") or (p / "ontology/x.ttl").write_bytes(
         b"@prefix o: <http://o/> .\n\n o:a o:b \"caf\xe9\" .\n"),
         ("validate",), 2, r"^nida: error: ontology/x\.ttl:3: not valid UTF-8 \(byte 0xe9\)"),
    Case("not-utf8-shapes-utf16", lambda p: (p / "shapes/x.ttl").write_bytes("<a> <b> <c> .".encode("utf-16")),
         ("validate",), 2, r"^nida: error: shapes/x\.ttl:1: not valid UTF-8 \(byte 0xff\)"),
    Case("empty-ontology-file", lambda p: write(p / "ontology/x.ttl", ""),
         ("validate",), 2, r"^nida: error: ontology/x\.ttl: the file is empty"),
    Case("whitespace-only-shapes", lambda p: write(p / "shapes/x.ttl", "\n  \n\t\n"),
         ("publish",), 2, r"^nida: error: shapes/x\.ttl: the file is empty"),
    Case("empty-statement", lambda p: write(p / STATEMENT_TTL, ""),
         ("publish",), 2, rf"^nida: error: {re.escape(str(STATEMENT_TTL))}: the file is empty"),
    Case("literal-50mb", lambda p: write(p / "data/big.ttl", f'<{ID}place/big> <{ID}p> "' + "x" * (50 << 20) + '" .\n'),
         ("validate",), 2, r"^nida: error: data/big\.ttl:1: literal of 52428800 bytes is larger than the parser"),
    # -- syntax that parses but is wrong --------------------------------------------------
    Case("prefix-bound-twice", lambda p: write(p / "data/x.ttl",
         "@prefix ex: <https://w3id.org/nida/id/> .\n@prefix ex: <https://w3id.org/nida/idx/> .\nex:a ex:b ex:c .\n"),
         ("validate",), 2, r"^nida: error: data/x\.ttl:2: prefix ex: bound twice"),
    Case("iri-with-space", lambda p: append(p / "data/places.ttl", f"\n<{ID}place/a b> <{ID}p> <{ID}q> .\n"),
         ("validate",), 2, r"^nida: error: data/places\.ttl:\d+: invalid ttl syntax"),
    Case("wrong-datatype", lambda p: append(p / "data/places.ttl", f'\n<{ID}place/x> <{ID}p> "x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'),
         ("validate",), 2, r"^nida: error: data/places\.ttl:\d+: \"x\" is not a valid xsd:integer"),
    Case("wrong-datatype-ordinal", lambda p: edit(p / STATEMENT_TTL, "nida:ordinal 1 ;", 'nida:ordinal "1x"^^xsd:integer ;'),
         ("publish",), 2, rf"^nida: error: {re.escape(str(STATEMENT_TTL))}:\d+: \"1x\" is not a valid xsd:integer"),
    Case("blank-node-label-statement", lambda p: append(p / STATEMENT_TTL, f"\n_:b <{ID}p> <{ID}q> .\n"),
         ("validate",), 2, rf"^nida: error: {re.escape(str(STATEMENT_TTL))}:\d+: blank node in data"),
    Case("rdf-star", lambda p: write(p / "data/x.ttl", f"<< <{ID}a> <{ID}b> <{ID}c> >> <{ID}d> <{ID}e> .\n"),
         ("validate",), 2, r"^nida: error: data/x\.ttl:(\d+:)? (RDF-star|blank node in data)"),
    Case("not-an-rdf-file-argument", lambda p: write(p / "data/notes.txt", "hello"),
         ("validate", "data/notes.txt"), 2, r"^nida: error: data/notes\.txt: not an RDF file"),
    # -- statement folders and sources --------------------------------------------------------
    Case("source-is-a-folder", source_as_folder,
         ("validate",), 2, rf"^nida: error: {re.escape(str(SOURCE_TXT))}: is a folder"),
    Case("source-changed-since-sha", lambda p: append(p / SOURCE_TXT, "\nAn added line.\n"),
         ("publish",), 1, r"sha256|SHA-256"),
    Case("duplicate-slug", lambda p: shutil.copytree(p / STATEMENT_DIR, p / "data/archive" / STATEMENT_DIR.name) and None,
         ("validate",), 2, r"^nida: error: data/\S+: duplicate statement slug .*data/archive/"),
    Case("shapes-not-shacl", lambda p: write(p / "shapes/x.ttl",
         "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://w3id.org/nida/shapes#> .\n"
         "ex:S a sh:NodeShape ; sh:targetClass ex:C ;\n  sh:property [ sh:path ex:p ; sh:minCount \"one\" ] .\n"),
         ("validate",), 2, r"^nida: error: shapes/x\.ttl:4: not valid SHACL: sh:minCount must be an integer"),
    Case("no-ontology-files", lambda p: [f.unlink() for f in (p / "ontology").glob("*.ttl")] and None,
         ("validate",), 2, r"^nida: error: ontology: no ontology files found"),
    Case("no-shapes-files", lambda p: [f.unlink() for f in (p / "shapes").glob("*.ttl")] and None,
         ("publish",), 2, r"^nida: error: shapes: no shapes files found"),
    Case("unreadable-file", lambda p: os.symlink("/proc/self/mem", p / "data/x.ttl"),
         ("validate",), 2, r"^nida: error: data/x\.ttl: cannot read the file"),
    Case("broken-symlink", lambda p: os.symlink(p / "nowhere.ttl", p / "data/x.ttl"),
         ("validate",), 2, r"^nida: error: data/x\.ttl: broken link"),
    Case("release-toml-broken", lambda p: write(p / "release.toml", "[dataset\n"),
         ("publish",), 2, r"^nida: error: release\.toml: invalid TOML"),
    # -- output folder --------------------------------------------------------------------
    Case("out-read-only", noop, ("publish", "--out", "/sys/nida-dist"), 2,
         r"^nida: error: /sys/nida-dist: cannot"),
    Case("out-under-proc", noop, ("publish", "--out", "/proc/nida/dist"), 2,
         r"^nida: error: /proc/nida/dist: cannot create the output folder"),
    # -- every command's options with wrong values --------------------------------------------
    Case("validate-shapes-missing", noop, ("validate", "--shapes", "nope.ttl"), 2, r"^nida: error: nope\.ttl: no such"),
    Case("validate-ontology-missing", noop, ("validate", "--ontology", "nope"), 2, r"^nida: error: nope: no such"),
    Case("validate-format-wrong", noop, ("validate", "--format", "yaml"), 2, r"Invalid value for '--format'"),
    Case("publish-unknown-option", noop, ("publish", "--zip"), 2, r"No such option:? '?--zip"),
    Case("ingest-missing-file", noop, ("ingest", "nope.txt"), 2, r"^nida: error: nope\.txt: no such file"),
    Case("ingest-bad-slug", lambda p: write(p / "s.txt", (p / SOURCE_TXT).read_text(encoding="utf-8")),
         ("ingest", "s.txt", "--slug", "../../etc"), 2, r"^nida: error: .*slug"),
    Case("ingest-unknown-publisher", lambda p: write(p / "s.txt", (p / SOURCE_TXT).read_text(encoding="utf-8")),
         ("ingest", "s.txt", "--slug", "new-one", "--publisher", "No Such Org Anywhere"), 2,
         r"^nida: error: .*(publisher|organization)"),
    Case("ingest-existing-slug", lambda p: write(p / "s.txt", (p / SOURCE_TXT).read_text(encoding="utf-8")),
         ("ingest", "s.txt", "--slug", STATEMENT_DIR.name), 2, r"^nida: error: .*already exists"),
    Case("ingest-binary", lambda p: write(p / "s.txt", b"\x00\x01\xff\xfe"), ("ingest", "s.txt"), 2,
         r"^nida: error: s\.txt(:\d+)?: "),
    Case("ingest-bom-only", lambda p: write(p / "s.txt", b"\xef\xbb\xbf\n"), ("ingest", "s.txt"), 2,
         r"^nida: error: s\.txt:1: the file is empty"),
    Case("verify-not-a-release", noop, ("verify", "data"), 2, r"^nida: error: data: not a nida release"),
    Case("verify-missing", noop, ("verify", "nope"), 2, r"^nida: error: nope: "),
    Case("diff-missing", noop, ("diff", "nope", "dist"), 2, r"^nida: error: nope: "),
    Case("diff-format-wrong", noop, ("diff", "dist", "dist", "--format", "xml"), 2, r"Invalid value for '--format'"),
    Case("query-no-query", noop, ("query",), 2, r"^nida: error: give a query"),
    Case("query-syntax", noop, ("query", "SELECT * WHERE { ?s ?p }"), 2, r"^nida: error: SPARQL syntax error"),
    Case("query-update-refused", noop, ("query", "DROP ALL"), 2, r"^nida: error: .*(update|UPDATE|read-only)"),
    Case("query-format-wrong", noop, ("query", "ASK {}", "--format", "xml"), 2, r"Invalid value for '--format'"),
    Case("query-data-missing", noop, ("query", "ASK {}", "--data", "nope"), 2, r"^nida: error: nope"),
    Case("serve-port-out-of-range", noop, ("serve", "--port", "70000"), 2, r"Invalid value for '--port'"),
    Case("serve-port-not-a-number", noop, ("serve", "--port", "http"), 2, r"Invalid value for '--port'"),
    Case("serve-data-missing", noop, ("serve", "--data", "nope"), 2, r"^nida: error: nope"),
    Case("push-bad-url", noop, ("push", "not-a-url"), 2, r"^nida: error: .*not-a-url"),
    Case("push-data-missing", noop, ("push", "http://127.0.0.1:9/store", "--data", "nope"), 2, r"^nida: error: nope"),
]


@pytest.fixture
def released(project: Path, release: Path) -> Path:
    """The project with a previous release in dist/, which no failing command may touch."""
    shutil.copytree(release, project / "dist")
    return project


def error_line(output: str) -> str:
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("nida: error:", "Error:"))]
    if errors:
        assert len(errors) == 1, output
        if errors[0].startswith("nida: error:"):
            assert len(lines) == 1, output
        return errors[0]
    return output


def test_matrix_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(released: Path, case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIDA_PUSH_RETRIES", "0")
    case.setup(released)
    before = snapshot(released)
    result = run(*case.args)
    assert result.exit_code == case.code, result.output
    line = error_line(result.output)
    assert re.search(case.message, line, re.MULTILINE), result.output
    assert snapshot(released) == before
    assert not Path("/sys/nida-dist").exists() and not list(Path("/sys").glob(".nida-dist*"))


def test_full_disk_leaves_the_release_and_no_temp_folder(released: Path) -> None:
    """A disk that fills during the write (RLIMIT_FSIZE: really fails for root too)."""
    before = snapshot(released)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    env = {k: v for k, v in os.environ.items() if k != "NIDA_ROOT"}
    proc = subprocess.run([NIDA, "publish"], cwd=released, env=env, preexec_fn=limit,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert error_line(proc.stderr).startswith("nida: error: dist: cannot write the release: File too large;")
    assert snapshot(released) == before
    assert not [p for p in released.iterdir() if p.name.startswith(".dist")]
