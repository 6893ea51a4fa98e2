"""Dependencies between the project's packages point one way (ARCHITECTURE.md): no cycle, and
`core` and `units` import no other app of the project."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "core",
    "accounts",
    "units",
    "documents",
    "workflows",
    "notifications",
    "reports",
    "plans",
    "awards",
    "ops",
    "config",
)


def _imports() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in PACKAGES and top != package:
                        edges[package].add(top)
    return edges


def _cycle(edges) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in PACKAGES:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle_between_apps():
    assert _cycle(_imports()) is None, " → ".join(_cycle(_imports()))


def test_the_bottom_layers_import_no_app():
    edges = _imports()
    assert edges["core"] == set()
    assert edges["units"] <= {"core"}
    assert "workflows" not in edges["notifications"], "notifications reaches into workflows"
    # The register sits just above units, so every app that issues documents may use it.
    assert edges["documents"] <= {"core", "units"}, edges["documents"]
    # Plans and periodic reports build on the engine and the register; nothing builds on them
    # but the wiring (the inbox and the messages learn of them through registration hooks).
    assert edges["plans"] <= {"core", "units", "documents", "workflows", "notifications"}
    assert not any("plans" in e for k, e in edges.items() if k != "config"), edges
    assert "awards" not in edges["workflows"], "workflows reaches into awards (use panels)"
    # ops reads the others (health, metrics, backups); nothing but config wires it in.
    assert not any("ops" in deps for name, deps in edges.items() if name != "config")
    assert edges["config"] - {"core"} and not any("config" in e for e in edges.values())
