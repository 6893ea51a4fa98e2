"""A second kind of process, declared only here, runs through the same door, audit trail and
outbox as the registration lifecycle (ARCHITECTURE.md "One door for every kind of process"):
its own FSM model and registry of actions, nothing copied."""

import pytest
from django.conf import settings
from django.db import connection, models
from django_fsm import FSMField, transition

from core.errors import NotAllowed, NotFound, ReasonRequired, UnknownAction, WrongState
from notifications.models import Outbox
from notifications.services import Message
from workflows import audit
from workflows.access import Acting
from workflows.engine import door
from workflows.engine.actions import Action, Bar, Registry
from workflows.engine.kinds import ProcessKind
from workflows.models import AuditEntry

pytestmark = pytest.mark.postgres  # the table is created inside the test's transaction


class Memo(models.Model):
    """A unit's memo: drafted, sent, approved by someone other than its sender."""

    state = FSMField(default="draft")
    title = models.CharField(max_length=100)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        app_label = "engine_tests"

    def __str__(self) -> str:
        return self.title

    def get_state_display(self) -> str:
        return self.state

    @transition(field=state, source="draft", target="sent")
    def send(self, *, by) -> None:
        self.sent_by = by

    @transition(field=state, source="sent", target="approved")
    def approve(self) -> None:
        pass


class Send(Action):
    def prepare(self, ctx) -> dict:
        return {"by": ctx.principal}


NOT_SENDER = Bar("not_sender", lambda memo, person: memo.sent_by_id == person.pk, "tự duyệt")


class MemoKind(ProcessKind):
    name = "test_memo"
    model = Memo
    actions = Registry(
        [
            Send("send", "Gửi", roles=["writer"], told=["approvers"], message="gửi"),
            Action(
                "approve",
                "Duyệt",
                roles=["writer", "approver"],
                bars=[NOT_SENDER],
                needs_reason=True,
                told=["sender"],
                message="duyệt",
            ),
        ]
    )

    def __init__(self, roles: dict):
        self.roles = roles  # user id → role; anyone else is outside the scope

    def require_acting(self, subject, actor, action):
        role = self.roles.get(actor.pk)
        if role is None:
            raise NotFound()
        if role not in action.roles or action.barred(subject, actor):
            raise NotAllowed()
        return Acting(actor, None)

    def messages(self, ctx):
        if ctx.action.name == "send":
            return [Message(pk, "task") for pk, r in self.roles.items() if r == "approver"]
        return [Message(ctx.subject.sent_by_id, "unit")]


@pytest.fixture
def memos(db, on_postgres):
    with connection.schema_editor() as editor:
        editor.create_model(Memo)
    # No teardown: the table goes with the test's transaction (PostgreSQL's DDL is
    # transactional).


def test_a_second_kind_goes_through_the_same_door_audit_trail_and_outbox(memos, world):
    kind = MemoKind({world.staff.pk: "writer", world.head.pk: "approver"})
    memo = Memo.objects.create(title="Công văn 1")

    sent = door.perform(kind, memo.pk, "send", actor=world.staff)
    assert sent.state == "sent" and sent.sent_by_id == world.staff.pk

    # The same refusals as the registration lifecycle, from the same door.
    with pytest.raises(NotFound):
        door.perform(kind, memo.pk, "approve", actor=world.leader, comment="x")
    with pytest.raises(NotAllowed):  # separation of duties: the sender may not approve
        door.perform(kind, memo.pk, "approve", actor=world.staff, comment="x")
    with pytest.raises(ReasonRequired):
        door.perform(kind, memo.pk, "approve", actor=world.head)
    with pytest.raises(UnknownAction):
        door.perform(kind, memo.pk, "reject", actor=world.head)
    with pytest.raises(WrongState):
        door.perform(kind, memo.pk, "send", actor=world.staff)

    approved = door.perform(kind, memo.pk, "approve", actor=world.head, comment="Đồng ý")
    assert approved.state == "approved"

    entries = AuditEntry.objects.filter(subject_type="test_memo", subject_id=memo.pk)
    assert [(e.action, e.from_state, e.to_state, e.actor_id) for e in entries.order_by("seq")] == [
        ("send", "draft", "sent", world.staff.pk),
        ("approve", "sent", "approved", world.head.pk),
    ]
    assert all(e.initiative_id is None for e in entries)
    assert entries.get(action="send").changes["sent_by_id"] == [None, world.staff.pk]
    assert audit.verify().ok  # the chain holds entries of both kinds

    told = Outbox.objects.filter(subject_type="test_memo", subject_id=memo.pk)
    assert {(r.event, r.recipient_id) for r in told} == {
        ("send", world.head.pk),
        ("approve", world.staff.pk),
    }
