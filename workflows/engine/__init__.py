"""The engine every kind of process runs on: actions declared once (actions), the page form and
API body derived from them (inputs), a kind of process (kinds) and the one door (door).

A kind of process (the registration lifecycle in workflows.lifecycle, and the kinds that build
on it) brings its FSM model, its registry of actions, its access rule and who is told; the door,
the audit trail and the outbox are the same for all (docs/how-an-action-flows.md).
"""
