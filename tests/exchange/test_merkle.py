"""RFC 6962 Merkle trees: roots, audit paths and consistency proofs, and the O(log n) frontier."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from sharecity.exchange import merkle

leaves_strategy = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70)


def test_known_values_from_rfc_6962():
    assert merkle.root([]) == hashlib.sha256(b"").digest()
    assert merkle.root([b""]).hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    a, b, c = b"a", b"b", b"c"
    # Three leaves split 2 + 1: MTH = H(1 || H(1 || h(a) || h(b)) || h(c)).
    expected = merkle.node_hash(merkle.node_hash(merkle.leaf_hash(a), merkle.leaf_hash(b)), merkle.leaf_hash(c))
    assert merkle.root([a, b, c]) == expected


@settings(max_examples=60, deadline=None)
@given(leaves_strategy)
def test_the_frontier_gives_the_same_root_as_the_whole_tree(leaves):
    frontier = merkle.MerkleFrontier()
    for leaf in leaves:
        frontier.append(leaf)
    assert frontier.root() == merkle.root(leaves)
    restored = merkle.MerkleFrontier.from_json(frontier.to_json())
    assert restored.size == len(leaves) and restored.root() == frontier.root()


@settings(max_examples=40, deadline=None)
@given(leaves_strategy, st.data())
def test_every_leaf_has_an_audit_path_and_no_other_leaf_fits_it(leaves, data):
    root = merkle.root(leaves)
    index = data.draw(st.integers(min_value=0, max_value=len(leaves) - 1))
    proof = merkle.inclusion_proof(index, leaves)
    assert merkle.verify_inclusion(leaves[index], index, len(leaves), proof, root)
    forged = bytes(32) if leaves[index] != bytes(32) else b"\x01" * 32
    assert not merkle.verify_inclusion(forged, index, len(leaves), proof, root)
    if len(leaves) > 1:
        other = (index + 1) % len(leaves)
        assert not merkle.verify_inclusion(leaves[index], other, len(leaves), proof, root) or (
            leaves[index] == leaves[other]
        )


@settings(max_examples=40, deadline=None)
@given(leaves_strategy, st.data())
def test_an_older_log_is_provably_a_prefix_of_a_newer_one(leaves, data):
    old_size = data.draw(st.integers(min_value=1, max_value=len(leaves)))
    old_root, new_root = merkle.root(leaves[:old_size]), merkle.root(leaves)
    proof = merkle.consistency_proof(old_size, leaves)
    assert merkle.verify_consistency(old_size, len(leaves), old_root, new_root, proof)


def test_removing_a_message_breaks_consistency():
    leaves = [bytes([n]) * 32 for n in range(10)]
    old_root = merkle.root(leaves[:6])
    rewritten = leaves[:3] + leaves[4:] + [b"\xff" * 32]  # message 3 removed, one appended
    proof = merkle.consistency_proof(6, rewritten)
    assert not merkle.verify_consistency(6, len(rewritten), old_root, merkle.root(rewritten), proof)
