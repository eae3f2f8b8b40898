"""The runtime's import structure: the contracts of pyproject.toml's [tool.importlinter]
(layers core < model < storage < services < presentation < web < server/CLI, command lines
imported by nobody, no streamlit below the web layer) and no circle between any modules of
the runtime packages, across packages too (import-linter only sees circles inside one)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"]
RUNTIME = CONFIG["root_packages"]
LINT = ("import sys; from importlinter.cli import lint_imports_command; "
        "sys.argv = ['lint-imports', '--no-cache', '--no-logo']; lint_imports_command()")


def test_the_import_contracts_are_kept():
    run = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    report = run.stdout
    broken = report[report.find("Broken contracts"):] if "Broken contracts" in report else report
    assert run.returncode == 0, (
        "an import breaks the layers (pyproject.toml [tool.importlinter]; `make lint` shows "
        f"the same):\n{broken}{run.stderr}")


def _ignored() -> set[tuple[str, str]]:
    """The imports the no-circles contract allows (one list for both checks)."""
    contract = next(c for c in CONFIG["contracts"] if c["id"] == "no-circles")
    return {tuple(part.strip() for part in line.split("->"))
            for line in contract.get("ignore_imports", [])}


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(
                        graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _describe(graph: grimp.ImportGraph, circle: list[str]) -> str:
    """One way round the circle, import by import, with file lines."""
    first = circle[0]
    back = next(m for m in sorted(graph.find_modules_directly_imported_by(first))
                if m in circle)
    chain = (first, *graph.find_shortest_chain(importer=back, imported=first))
    lines = []
    for importer, imported in zip(chain, chain[1:], strict=False):
        details = graph.get_import_details(importer=importer, imported=imported)
        where = (f"line {details[0]['line_number']}: {details[0]['line_contents']}"
                 if details else "")
        lines.append(f"    {importer} -> {imported}  ({where})")
    return f"  {', '.join(circle)}:\n" + "\n".join(lines)


def test_no_module_imports_itself_round_a_circle():
    graph = grimp.build_graph(*RUNTIME, exclude_type_checking_imports=True, cache_dir=None)
    for importer, imported in _ignored():
        graph.remove_import(importer=importer, imported=imported)
    circles = _circles(graph)
    assert not circles, (
        "modules import each other round a circle (move the shared piece to a lower module, "
        "or let only one import the other):\n"
        + "\n".join(_describe(graph, c) for c in circles))


def test_the_app_imports_nothing_of_the_server_layer():
    """app.py is a module, not a package, so import-linter cannot graph it."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names]
    names += [node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module]
    upward = sorted(n for n in names if n.split(".")[0] == "ops")
    assert not upward, f"app.py (web) imports the server layer: {upward}"


def test_no_page_script_shares_its_name_with_a_package_of_the_project():
    """Streamlit puts a page script's own folder first on sys.path when it runs that script
    directly (AppTest.from_file, a page opened on its own), so pages/targets.py would stand
    in for the targets package in every import that follows and break the page."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    clashes = sorted(path.name for path in (ROOT / "pages").glob("*.py")
                     if path.stem in packages)
    assert clashes == [], f"rename these pages: {clashes} (they hide the packages {packages})"
