"""Which pairs of a large week are worth scoring: one sparse matrix product instead of all pairs.

Each item becomes a sparse vector over the words it could share with another report (its words,
and the English glosses of its Chinese ones), weighted by IDF and normalised. Words found in a
large share of the week are left out: they join everything and tell nothing. The product of the
matrix with its transpose, taken a block of rows at a time so memory stays bounded, gives every
pair that shares a rare word; each item keeps its most alike neighbours within the time gap.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

COMMON_SHARE = 0.01      # a word in more than this share of the week's items does not suggest pairs
MIN_COMMON = 40          # ... unless it is in fewer items than this
BLOCK_ROWS = 2000
MIN_SIMILARITY = 0.1


def similar_pairs(vectors: list[dict[str, float]], expanded: list[frozenset[str]], timestamps: list[float],
                  max_gap: float, per_item: int) -> list[tuple[int, int]]:
    count = len(vectors)
    limit = max(MIN_COMMON, int(count * COMMON_SHARE))
    frequency: dict[str, int] = {}
    for words in expanded:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    columns: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, (vector, words) in enumerate(zip(vectors, expanded)):
        for word in words:
            if 1 < frequency[word] <= limit:
                rows.append(row)
                cols.append(columns.setdefault(word, len(columns)))
                values.append(math.sqrt(vector.get(word, 1.0)))     # the items' squared weights, as weights
    if not columns:
        return []
    matrix = sparse.csr_matrix((np.array(values, dtype=np.float32), (rows, cols)), shape=(count, len(columns)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.diags(1.0 / norms).dot(matrix).tocsr()
    transposed = matrix.T.tocsc()
    when = np.asarray(timestamps)
    pairs: set[tuple[int, int]] = set()
    for start in range(0, count, BLOCK_ROWS):
        block = (matrix[start:start + BLOCK_ROWS] @ transposed).tocsr()
        for offset in range(block.shape[0]):
            row = start + offset
            begin, end = block.indptr[offset], block.indptr[offset + 1]
            others, scores = block.indices[begin:end], block.data[begin:end]
            keep = (others != row) & (scores >= MIN_SIMILARITY) & (np.abs(when[others] - when[row]) <= max_gap)
            others, scores = others[keep], scores[keep]
            if len(others) > per_item:
                best = np.argpartition(-scores, per_item)[:per_item]
                others = others[best]
            pairs.update((min(row, int(o)), max(row, int(o))) for o in others)
    return sorted(pairs)
