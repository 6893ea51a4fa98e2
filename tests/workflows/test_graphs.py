"""The viewflow graph (who holds which task) and the FSM (what is legal) must agree."""

import re
from pathlib import Path

from django.core.management import call_command
from viewflow.workflow import flow as vf

from workflows.flows import CouncilSplit, InitiativeFlow, Step
from workflows.lifecycle.actions import ACTIONS
from workflows.lifecycle.graph import fsm_edges, mermaid
from workflows.models import State

TERMINAL = {State.COMMENDED, State.NOT_RECOGNIZED, State.WITHDRAWN, State.RETURNED}
TASKLESS = {"edit", "report_progress", "withdraw", "nominate_up", "report_state", "review"}


def _fsm() -> dict[tuple[str, str], str]:
    return {(e.action, e.source): e.target for e in fsm_edges()}


def _states_entered_by(node) -> set[str]:
    if isinstance(node, Step):
        return {node.state}
    if isinstance(node, CouncilSplit):
        return {n.state for n, _, _ in node._branches}
    if isinstance(node, vf.End):
        return TERMINAL
    raise AssertionError(f"unexpected node {node}")


def test_every_task_performs_exactly_one_legal_fsm_transition_and_lands_where_the_fsm_says():
    fsm = _fsm()
    for step in InitiativeFlow.steps():
        assert step.actions, step.name
        for action in step.actions:
            assert (action, step.state) in fsm, (
                f"{step.name}: FSM has no {action} from {step.state}"
            )
            target = fsm[(action, step.state)]
            dst = step.route(action)
            if isinstance(dst, vf.Join):
                # Joining: either a self-loop while others still work, or the join's exit state.
                assert target == step.state or target in _states_entered_by(dst._next), (
                    step.name,
                    action,
                )
            else:
                assert target in _states_entered_by(dst), (step.name, action, target, dst.name)


def test_every_fsm_transition_has_a_task_unless_it_is_deliberately_taskless():
    offered = {(a, s.state) for s in InitiativeFlow.steps() for a in s.actions}
    without_task = {action for (action, source) in _fsm() if (action, source) not in offered}
    assert without_task == TASKLESS


def test_every_fsm_transition_is_one_registered_action_that_says_who_may():
    # The FSM says what is legal, the registry who may: each transition method is exactly
    # one registry entry's `method`, and each entry names its roles.
    assert {e.action for e in fsm_edges()} == set(ACTIONS)
    assert {e.method for e in fsm_edges()} == {a.method for a in ACTIONS.values()}
    for action in ACTIONS.values():
        assert action.roles, action.name


def test_each_task_is_held_by_the_role_of_the_actions_that_complete_it():
    for step in InitiativeFlow.steps():
        for name in step.actions:
            assert ACTIONS[name].roles == {step.role}, (step.name, name)


def test_the_join_after_scoring_leads_to_the_decision():
    assert InitiativeFlow.instance.scoring_join._next is InitiativeFlow.instance.decide


def test_readme_shows_the_current_lifecycle_picture(capsys):
    call_command("lifecycle_graph")
    drawn = capsys.readouterr().out
    assert drawn == mermaid()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert block, "README.md has no mermaid block"
    assert block.group(1) == drawn, (
        "README's lifecycle picture is stale: paste `manage.py lifecycle_graph`"
    )
