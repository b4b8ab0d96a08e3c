"""The apps depend on each other one way, and background tasks sit on top of the services.

Read from the source with `ast`, so an import inside a function counts as
much as one at the top of a module: a cycle hidden in a function body is
still a cycle.
"""

import ast
from collections import defaultdict
from pathlib import Path

APPS = Path(__file__).resolve().parent.parent / "apps"


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def _python_files():
    for path in sorted(APPS.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "apps" else None


def app_graph() -> dict[str, dict[str, set[str]]]:
    """For each app, the other apps it imports, with the files that do it."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in _python_files():
        app = path.relative_to(APPS).parts[0]
        for module in _imported_modules(path):
            other = _app_of(module)
            if other and other != app:
                graph[app][other].add(str(path.relative_to(APPS.parent)))
    return graph


def cycles(graph) -> list[list[str]]:
    """Groups of apps that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in graph.get(app, {}):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


def test_no_two_apps_import_each_other_even_through_others():
    graph = app_graph()
    problems = []
    for group in cycles(graph):
        edges = [
            f"  {app} -> {other}: {', '.join(sorted(graph[app][other]))}"
            for app in group
            for other in sorted(graph[app])
            if other in group
        ]
        problems.append(" <-> ".join(group) + "\n" + "\n".join(edges))
    assert not problems, "Apps that depend on each other:\n" + "\n".join(problems)


def test_services_and_selectors_never_import_tasks():
    """Tasks take ids and call services; a service importing a task turns that around."""
    offenders = [
        f"{path.relative_to(APPS.parent)} imports {module}"
        for path in _python_files()
        if path.stem in {"services", "selectors"}
        for module in _imported_modules(path)
        if module.startswith("apps.") and ".tasks" in module
    ]
    assert not offenders, "\n".join(offenders)


def test_the_cycle_finder_finds_a_cycle_through_a_third_app():
    graph = {"a": {"b": {"x"}}, "b": {"c": {"y"}}, "c": {"a": {"z"}}, "d": {"a": {"w"}}}
    assert cycles(graph) == [["a", "b", "c"]]
