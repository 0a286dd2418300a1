"""Select & merge: one week's items and notes become one ``Issue``."""

from .assemble import assemble_issue, History, Selection

__all__ = ["assemble_issue", "History", "Selection"]
