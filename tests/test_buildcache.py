"""The export cache: keys cover every input, entries round-trip, a broken cache only costs time."""

from __future__ import annotations

from pathlib import Path

from publisher.buildcache import BuildCache, content_key


def test_entries_round_trip_under_their_key(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    key = content_key("records", ["a", b"b"])
    assert cache.get("records", key) is None
    cache.put("records", key, b"payload")
    assert cache.get("records", key) == b"payload"
    assert (tmp_path / "build" / "records" / key[:2] / key).read_bytes() == b"payload"


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
    pack, offset, length = found["k3"]
    assert pack.read_bytes()[offset:offset + length] == "три".encode()
    assert len(list((tmp_path / "build" / "html" / "packs").glob("*.index"))) == 2


def test_a_broken_pack_index_only_misses(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    cache.put_pack("html", [("k1", b"one"), ("k2", b"two")])
    index = next((tmp_path / "build" / "html" / "packs").glob("*.index"))
    index.write_bytes(b"k1 0 3\nk2 x 3\n\xff\n")
    assert list(cache.packed("html")) == []  # not ASCII: the whole index is skipped
    index.write_text("k1 0 3\nk2 x 3\nk3\n", encoding="ascii")
    assert list(cache.packed("html")) == ["k1"]
    assert BuildCache(None).packed("html") == {}
