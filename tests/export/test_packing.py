"""The pieces' records (publisher/export/packing.py): packed and read back in order, from bytes
or from a mapped pack, and written in as few chunks as they lie in."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.buildcache import BuildCache, map_packed
from publisher.export.packing import Joined, joined, pack, pack_bytes, records, unpack, unpack_views

TEXT = st.text(st.characters(blacklist_characters="\x00\x01", blacklist_categories=("Cs",)), max_size=12)


def test_a_piece_is_its_keys_its_lengths_then_its_texts() -> None:
    assert pack([("b", "two"), ("a", ""), ("", "é")]) == b"b\x00a\x00\x01" + b"3 0 2\x01" + b"two" + "é".encode()
    assert pack([]) == b""
    assert pack_bytes([(b"k", b"t")]) == b"k\x011\x01t"


@given(st.lists(st.lists(st.tuples(TEXT, TEXT), max_size=6), max_size=4))
def test_records_come_back_sorted_by_key_then_text(pieces: list[list[tuple[str, str]]]) -> None:
    expected = sorted((key.encode(), text.encode()) for piece in pieces for key, text in piece)
    assert unpack([pack(piece) for piece in pieces]) == expected
    found = records([pack(piece) for piece in pieces])
    assert b"".join(joined(found)) == b"".join(text for _key, text in expected)


def test_adjacent_records_of_a_piece_are_one_chunk() -> None:
    first = pack([("a", "1"), ("b", "2"), ("d", "4")])
    second = pack([("c", "3"), ("e", "5"), ("f", "6")])
    found = records([first, second])
    assert [bytes(chunk) for chunk in joined(found)] == [b"12", b"3", b"4", b"56"]
    out = Joined(found)
    out.span(found.spans[0])
    out.add(b"made")
    out.span(found.spans[1])
    out.span(found.spans[2])
    assert [bytes(chunk) for chunk in out.done()] == [b"1", b"made", b"2", b"3"]


def test_mapped_pieces_read_as_their_bytes(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    pieces = [pack([("b", "2"), ("a", "1")]), pack([]), pack([("a", "0")])]
    cache.put_pack("ntriples", [(f"k{n}", piece) for n, piece in enumerate(pieces)])
    found = cache.packed("ntriples")
    mapped = map_packed([found[f"k{n}"] for n in range(3)])
    assert all(piece is not None for piece in mapped)
    assert [(key, bytes(text)) for key, text in unpack_views(mapped)] == unpack(pieces) == \
        [(b"a", b"0"), (b"a", b"1"), (b"b", b"2")]


@pytest.mark.parametrize("piece", [b"no separators", b"k\x01", b"k\x012\x01t", b"a\x00b\x011\x01t"])
def test_a_damaged_piece_is_refused(piece: bytes) -> None:
    with pytest.raises(ValueError, match="not a piece"):
        records([piece])
