"""One audit chain per committee (issue #18, part 4; decision 0014).

Before, every transition in the country appended to one chain whose head row was locked until
COMMIT: two provinces queued on it. Each committee now has its own chain; the hash covers the
chain, so an entry cannot be passed off in another; checkpoints and checks are per chain.
"""

import hashlib
import hmac
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from core.errors import Conflict
from units.models import Unit, UnitKind
from workflows import audit, checkpoints, services
from workflows.models import AuditCheck, AuditEntry, AuditHead, State

from .conftest import REGISTRATION, advance, build_world, draft


def draft_b(world):
    """An initiative of the second province (its committee: bdv2)."""
    return services.create_initiative(
        unit=world.units["dept_b"], actor=world.b_staff, year=world.year, **REGISTRATION
    )


def head_of(unit) -> AuditHead:
    return AuditHead.objects.get(committee=unit)


def bypass_triggers(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL session_replication_role = replica")


def test_each_committee_appends_to_its_own_chain(world):
    a = advance(world, draft(world), State.SCREENING)
    b = draft_b(world)
    services.perform(b.pk, "submit", actor=world.b_staff)
    head_a, head_b = head_of(world.units["bdv"]), head_of(world.units["bdv2"])
    in_a = list(AuditEntry.objects.filter(chain=head_a).order_by("chain_seq"))
    in_b = list(AuditEntry.objects.filter(chain=head_b).order_by("chain_seq"))
    # Each chain is numbered from 1 without gaps; its head stands at its last entry.
    assert [e.chain_seq for e in in_a] == list(range(1, len(in_a) + 1)) and len(in_a) >= 4
    assert [e.chain_seq for e in in_b] == [1, 2, 3]  # the campaign, the draft, the submit
    assert (head_a.seq, head_a.last_hash) == (in_a[-1].chain_seq, in_a[-1].hash)
    assert {e.initiative_id for e in in_a} == {None, a.pk}
    assert {e.initiative_id for e in in_b} == {None, b.pk}
    # `seq` still orders every entry across chains.
    assert len({e.seq for e in in_a + in_b}) == len(in_a) + len(in_b)
    # An entry with no committee goes to the global chain.
    with transaction.atomic():
        done = audit.append(committee_id=None, actor_id=None, action="probe")
    assert AuditEntry.objects.get(pk=done.id).chain.committee_id is None
    result = audit.verify()
    assert result.ok and set(result.chains) == {
        "global",
        str(head_a.committee_id),
        str(head_b.committee_id),
    }
    assert result.checked == AuditEntry.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_transition_in_one_committee_does_not_wait_for_another_committees_chain(on_postgres):
    """One connection holds committee A's chain head (as a transition in A does from its
    append to its COMMIT); a transition in committee B commits meanwhile. A transition in A
    waits, and is given up after the lock timeout: the test can tell waiting from not."""
    world = build_world()
    a, b = draft(world), draft_b(world)
    head_a = head_of(world.units["bdv"])
    holder = connections.create_connection("default")
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT seq FROM workflows_audithead WHERE id = %s FOR UPDATE", [head_a.pk]
            )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        started = time.monotonic()
        services.perform(b.pk, "submit", actor=world.b_staff)
        assert time.monotonic() - started < 2.5
        assert AuditEntry.objects.filter(initiative=b, action="submit").exists()
        started = time.monotonic()
        with pytest.raises(Conflict):  # lock_not_available after waiting the 3 s
            services.perform(a.pk, "submit", actor=world.staff)
        assert time.monotonic() - started >= 2.5
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    services.perform(a.pk, "submit", actor=world.staff)  # the head free again
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_in_two_committees_keep_both_chains_whole(on_postgres):
    world = build_world()
    drafts = {"a": [draft(world) for _ in range(4)], "b": [draft_b(world) for _ in range(4)]}
    actors = {"a": world.staff, "b": world.b_staff}
    barrier = threading.Barrier(2)
    errors = []

    def submit(side):
        try:
            barrier.wait()
            for initiative in drafts[side]:
                services.perform(initiative.pk, "submit", actor=actors[side])
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(side,)) for side in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert AuditEntry.objects.filter(action="submit").count() == 8
    result = audit.verify()
    assert result.ok and result.chains[str(world.units["bdv"].pk)].last_good_seq == 9


def test_an_entry_edited_in_a_chain_names_its_chain(world):
    advance(world, draft(world), State.SCREENING)
    b = draft_b(world)
    services.perform(b.pk, "submit", actor=world.b_staff)
    victim = AuditEntry.objects.get(initiative=b, action="submit")
    with connection.cursor() as cursor:
        bypass_triggers(cursor)
        cursor.execute(
            "UPDATE workflows_auditentry SET comment = 'sửa lén' WHERE id = %s", [victim.pk]
        )
    result = audit.verify()
    assert not result.ok and result.problem == "content"
    assert result.chain == str(world.units["bdv2"].pk) and result.broken_seq == victim.chain_seq
    assert result.chains[str(world.units["bdv"].pk)].ok  # the other committee's chain holds
    with pytest.raises(CommandError, match="chuỗi của Ban Dân vận Tỉnh ủy B.*bản ghi số 3"):
        call_command("verify_audit")
    check = AuditCheck.objects.order_by("-pk").first()
    assert check.chain == str(world.units["bdv2"].pk) and check.problem == "content"
    assert check.chains[str(world.units["bdv2"].pk)] == [2, 2, "content"]
    # One committee's chain alone: A's holds, B's does not.
    call_command("verify_audit", committee=world.units["bdv"].pk, verbosity=0)
    assert AuditCheck.objects.order_by("-pk").first().chains.keys() == {str(world.units["bdv"].pk)}
    with pytest.raises(CommandError, match="Tỉnh ủy B"):
        call_command("verify_audit", chain=str(world.units["bdv2"].pk))


def test_a_chain_moved_to_another_committee_is_found(world):
    """Province A's history relabelled as another committee's, holding together as a chain
    (same numbers, same links, heads moved to match): only the hash covering the chain finds
    it."""
    advance(world, draft(world), State.SCREENING)
    head_a = head_of(world.units["bdv"])
    other = Unit.objects.get(pk=world.units["other"].pk).add_child(
        code="BDV3", name="Ban Dân vận C", kind=UnitKind.MASS_MOBILISATION_BOARD, is_committee=True
    )
    with transaction.atomic():
        audit.ensure_head(other.pk)
    head_c = head_of(other)
    with connection.cursor() as cursor:
        bypass_triggers(cursor)
        cursor.execute(
            "UPDATE workflows_auditentry SET chain_id = %s WHERE chain_id = %s",
            [head_c.pk, head_a.pk],
        )
        cursor.execute(
            "UPDATE workflows_audithead SET seq = %s, prev_hash = %s, last_hash = %s WHERE id = %s",
            [head_a.seq, head_a.prev_hash, head_a.last_hash, head_c.pk],
        )
        cursor.execute(
            "UPDATE workflows_audithead SET seq = 0, prev_hash = %s, last_hash = %s WHERE id = %s",
            [audit.GENESIS, audit.GENESIS, head_a.pk],
        )
    result = audit.verify()
    assert not result.ok and result.chain == str(other.pk)
    assert result.problem == "content" and result.broken_seq == 1


def test_an_entry_moved_into_another_chain_is_found(world):
    a = advance(world, draft(world), State.UNIT_REVIEW)
    draft_b(world)  # B's chain, with an entry of its own
    head_a, head_b = head_of(world.units["bdv"]), head_of(world.units["bdv2"])
    moved = AuditEntry.objects.get(initiative=a, action="submit")  # A's last entry
    # Appended to B's chain, linked onto B's last entry, B's head moved onto it; A's head
    # moved back: both chains hold together.
    with connection.cursor() as cursor:
        bypass_triggers(cursor)
        cursor.execute(
            "UPDATE workflows_auditentry SET chain_id = %s, chain_seq = %s, prev_hash = %s "
            "WHERE id = %s",
            [head_b.pk, head_b.seq + 1, head_b.last_hash, moved.pk],
        )
        cursor.execute(
            "UPDATE workflows_audithead SET seq = seq + 1, prev_hash = last_hash, "
            "last_hash = %s WHERE id = %s",
            [moved.hash, head_b.pk],
        )
        before = AuditEntry.objects.get(chain=head_a, chain_seq=moved.chain_seq - 1)
        cursor.execute(
            "UPDATE workflows_audithead SET seq = seq - 1, prev_hash = %s, last_hash = %s "
            "WHERE id = %s",
            [before.prev_hash, before.hash, head_a.pk],
        )
    result = audit.verify(chain=str(world.units["bdv2"].pk))
    assert not result.ok and result.problem == "content" and result.broken_seq == head_b.seq + 1
    assert result.last_good_seq == head_b.seq  # B's own entries before it still hold


def test_a_checkpoint_lists_every_chains_head_and_catches_one_chain_rolled_back(world):
    advance(world, draft(world), State.SCREENING)
    b = draft_b(world)
    services.perform(b.pk, "submit", actor=world.b_staff)
    call_command("verify_audit", verbosity=0)
    head_a, head_b = head_of(world.units["bdv"]), head_of(world.units["bdv2"])
    (written,) = checkpoints.read()
    assert written.heads == {
        str(head_a.committee_id): (head_a.seq, head_a.last_hash),
        str(head_b.committee_id): (head_b.seq, head_b.last_hash),
    }  # the global chain is empty: nothing to pin
    # B's last entry deleted and its head moved back: B holds together, but not with the
    # checkpoint; A is untouched.
    last = AuditEntry.objects.get(chain=head_b, chain_seq=head_b.seq)
    with connection.cursor() as cursor:
        bypass_triggers(cursor)
        cursor.execute("DELETE FROM workflows_auditentry WHERE id = %s", [last.pk])
        before = AuditEntry.objects.get(chain=head_b, chain_seq=head_b.seq - 1)
        cursor.execute(
            "UPDATE workflows_audithead SET seq = seq - 1, prev_hash = %s, last_hash = %s "
            "WHERE id = %s",
            [before.prev_hash, before.hash, head_b.pk],
        )
    result = audit.verify()
    assert not result.ok and result.problem == "rolled_back"
    assert result.chain == str(head_b.committee_id) and result.checkpoint.seq == head_b.seq
    assert result.chains[str(head_a.committee_id)].ok
    # A moves on; the beat job's short check still sees B rolled back and signs nothing.
    advance(world, draft(world), State.UNIT_REVIEW)
    assert audit.checkpoint().problem == "rolled_back"
    assert len(checkpoints.read()) == 1
    # A's chain alone is whole: its own checkpoint moves on.
    call_command("verify_audit", committee=head_a.committee_id, verbosity=0)
    later = checkpoints.read()[-1]
    assert set(later.heads) == {str(head_a.committee_id)}
    assert later.heads[str(head_a.committee_id)][0] > head_a.seq


def test_a_checkpoint_line_from_before_chains_pins_the_global_chain(world, settings):
    """Lines written before chains (seq, hash) were about the one chain, now the global one."""
    ring = audit.keyring()
    fields = {
        "at": "2026-11-30T10:00:00.000000Z",
        "database": checkpoints.database_label(),
        "key_id": ring.current_id,
    }
    # Signed as the service signed lines then (checkpoints.py before chains), not with the
    # function under test.
    message = json.dumps(
        [0, audit.GENESIS, fields["at"], fields["database"], fields["key_id"]],
        separators=(",", ":"),
    )
    sig = hmac.new(ring.current, message.encode("utf-8"), hashlib.sha256).hexdigest()
    checkpoints.path().parent.mkdir(parents=True, exist_ok=True)
    line = {"seq": 0, "hash": audit.GENESIS, **fields, "sig": sig}
    checkpoints.path().write_text(json.dumps(line) + "\n")
    (old,) = checkpoints.read()
    assert old.heads == {"global": (0, audit.GENESIS)}
    forged = line | {"seq": 5}
    checkpoints.path().write_text(json.dumps(forged) + "\n")
    with pytest.raises(checkpoints.CheckpointError, match="bad signature"):
        checkpoints.read()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_one_chain_as_the_global_chain_without_rehashing(
    on_postgres, request
):
    """Entries written before chains (the one chain, seq first in the hash) become the global
    chain as they are; their checkpoint still pins them; new entries go to their chains."""
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before, latest = (
        ("workflows", "0015_task_open_due_index"),
        ("workflows", "0018_audit_chain_seq_required"),
    )

    def to_the_leaves():  # whatever happens, the next tests get every migration back
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    request.addfinalizer(to_the_leaves)
    MigrationExecutor(connection).migrate([before])
    ring, prev, hashes = audit.keyring(), audit.GENESIS, []
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO workflows_audithead (id, seq, prev_hash, last_hash) "
            "VALUES (1, 0, %s, %s) ON CONFLICT (id) DO NOTHING",
            [prev, prev],
        )
        for seq in (1, 2, 3):
            fields = dict(
                at=timezone.now(),
                initiative_id=None,
                actor_id=None,
                on_behalf_of_id=None,
                role="",
                unit_id=None,
                action="probe",
                from_state="",
                to_state="",
                comment=f"cũ {seq}",
                changes={},
                request_id="",
                ip=None,
            )
            digest = audit.chain_hash(
                prev, audit.canonical_payload(seq=seq, **fields), ring.current
            )
            cursor.execute(
                "INSERT INTO workflows_auditentry (seq, at, role, action, from_state, to_state, "
                "comment, changes, request_id, subject_type, prev_hash, hash, key_id) "
                "VALUES (%s, %s, '', 'probe', '', '', %s, '{}', '', '', %s, %s, %s)",
                [seq, fields["at"], fields["comment"], prev, digest, ring.current_id],
            )
            hashes.append(digest)
            prev_before, prev = prev, digest
        cursor.execute(
            "UPDATE workflows_audithead SET seq = 3, prev_hash = %s, last_hash = %s WHERE id = 1",
            [prev_before, prev],
        )
    MigrationExecutor(connection).migrate([latest])
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [(e.chain_id, e.chain_seq, e.hash) for e in entries] == [
        (1, 1, hashes[0]),
        (1, 2, hashes[1]),
        (1, 3, hashes[2]),
    ]  # not re-hashed
    assert AuditHead.objects.get(pk=1).legacy_seq == 3
    result = audit.verify()
    assert result.ok and result.checked == 3 and set(result.chains) == {"global"}
    world = build_world()  # new entries: each committee's chain, and seq goes on after 3
    with transaction.atomic():
        audit.append(committee_id=None, actor_id=None, action="probe")
    result = audit.verify()
    assert result.ok and result.chains["global"].last_good_seq == 4
    assert AuditEntry.objects.filter(chain__committee=world.units["bdv"]).get().seq > 3
    # An old entry edited is still found, in its old form.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE workflows_auditentry SET comment = 'sửa lén' WHERE seq = 2")
        cursor.execute("RESET session_replication_role")
    result = audit.verify()
    assert not result.ok and result.chain == "global" and result.broken_seq == 2
    assert result.problem == "content"
