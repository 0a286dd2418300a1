"""YAML loading that keeps line numbers and refuses YAML's traps.

Used for feeds.yaml and for note front matter. Aliases are refused (an alias bomb expands to
billions of nodes), duplicate keys are errors (PyYAML silently keeps the last), and every
mapping key's line is remembered so schema errors can point at it.
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[Any, ...]
# libyaml's loader (bundled in PyYAML's wheels) gives the same events, nodes and line marks, five
# times faster: an edition with hundreds of feeds is read on every command.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None):
        self.line = line
        super().__init__(message)


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return the data and a map from key path to 1-based line."""
    _refuse_aliases(text)
    try:
        loader = SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            lines: dict[Path_, int] = {}
            _walk(node, (), lines)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_located(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", None) from None
    return data, lines


def _located(exc: yaml.MarkedYAMLError) -> tuple[str, int | None]:
    """The line to fix. libyaml notices an unclosed [ or quote only where the next thing begins;
    the context mark is where the unclosed construct opened, which is the line the user must edit."""
    problem = exc.problem_mark.line + 1 if exc.problem_mark else None
    context = exc.context_mark.line + 1 if exc.context_mark else None
    message = f"YAML syntax error: {exc.problem or exc}"
    if context and problem and context < problem:
        below = "on the next line" if problem == context + 1 else f"{problem - context} lines below"
        return f"{message} ({exc.context} that opens on this line and is not closed; noticed {below})", context
    return message, problem or context


def _refuse_aliases(text: str) -> None:
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlProblem(
                    "YAML anchors and aliases (&name / *name) are not accepted here; write the values out",
                    event.start_mark.line + 1,
                )
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_located(exc)) from None


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlProblem(
                    f"key '{key}' appears twice (first on line {seen[key]}); keep one", line
                )
            seen[key] = line
            lines[path + (key,)] = line
            _walk(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, path + (index,), lines)


def nearest_line(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of the deepest known ancestor of ``path``."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
