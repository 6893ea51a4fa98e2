"""What both dataset generators share: COPY into a model's table, and the audit chain writer.

`Copier` streams rows into one table with PostgreSQL's COPY (several times faster than
bulk_create's INSERTs); the columns a generator does not give get the field's default, once.
`AuditChain` is the one place that numbers, links, hashes and writes audit entries and sets
the chain's head: it goes through workflows.audit's own helpers (keyring, entry_payload,
chain_hash), so a change to how the chain is built is made here and nowhere else.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone
from viewflow.workflow.token import Token

from units.models import Role, Unit
from workflows import audit
from workflows.models import AuditEntry, AuditHead, State

START = Token("start")

# The path an initiative walks: (action, step node name, role, state after).
PATH = [
    ("submit", "prepare", Role.UNIT_STAFF, State.UNIT_REVIEW),
    ("approve", "review", Role.UNIT_HEAD, State.SCREENING),
    ("accept", "screening", Role.COMMITTEE_REVIEWER, State.IMPLEMENTING),
    ("nominate", "implement", Role.UNIT_HEAD, State.SCORING),
    ("close_scoring", "close_scoring", Role.COMMITTEE_LEADER, State.DECIDING),
    ("recognize", "decide", Role.COMMITTEE_LEADER, State.RECOGNIZED),
    ("commend", "commend", Role.COMMITTEE_LEADER, State.COMMENDED),
]
OPEN_STEP = {  # the task an initiative in this state waits on
    State.DRAFT: ("prepare", Role.UNIT_STAFF),
    State.UNIT_REVIEW: ("review", Role.UNIT_HEAD),
    State.SCREENING: ("screening", Role.COMMITTEE_REVIEWER),
    State.IMPLEMENTING: ("implement", Role.UNIT_HEAD),
    State.SCORING: ("close_scoring", Role.COMMITTEE_LEADER),
    State.DECIDING: ("decide", Role.COMMITTEE_LEADER),
    State.RECOGNIZED: ("commend", Role.COMMITTEE_LEADER),
}
STEPS_DONE = {  # how many PATH steps an initiative in this state has done
    State.DRAFT: 0,
    State.UNIT_REVIEW: 1,
    State.SCREENING: 2,
    State.IMPLEMENTING: 3,
    State.SCORING: 4,
    State.DECIDING: 5,
    State.RECOGNIZED: 6,
    State.COMMENDED: 7,
    State.NOT_RECOGNIZED: 5,
    State.WITHDRAWN: 2,
}
# Past years are settled; the current year is spread over every open state.
PAST_STATES = [
    (State.COMMENDED, 25),
    (State.RECOGNIZED, 20),
    (State.NOT_RECOGNIZED, 25),
    (State.WITHDRAWN, 10),
    (State.IMPLEMENTING, 20),  # never nominated
]
CURRENT_STATES = [
    (State.DRAFT, 10),
    (State.UNIT_REVIEW, 12),
    (State.SCREENING, 12),
    (State.IMPLEMENTING, 30),
    (State.SCORING, 8),
    (State.DECIDING, 6),
    (State.RECOGNIZED, 6),
    (State.COMMENDED, 6),
    (State.NOT_RECOGNIZED, 5),
    (State.WITHDRAWN, 5),
]


def seg(i: int) -> str:
    out = ""
    for _ in range(Unit.steplen):
        i, r = divmod(i, len(Unit.alphabet))
        out = Unit.alphabet[r] + out
    return out


def node_ref(name: str) -> str:
    return f"workflows/flows.InitiativeFlow.{name}"


def _constant(field):
    value = field.get_default()
    if value is None:
        if field.null:
            return None
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            return timezone.now()
        raise ValueError(f"{field.model.__name__}.{field.name} needs a value")
    if isinstance(field, JSONField):
        return json.dumps(value, ensure_ascii=False)
    value = field.get_prep_value(value)
    if isinstance(value, (str, int, float, bool, datetime.date)) or value is None:
        return value
    return str(value)


class Copier:
    """COPY rows into `model`'s table: each row gives `columns` in order; every other column
    (but an identity primary key that is not named) takes its field's default."""

    def __init__(self, model, columns: Sequence[str], *, chunk: int = 20000):
        self.model = model
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns and not (f.primary_key and f.column not in columns)
        ]
        self.columns = list(columns) + [f.column for f in fields]
        self.tail = tuple(_constant(f) for f in fields)
        self.chunk = chunk
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.chunk:
            self.flush()

    def extend(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        statement = f"COPY {table} ({cols}) FROM STDIN"
        tail = self.tail
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in self.rows:
                copy.write_row(row + tail)
        self.count += len(self.rows)
        self.rows = []


def set_sequences(*models) -> None:
    """After rows written with explicit ids: each table's id sequence past its largest id."""
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"COALESCE((SELECT max(id) FROM {quoted}), 0) + 1, false)",
                [table],
            )


class AuditChain:
    """Writes audit entries in valid hash chains, one per committee, as workflows.audit.append
    would have, in batches: `write` takes a batch (AuditEntry objects, or dicts of their
    fields) in any order with the committee of each entry's initiative, chains it in time
    order after what was written before, and COPYs it; `close` sets the heads and the order
    across chains. Batches must come in time order (one year after another)."""

    def __init__(self) -> None:
        self.ring = audit.keyring()  # keyed, as the door writes it
        self.seq = 0  # the order across chains
        # committee id -> [its head, its last chain seq, the hash before the last, last hash]
        self.chains: dict[int, list] = {}
        self.count = 0
        fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.json = {f.attname for f in fields if isinstance(f, JSONField)}
        audit.ensure_head()  # the global chain, for entries of no committee

    def _chain(self, committee_id: int) -> list:
        chain = self.chains.get(committee_id)
        if chain is None:
            head = AuditHead.objects.create(committee_id=committee_id)
            chain = self.chains[committee_id] = [head, 0, audit.GENESIS, audit.GENESIS]
        return chain

    def write(self, entries: list, committee_of: dict[int, int]) -> None:
        """`committee_of`: the committee of each entry's initiative (its campaign's)."""

        # The chains in time order, as a live service writes them: the committees' entries
        # interleave in the order across chains instead of coming committee by committee.
        def key(e):
            return (e["at"], e["initiative_id"]) if isinstance(e, dict) else (e.at, e.initiative_id)

        entries.sort(key=key)
        copier = Copier(AuditEntry, self.columns)
        ring, current = self.ring, self.ring.current
        attnames, json_fields = self.attnames, self.json
        for item in entries:
            entry = AuditEntry(**item) if isinstance(item, dict) else item
            chain = self._chain(committee_of[entry.initiative_id])
            self.seq += 1
            chain[1] += 1
            entry.seq = self.seq
            entry.chain_id, entry.chain_seq = chain[0].pk, chain[1]
            entry.prev_hash = chain[2] = chain[3]
            entry.key_id = ring.current_id
            entry.hash = chain[3] = audit.chain_hash(
                entry.prev_hash, audit.entry_payload(entry, chain[0]), current
            )
            copier.add(
                tuple(
                    json.dumps(getattr(entry, a), ensure_ascii=False)
                    if a in json_fields
                    else getattr(entry, a)
                    for a in attnames
                )
            )
        copier.flush()
        self.count += len(entries)

    def close(self) -> None:
        for head, chain_seq, before_last, last_hash in self.chains.values():
            AuditHead.objects.filter(pk=head.pk).update(
                seq=chain_seq, last_hash=last_hash, prev_hash=before_last
            )
        with connection.cursor() as cursor:  # the order across chains goes on from here
            cursor.execute("SELECT setval(%s, %s)", [audit.SEQUENCE, max(self.seq, 1)])
