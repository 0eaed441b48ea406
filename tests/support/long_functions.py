"""Functions over MAX_LINES lines: each gets a split or a one-line reason comment above it.

A reason is a `# Long on purpose: ...` comment on the line above the function (or its
decorators). Docstrings do not count towards the length; tests and migrations are not checked.
"""

import ast
from pathlib import Path

MAX_LINES = 40
REASON = "# Long on purpose:"
SKIPPED = {".venv", "migrations", "tests", "var", "node_modules"}


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    first = body[1] if len(body) > 1 and isinstance(body[0], ast.Expr) else body[0]
    assert node.end_lineno is not None
    return node.end_lineno - first.lineno + 1


def unexplained(root: Path) -> list[str]:
    """`path:line name (length)` of every long function without a reason, under root."""
    found = []
    for path in sorted(root.glob("**/*.py")):
        if SKIPPED & set(path.relative_to(root).parts):
            continue
        source = path.read_text()
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            top = min([node.lineno] + [d.lineno for d in node.decorator_list])
            reason = top >= 2 and lines[top - 2].strip().startswith(REASON)
            if _length(node) > MAX_LINES and not reason:
                name = path.relative_to(root)
                found.append(f"{name}:{node.lineno} {node.name} ({_length(node)} lines)")
    return found
