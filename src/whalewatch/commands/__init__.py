"""One module per family of user verbs; importing this package registers them on ``whalewatch.cli.cli``."""

from . import collect, deliver, edition, glossary, issue, notes, review, schedule, serve  # noqa: F401
