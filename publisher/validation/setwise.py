"""Set-at-a-time forms of the SHACL-SPARQL constraints that, run once over a whole store, cost
the square of a statement's size.

The shapes' queries are written for an engine that pre-binds `$this` (pySHACL: one focus node at
a time): from `$this` they walk to its own statement and test there the nodes they need
(shapes/fidelity.ttl says why). publisher/validation/fast.py runs each query once over a store
instead, so a test like `FILTER NOT EXISTS { ?statement nida:hasSignature/nida:ordinal ?previous }`
is made once per signature, walking every signature of its statement: at st-100k the ordinal
rules took 0.8 of the rules' 1.15 s, nearly all of it on statements with many signatories.
Written as one join over all the pairs at once, the same solutions come from one hashed join:

- an anti-join: `MINUS` with the same pattern gives the solutions of `FILTER NOT EXISTS` where
  every variable the pattern shares with its group is bound in each solution (here: by triple
  patterns, or by a BIND whose error the group's own FILTER already rejects);
- a sibling with the same ordinal: `$this up/down ?other` and `EXISTS { ?other nida:ordinal
  ?value }` give the rows of `$this up ?whole` joined on `?whole` and `?value` with every
  `?whole down ?other . ?other nida:ordinal ?value`, one per path, as the path gives them.

Only the queries below are rewritten, each known by the SHA-256 of its text as written in the
shapes: a shape whose query was edited runs as written. tests/validation/test_setwise.py checks
each is still in shapes/ and gives the same results both ways, on data that breaks it. (The
published shapes keep their form: SHACL forbids MINUS and sub-selects binding pre-bound
variables, and a sub-select over the whole graph would be run once per focus node there.)
"""

from __future__ import annotations

import hashlib

Rewrite = tuple[str, str]

ANTI_JOIN: Rewrite = ("FILTER NOT EXISTS {", "MINUS {")


def same_ordinal(up: str, down: str) -> Rewrite:
    """The `*OrdinalUnique` test for a sibling (`$this up/down ?other`) with `$this`'s ordinal."""
    return (f"{up}/{down} ?other .\n"
            "  BIND (nida:ordinal AS ?path)\n"
            "  FILTER (?other != $this && EXISTS { ?other nida:ordinal ?value })",
            f"{up} ?nida_whole .\n"
            "  { SELECT ?nida_whole ?other ?value WHERE {"
            f" ?nida_whole {down} ?other . ?other nida:ordinal ?value }} }}\n"
            "  BIND (nida:ordinal AS ?path)\n"
            "  FILTER (?other != $this)")


#: the rewrites of each sh:select text, by the SHA-256 of the text
REWRITES: dict[str, Rewrite] = {
    "7bc1e4eb57a244270bbd158ed12b92f277dba5277820ca2fddf2f8b1d29d6f58":
        ANTI_JOIN,  # nidash:DemandOrdinalContiguous
    "5b77cd8291a6a0ae8f16149b7c65388229bdfad597eab5230125cd49cbeba54e":
        ANTI_JOIN,  # nidash:PositionOrdinalContiguous
    "4c360d8b2ac59f5d52969301be6b731ab1267c13b0780726dbc8c89f7afd8a41":
        ANTI_JOIN,  # nidash:SectionOrdinalContiguous
    "7db9e5802e2a1abe869736cc39399390e32082c7771540c32e64bb03fd0088d4":
        ANTI_JOIN,  # nidash:SignatureOrdinalContiguous
    "30c169fbb971a3ad3132e1082558e34519fa831e1e2be36ba2a8e843fc50fb11":
        ANTI_JOIN,  # nidash:SignedByHasSignature
    "6b587b63faac3606d06c2d9fd1ab84e78b11123f42d276b375cc6bfcf075cdb3":
        same_ordinal("nida:section", "nida:hasDemand"),  # nidash:DemandOrdinalUnique
    "e6e335fb5f9865cd87a5ed5d24d7b6c7436583452b222dfb59982a162c9f936e":
        same_ordinal("dct:isPartOf", "nida:hasPosition"),  # nidash:PositionOrdinalUnique
    "259827cf7d5d78597c9f369fe3331346c2fdff1c996f7a3763ee1b0fb2a58dae":
        same_ordinal("dct:isPartOf", "nida:hasSection"),  # nidash:SectionOrdinalUnique
    "94f09689379b38cf20ed6fd8aff58f803aa597dac1616fbd3410b20ee9637887":
        same_ordinal("dct:isPartOf", "nida:hasSignature"),  # nidash:SignatureOrdinalUnique
}


def text_digest(select: str) -> str:
    return hashlib.sha256(select.encode("utf-8")).hexdigest()


def set_at_a_time(select: str, query: str) -> str:
    """`query` (made from the shape's `select`) in its set-at-a-time form where `select` is one
    of `REWRITES`; else, or where the form's text is not found once in `query`, `query` itself."""
    rewrite = REWRITES.get(text_digest(select))
    if rewrite is None or query.count(rewrite[0]) != 1:
        return query
    return query.replace(*rewrite)
