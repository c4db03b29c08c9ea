"""YAML that remembers line numbers, so every pack problem can name the line to fix."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


class Mapping(dict):
    """A YAML mapping; `line` is where it starts, `lines[key]` where each key is written."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict = {}
        self.repeated: list[tuple[object, int, int]] = []  # (key, line, first line)

    def line_of(self, key: object) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    """A YAML list; `lines[i]` is where item i starts."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping(_line(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            key = str(key)
        if key in result.lines:
            result.repeated.append((key, _line(key_node), result.lines[key]))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = _line(key_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(_line(node))
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.lines.append(_line(item))
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


@dataclass
class YamlDocument:
    data: object = None
    error_line: int = 0
    error: str = ""
    repeated: list[tuple[object, int, int]] = field(default_factory=list)


def _collect_repeated(value: object, found: list[tuple[object, int, int]]) -> None:
    if isinstance(value, Mapping):
        found.extend(value.repeated)
        for item in value.values():
            _collect_repeated(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_repeated(item, found)


def parse_yaml(text: str) -> YamlDocument:
    """The document with line numbers, or the line and reason it cannot be read."""
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return YamlDocument(
            error_line=mark.line + 1 if mark else 1, error=str(exc.problem or exc.context)
        )
    except yaml.YAMLError as exc:
        return YamlDocument(error_line=1, error=str(exc))
    repeated: list[tuple[object, int, int]] = []
    _collect_repeated(data, repeated)
    return YamlDocument(data=data, repeated=repeated)
