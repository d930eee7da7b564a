"""The export cache: keys cover every input, entries round-trip, a broken cache only costs time."""

from __future__ import annotations

import hashlib
from pathlib import Path

import xxhash

from publisher.buildcache import BuildCache, Mapped, checksum, content_key, holds, map_packed, read_packed


def test_entries_round_trip_under_their_key(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    key = content_key("records", ["a", b"b"])
    assert cache.get("records", key) is None
    cache.put("records", key, b"payload")
    assert cache.get("records", key) == b"payload"
    stored = (tmp_path / "build" / "records" / key[:2] / key).read_bytes()
    assert stored == b"payload" + xxhash.xxh3_128_digest(b"payload")  # its checksum after it


def test_a_damaged_entry_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    path = tmp_path / "build" / "records" / "ab" / "abcd"
    for damaged in (b"", b"short", b"payload" + bytes(16), b"Payload" + xxhash.xxh3_128_digest(b"payload")):
        cache.put("records", "abcd", b"payload")
        path.write_bytes(damaged)
        assert cache.get("records", "abcd") is None
        assert not path.exists()


def test_keys_differ_when_any_input_or_boundary_differs() -> None:
    assert content_key("k", ["ab", "c"]) != content_key("k", ["a", "bc"])
    assert content_key("k", ["a"]) != content_key("j", ["a"])
    assert content_key("k", ["a"]) == content_key("k", [b"a"])


def test_no_folder_or_unwritable_folder_only_misses(tmp_path: Path) -> None:
    BuildCache(None).put("x", "00", b"1")
    assert BuildCache(None).get("x", "00") is None
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = BuildCache(blocker)
    cache.put("x", "00ff", b"1")
    assert cache.get("x", "00ff") is None


def test_packed_entries_are_found_by_key_with_their_exact_bytes(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    assert cache.packed("html") == {}
    cache.put_pack("html", [("k1", b"<p>one</p>"), ("k2", b""), ("k3", "три".encode())])
    cache.put_pack("html", [("k4", b"four")])
    cache.put_pack("html", [])
    found = cache.packed("html")
    assert sorted(found) == ["k1", "k2", "k3", "k4"]
    pack, offset, length, digest = found["k3"]
    assert pack.read_bytes()[offset:offset + length] == "три".encode()
    assert digest == checksum("три".encode()) == xxhash.xxh3_128_hexdigest("три".encode())
    assert read_packed([found["k1"], found["k2"], None]) == [b"<p>one</p>", b"", None]
    pack.write_bytes(pack.read_bytes().replace(b"one", b"One"))  # damaged in place, same size
    assert read_packed([found["k1"], found["k2"]]) == [None, b""]
    assert len(list((tmp_path / "build" / "html" / "packs").glob("*.index"))) == 2


def test_a_pack_given_its_digests_is_the_pack_hashed_here(tmp_path: Path) -> None:
    """`put_pack` with the entries' checksums from its caller writes the same pack and index."""
    entries = [("k1", b"<p>one</p>"), ("k2", b""), ("k3", "три".encode())]
    hashed, given = BuildCache(tmp_path / "a"), BuildCache(tmp_path / "b")
    hashed.put_pack("html", entries)
    given.put_pack("html", entries, [checksum(data) for _key, data in entries])
    for suffix in ("pack", "index"):
        (one,), (other,) = ((cache.folder / "html" / "packs").glob(f"*.{suffix}") for cache in (hashed, given))
        assert (one.name, one.read_bytes()) == (other.name, other.read_bytes())


def test_a_pack_of_pages_keeps_their_sha256_and_is_checked_by_it(tmp_path: Path) -> None:
    """Pages are packed with their SHA-256 (the release publishes it): read back, they are
    checked against it, and a damaged page is a miss."""
    cache = BuildCache(tmp_path)
    entries = [("k1", b"<p>one</p>"), ("k2", "три".encode())]
    cache.put_pack("html", entries, [hashlib.sha256(data).hexdigest() for _key, data in entries])
    found = cache.packed("html")
    assert found["k2"][3] == hashlib.sha256("три".encode()).hexdigest()
    assert read_packed([found["k1"], found["k2"]]) == [b"<p>one</p>", "три".encode()]
    pack = found["k1"][0]
    pack.write_bytes(pack.read_bytes().replace(b"one", b"One"))
    assert read_packed([found["k1"], found["k2"]]) == [None, "три".encode()]


def test_holds_checks_either_digest() -> None:
    data = b"payload"
    assert holds(data, checksum(data)) and holds(data, hashlib.sha256(data).hexdigest())
    assert not holds(b"Payload", checksum(data)) and not holds(b"Payload", hashlib.sha256(data).hexdigest())
    assert not holds(data, "")


def test_a_broken_pack_index_only_misses(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    cache.put_pack("html", [("k1", b"one"), ("k2", b"two")])
    index = next((tmp_path / "build" / "html" / "packs").glob("*.index"))
    one = checksum(b"one")
    index.write_bytes(f"k1 0 3 {one}\nk2 x 3 {one}\n".encode() + b"\xff\n")
    assert list(cache.packed("html")) == []  # not ASCII: the whole index is skipped
    index.write_text(f"k1 0 3 {one}\nk2 x 3 {one}\nk3\nk4 0 3\nk5 0 3 {one[:20]}\n", encoding="ascii")
    assert list(cache.packed("html")) == ["k1"]  # an old index line (no checksum) is skipped too
    assert BuildCache(None).packed("html") == {}


def test_mapped_entries_are_the_packed_bytes_where_they_lie(tmp_path: Path) -> None:
    """`map_packed` gives what `read_packed` reads, left in the pack: the same misses (a damaged
    entry, a pack gone), and an empty entry (an empty pack cannot be mapped)."""
    cache = BuildCache(tmp_path)
    cache.put_pack("ntriples", [("k1", b"<a> <b> <c> .\n"), ("k2", b""), ("k3", "три".encode())])
    cache.put_pack("ntriples", [("k4", b"")])
    found = cache.packed("ntriples")
    locations = [found["k1"], found["k2"], found["k3"], found["k4"], None]
    mapped = map_packed(locations)
    assert [None if m is None else bytes(m.pack[m.start:m.end]) for m in mapped] == read_packed(locations)
    assert read_packed(locations) == [b"<a> <b> <c> .\n", b"", "три".encode(), b"", None]
    assert mapped[3] == Mapped(b"", 0, 0)
    pack = found["k1"][0]
    pack.write_bytes(pack.read_bytes().replace(b"<a>", b"<A>"))
    assert map_packed([found["k1"], found["k3"]])[0] is None
    assert map_packed([found["k3"]])[0] is not None
    pack.unlink()
    assert map_packed([found["k1"]]) == [None]
