"""Merkle trees as in RFC 6962 (Certificate Transparency), over 32-byte envelope hashes.

Leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right). A log of n
leaves has the tree hash MTH(D[n]); an inclusion proof (audit path) shows one leaf is in
it, a consistency proof shows an older tree is a prefix of a newer one (nothing removed).
``MerkleFrontier`` keeps only the right-hand peaks, so appending and reading the root cost
O(log n) however long the log grows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over the given leaves (raw leaf data, hashed here)."""
    if not leaves:
        return EMPTY_ROOT
    # Level by level, a lone last node moving up unchanged: the same tree as the recursive
    # definition (the left subtree of every split is the largest power of two), without recursion.
    sha256 = hashlib.sha256
    level = [sha256(b"\x00" + leaf).digest() for leaf in leaves]
    while len(level) > 1:
        paired = [sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def _root_of_hashes(hashes: Sequence[bytes]) -> bytes:
    level = list(hashes)
    if len(level) == 1:
        return level[0]
    k = _split(len(level))
    return node_hash(_root_of_hashes(level[:k]), _root_of_hashes(level[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Audit path for ``leaves[index]`` in the tree of all ``leaves``."""
    if not 0 <= index < len(leaves):
        raise IndexError("leaf index outside the tree")
    return _path(index, [leaf_hash(leaf) for leaf in leaves])


def _path(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    if len(hashes) == 1:
        return []
    k = _split(len(hashes))
    if index < k:
        return [*_path(index, hashes[:k]), _root_of_hashes(hashes[k:])]
    return [*_path(index - k, hashes[k:]), _root_of_hashes(hashes[:k])]


def verify_inclusion(leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: recompute the root from the leaf and its audit path."""
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    current = leaf_hash(leaf)
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            current = node_hash(sibling, current)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            current = node_hash(current, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and current == expected_root


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Proof that the first ``old_size`` leaves form a prefix of the tree of all ``leaves``."""
    if not 0 < old_size <= len(leaves):
        raise ValueError("old size must be between 1 and the tree size")
    return _subproof(old_size, [leaf_hash(leaf) for leaf in leaves], True)


def _subproof(m: int, hashes: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [_root_of_hashes(hashes)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], complete), _root_of_hashes(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), _root_of_hashes(hashes[:k])]


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


@dataclass
class MerkleFrontier:
    """The peaks of the perfect subtrees that make up a log of ``size`` leaves, leftmost first."""

    size: int = 0
    peaks: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        sha256 = hashlib.sha256  # leaf_hash and node_hash inline: intake appends every message
        current = sha256(b"\x00" + leaf).digest()
        size = self.size
        peaks = self.peaks
        while size & 1:
            current = sha256(b"\x01" + peaks.pop() + current).digest()
            size >>= 1
        self.peaks.append(current)
        self.size += 1

    def root(self) -> bytes:
        if not self.peaks:
            return EMPTY_ROOT
        current = self.peaks[-1]
        for peak in reversed(self.peaks[:-1]):
            current = node_hash(peak, current)
        return current

    def to_json(self) -> dict:
        return {"size": self.size, "peaks": [peak.hex() for peak in self.peaks]}

    @classmethod
    def from_json(cls, data: dict | None) -> MerkleFrontier:
        if not data:
            return cls()
        return cls(size=int(data["size"]), peaks=[bytes.fromhex(peak) for peak in data["peaks"]])
