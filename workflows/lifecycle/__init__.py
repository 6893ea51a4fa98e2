"""The registration lifecycle of a model or exemplar: its actions (actions), the facts its
transitions wait on (conditions), who is told (audiences), the kind of process the door runs
(kind) and its picture (graph). The FSM is Initiative's methods; the flow is workflows.flows
(its module path is stored on every task row, so it stays where it is)."""
