"""YAML read with the line of every key and list item, so that a problem in a data file names
its place: "fixtures/thesaurus.yaml, line 12: unknown target group 'elderly'".

Used by the practice files' front matter (practices/markdown_io.py) and the thesaurus file
(thesaurus/loading.py)."""

from dataclasses import dataclass

import yaml


@dataclass
class Problem:
    source: str
    line: int
    message: str

    def __str__(self):
        return f"{self.source}, line {self.line}: {self.message}"


def record_lines(node, path, lines, first_line):
    """Fill ``lines`` with {path tuple: line number} for every key and item under ``node``;
    ``first_line`` is the file's line number of the YAML text's first line."""
    lines[path] = node.start_mark.line + first_line
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            record_lines(value_node, child, lines, first_line)
            lines[child] = key_node.start_mark.line + first_line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            record_lines(item, (*path, index), lines, first_line)


def load_with_lines(text, source, first_line=1):
    """``(data, lines, problem)``: the YAML document, {path: line} and, when the text is not
    valid YAML, a Problem at the line where the parser stopped (data and lines then empty)."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        return None, {}, Problem(source, line, f"not valid YAML: {problem}")
    lines = {}
    if node is not None:
        record_lines(node, (), lines, first_line)
    return data, lines, None


def line_of(lines, *path):
    """The line of ``path``, or of its nearest recorded ancestor (1 if none)."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
