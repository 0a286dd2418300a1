"""Which pairs of a large week are worth scoring: one sparse matrix product instead of all pairs.

Each item becomes a sparse vector over the words it could share with another report (its words,
and the English glosses of its Chinese ones), weighted by IDF and normalised. Words found in a
large share of the week are left out: they join everything and tell nothing. The product of the
matrix with its transpose, taken a block of rows at a time so memory stays bounded, gives every
pair that shares a rare word; each item keeps its most alike neighbours within the time gap (of
equally alike ones, the nearest in time), chosen for a whole block at once, and as many again among
the reports in the other language, which meet it only through glosses and would otherwise never rank.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np
from scipy import sparse

COMMON_SHARE = 0.01      # a word in more than this share of the week's items does not suggest pairs
MIN_COMMON = 40          # ... unless it is in fewer items than this
BLOCK_ROWS = 500
MIN_SIMILARITY = 0.1
MIN_SIMILARITY_ACROSS = 0.02   # a Chinese report's vector holds every gloss of every word: it meets English thinly


def similar_pairs(vectors: list[dict[str, float]], expanded: list[frozenset[str]], timestamps: list[float],
                  max_gap: float, per_item: int, languages: list[bool] | None = None) -> list[tuple[int, int]]:
    """Each item's ``per_item`` most alike neighbours, and as many again in the other language
    (``languages``: whether each item is Chinese). A Chinese report meets an English one only
    through the glosses of its words, of which each word has several; beside reports in its own
    language it never ranks high, and would never be compared with the report it translates."""
    count = len(vectors)
    limit = max(MIN_COMMON, int(count * COMMON_SHARE))
    frequency = Counter(chain.from_iterable(expanded))
    columns = {word: n for n, word in enumerate(w for w, seen in frequency.items() if 1 < seen <= limit)}
    if not columns:
        return []
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, (vector, words) in enumerate(zip(vectors, expanded)):
        kept = [w for w in words if w in columns]
        rows += [row] * len(kept)
        cols += [columns[w] for w in kept]
        values += [vector.get(w, 1.0) for w in kept]
    weights = np.sqrt(np.array(values)).astype(np.float32)      # the items' squared weights, rooted
    matrix = sparse.csr_matrix((weights, (rows, cols)), shape=(count, len(columns)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.diags(1.0 / norms).dot(matrix).tocsr()
    transposed = matrix.T.tocsc()
    when = np.asarray(timestamps)
    chinese = np.asarray(languages if languages is not None else [False] * count, dtype=bool)
    found: list[np.ndarray] = []
    for start in range(0, count, BLOCK_ROWS):
        block = (matrix[start:start + BLOCK_ROWS] @ transposed).tocoo()
        row, other, score = block.row + start, block.col, block.data
        across = chinese[row] != chinese[other]
        keep = (other != row) & (score >= np.where(across, MIN_SIMILARITY_ACROSS, MIN_SIMILARITY)) \
            & (np.abs(when[other] - when[row]) <= max_gap)
        row, other, score, across = row[keep], other[keep], score[keep], across[keep]
        gap = np.abs(when[other] - when[row])
        run = row * 2 + across                             # a row's neighbours in its language, then in the other
        order = np.lexsort((gap, -score, run))             # each run's most alike first; of equals, the nearest in time
        row, other, run = row[order], other[order], run[order]
        first = np.searchsorted(run, run, side="left")     # where each run starts
        best = (np.arange(len(run)) - first) < per_item
        found.append(np.stack([np.minimum(row[best], other[best]), np.maximum(row[best], other[best])], axis=1))
    if not found:
        return []
    pairs = np.unique(np.concatenate(found), axis=0)
    return [(int(a), int(b)) for a, b in pairs]
