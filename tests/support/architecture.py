"""The import check: import-linter's contracts from pyproject.toml, plus the one exception.

The contracts (`[tool.importlinter]` in pyproject.toml) hold the one-way layers and forbid
import cycles inside an app. The exception, a function-level (lazy) import between a `tasks`
module and the service it calls (a sibling module of the same package: `services`, or a
service module by another name such as `intake.advice`), or from `services` back to `tasks`,
needs to know where an import sits, which import-linter does not:
`lazy_task_service_imports` finds those imports, and `check` adds them to the cycle
contract's ignored imports before it runs `lint-imports`.
"""

import ast
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

CYCLE_CONTRACT = "no-cycles"
PAIRED = {"tasks": "services", "services": "tasks"}


@dataclass(frozen=True)
class Result:
    ok: bool
    report: str


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """The modules an import statement may load (`from a import b` may load `a.b`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _imports_by_depth(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement, with whether it runs inside a function (lazily)."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, in_function))
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inner)

    visit(tree, False)
    return found


def _siblings(path: Path) -> set[str]:
    return {p.stem for p in path.parent.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in path.parent.iterdir() if (p / "__init__.py").exists()
    }


def lazy_task_service_imports(root: Path, packages: list[str]) -> list[str]:
    """`a.tasks -> a.<service module>` (or `a.services -> a.tasks`), imported only lazily."""
    lazy: set[str] = set()
    eager: set[str] = set()
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts or path.stem not in PAIRED:
                continue
            importer = _module_name(root, path)
            parent = importer.rpartition(".")[0]
            names = _siblings(path) - {path.stem} if path.stem == "tasks" else {"tasks"}
            partners = {f"{parent}.{name}" for name in names}
            for node, in_function in _imports_by_depth(ast.parse(path.read_text())):
                for partner in partners & set(_imported_names(node, parent)):
                    (lazy if in_function else eager).add(f"{importer} -> {partner}")
    return sorted(lazy - eager)


def config(root: Path) -> dict:
    with open(root / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_config(settings: dict, path: Path) -> None:
    lines = ["[tool.importlinter]"]
    contracts = settings.get("contracts", [])
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items() if key != "contracts"]
    for contract in contracts:
        lines.append("\n[[tool.importlinter.contracts]]")
        lines += [f"{key} = {_toml(value)}" for key, value in contract.items()]
    path.write_text("\n".join(lines) + "\n")


def check(root: Path, work_dir: Path) -> Result:
    """Run the contracts over the packages under `root`; `work_dir` holds the merged config."""
    settings = config(root)
    lazy = lazy_task_service_imports(root, settings["root_packages"])
    for contract in settings["contracts"]:
        if contract.get("id") == CYCLE_CONTRACT:
            contract["ignore_imports"] = [*contract.get("ignore_imports", []), *lazy]
            contract["unmatched_ignore_imports_alerting"] = "none"
    merged = work_dir / "importlinter.toml"
    _write_config(settings, merged)
    lint_imports = Path(sys.executable).with_name("lint-imports")
    completed = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", str(merged)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Result(ok=completed.returncode == 0, report=completed.stdout + completed.stderr)
