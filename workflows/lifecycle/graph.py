"""The lifecycle as data: the FSM's transitions, and a Mermaid picture of them for the README."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Initiative, State


@dataclass(frozen=True)
class Edge:
    action: str
    source: str
    target: str
    method: str


def _action_of_method() -> dict[str, str]:
    from .actions import ACTIONS

    return {action.method: action.name for action in ACTIONS.values()}


def fsm_edges() -> list[Edge]:
    field = Initiative._meta.get_field("state")
    action_of = _action_of_method()
    edges = []
    for transition in field.get_all_transitions(Initiative):
        method = transition.name
        edges.append(
            Edge(action_of.get(method, method), transition.source, transition.target, method)
        )
    return sorted(edges, key=lambda e: (list(State.values).index(e.source), e.action))


def mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for edge in fsm_edges():
        lines.append(f"    {edge.source} --> {edge.target}: {edge.action}")
    for terminal in (State.COMMENDED, State.NOT_RECOGNIZED, State.WITHDRAWN, State.RETURNED):
        lines.append(f"    {terminal} --> [*]")
    return "\n".join(lines) + "\n"
