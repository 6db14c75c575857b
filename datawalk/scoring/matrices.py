"""Set arithmetic for many findings at once, on boolean matrices laid out vocabulary × findings.

Each vocabulary entry is one contiguous row of n booleans, so every operation is a handful of
whole-row numpy operations per vocabulary entry (tens of entries), never per finding. Row-major
(findings × vocabulary) matrices would need matrix products that numpy does not run through BLAS
for booleans or integers, and are several times slower here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from datawalk.errors import ValidationError
from datawalk.scoring.compiled import Compiled
from datawalk.vocabulary import FINDING_VOCABULARIES

PACK_BITS = 62  # bits per packed key word: room for a sign bit and no overflow
CHUNK = 2048  # findings per broadcast slice (vocabulary² × CHUNK booleans)
SMALL = 8  # up to this many findings (a walk-page card list), decoding each beats hashing


def encode_sets(
    column: Sequence[Any], vocabulary: tuple[str, ...], field: str, source: str = ""
) -> np.ndarray:
    """Return the vocabulary × n membership matrix of a column of id tuples (missing = empty).

    Raises:
        ValidationError: a row holds an id the vocabulary does not define.
    """
    values = np.asarray(column, dtype=object)
    try:
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    except TypeError:
        values = np.array([v if isinstance(v, (list, tuple)) else () for v in values], dtype=object)
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    flat = np.fromiter(chain.from_iterable(values), dtype=object, count=int(lengths.sum()))
    codes = _codes(flat, vocabulary)
    _raise_unknown(codes, flat, field, source)
    matrix = np.zeros((len(vocabulary), len(values)), dtype=bool)
    matrix[codes, np.repeat(np.arange(len(values)), lengths)] = True
    return matrix


def encode_ids(
    column: Sequence[Any], vocabulary: tuple[str, ...], field: str, source: str = ""
) -> np.ndarray:
    """Return each row's position in the vocabulary.

    Raises:
        ValidationError: a row holds an id the vocabulary does not define.
    """
    values = np.array([str(v) for v in column], dtype=object)
    codes = _codes(values, vocabulary)
    _raise_unknown(codes, values, field, source)
    return codes


def _codes(values: np.ndarray, vocabulary: tuple[str, ...]) -> np.ndarray:
    """Positions of `values` in `vocabulary` (-1 when unknown): a dict for the few values of a
    walk-page card, a hash index for a whole audit."""
    if len(values) < 64:
        where = {term: position for position, term in enumerate(vocabulary)}
        return np.fromiter((where.get(v, -1) for v in values), dtype=np.int64, count=len(values))
    return pd.Index(vocabulary).get_indexer(values).astype(np.int64)


def _raise_unknown(codes: np.ndarray, values: np.ndarray, field: str, source: str) -> None:
    if len(codes) and (codes < 0).any():
        what = FINDING_VOCABULARIES.get(field, ("", "id"))[1]
        where = f" in {source}" if source else ""
        raise ValidationError(
            f"unknown {what} {values[np.argmax(codes < 0)]!r}{where}", field=field
        )


def to_leaves(model: Compiled, audiences: np.ndarray) -> np.ndarray:
    """Return leaves × n: the leaf roles that each finding's audiences contain."""
    return _by_chunks(audiences, lambda part: (model.leaf_sources_mask[:, :, None] & part).any(1))


def covered(model: Compiled, leaves: np.ndarray) -> np.ndarray:
    """Return audiences × n: which audiences a set of leaf roles covers entirely (a group with no
    leaves is never covered)."""
    members = model.audience_members_mask[:, :, None]
    return _by_chunks(leaves, lambda part: ~(members & ~part).any(1)) & model.has_members[:, None]


def _by_chunks(matrix: np.ndarray, step: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply a vocabulary × vocabulary × findings broadcast in slices of findings.

    One broadcast replaces a loop over vocabulary rows (a walk-page card is scored with a few
    numpy calls, not hundreds), and slicing keeps its memory small for a large audit. No matrix
    product: BLAS threads cost more than they save on a busy two-core server.
    """
    n = matrix.shape[1]
    if n <= CHUNK:
        return step(matrix)
    return np.concatenate([step(matrix[:, i : i + CHUNK]) for i in range(0, n, CHUNK)], axis=1)


def any_of(matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Return, per finding, whether any of the given vocabulary rows is set."""
    return np.logical_or.reduce(matrix[rows], axis=0)


def masked_max(mask: np.ndarray, values: np.ndarray, empty: float | int) -> np.ndarray:
    """Return, per finding, the largest of `empty` and the values of its set rows."""
    out = np.full(mask.shape[1], empty, dtype=np.result_type(values, type(empty)))
    for row in np.argsort(values, kind="stable"):  # ascending: a larger value overwrites
        if values[row] > empty:
            out[mask[row]] = values[row]
    return out


def masked_min(mask: np.ndarray, values: np.ndarray, empty: float) -> np.ndarray:
    """Return, per finding, the smallest of `empty` and the values of its set rows."""
    out = np.full(mask.shape[1], empty, dtype=np.result_type(values, type(empty)))
    for row in np.argsort(values, kind="stable")[::-1]:  # descending: a smaller one overwrites
        if values[row] < empty:
            out[mask[row]] = values[row]
    return out


def masked_sum(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Return, per finding, the sum of the values of its set rows."""
    out = np.zeros(mask.shape[1], dtype=values.dtype)
    for row, value in enumerate(values):
        if value:
            out[mask[row]] += value
    return out


def decode_columns(
    matrix: np.ndarray, decode: Callable[[np.ndarray], list[tuple[str, ...]]]
) -> np.ndarray:
    """Return one decoded tuple per finding, decoding each distinct set only once.

    Findings repeat the same sets, so sets are packed into integer keys and factorised (hashing,
    not sorting); `decode` gets a vocabulary × distinct matrix.
    """
    width, n = matrix.shape
    out = np.empty(n, dtype=object)
    if n <= SMALL:
        for index, item in enumerate(decode(matrix)):
            out[index] = item
        return out
    keys = [np.zeros(n, dtype=np.int64) for _ in range(max(1, -(-width // PACK_BITS)))]
    for row in range(width):
        keys[row // PACK_BITS][matrix[row]] |= np.int64(1) << (row % PACK_BITS)
    if len(keys) == 1:
        inverse, _ = pd.factorize(keys[0])
    else:
        inverse, _ = pd.MultiIndex.from_arrays(keys).factorize()
    first = np.empty(inverse.max() + 1, dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1)
    decoded = np.empty(len(first), dtype=object)
    for index, item in enumerate(decode(matrix[:, first])):
        decoded[index] = item  # one by one: numpy would read equal-length tuples as a 2-D array
    out[:] = decoded[inverse]
    return out


def role_names(model: Compiled, leaves: np.ndarray) -> list[tuple[str, ...]]:
    """Return per column the covered roles, members folded into whole groups, in YAML order."""
    whole = covered(model, leaves)
    inside = np.zeros_like(whole)
    for row, larger in model.inside_of:
        inside[row] = whole[larger].any(axis=0)
    names = np.array(model.audiences, dtype=object)
    kept = (whole & ~inside).T
    return [tuple(names[column]) for column in kept]


def names_of(ids: tuple[str, ...], matrix: np.ndarray) -> list[tuple[str, ...]]:
    """Return per column the ids of its set rows."""
    names = np.array(ids, dtype=object)
    return [tuple(names[column]) for column in matrix.T]
