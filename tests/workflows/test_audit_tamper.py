"""Rewriting the audit chain is refused, or found (the hardening issue, part 3).

The tampering below is what someone with the database (and the code) could do; each test
failed before the hardening: TRUNCATE passed, nothing outside the database remembered where the
chain stood, and the hash was an unkeyed sha256 anyone could recompute.
"""

import hashlib
import json
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from workflows import audit, checkpoints, services, tasks
from workflows.models import AuditCheck, AuditEntry, AuditHead, State

from .conftest import advance, build_world, draft


def test_postgres_refuses_truncate_of_the_audit_trail(world, on_postgres):
    advance(world, draft(world), State.UNIT_REVIEW)
    with connection.cursor() as cursor:  # as if in a transaction of its own
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in ("workflows_auditentry", "workflows_audithead"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert audit.verify().ok and AuditEntry.objects.count() >= 2


@pytest.mark.django_db(transaction=True)
def test_a_superuser_flush_still_empties_the_database_for_tests(on_postgres):
    with transaction.atomic():
        audit.append(committee_id=None, actor_id=None, action="probe")
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEntry.objects.exists()


@pytest.fixture
def app_role(on_postgres):
    """A restricted role for this test database (roles are per cluster: the name carries the
    database's, so parallel runs do not meet); dropped afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("the test database's user cannot create roles")
    role = f"dvk_app_{connection.settings_dict['NAME']}"[:63]
    call_command("grant_app_role", role, verbosity=0)
    call_command("grant_app_role", role, verbosity=0)  # idempotent
    audit.ensure_head()  # migration 0002 made it; the flush after another test took it away
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


@contextmanager
def connected_as(role: str):
    """The service's own connection (django.db.connection), logged in as `role`."""
    params = connection.settings_dict
    owner = params["USER"]
    connections.close_all()
    params["USER"] = role
    try:
        yield
    finally:
        connections.close_all()
        params["USER"] = owner


def refused(sql: str, match: str) -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_the_restricted_role_appends_but_cannot_rewrite_the_trail(app_role):
    with connected_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
        world = build_world()  # the whole door works as this role
        initiative = advance(world, draft(world), State.SCREENING)
        count = AuditEntry.objects.count()
        assert count >= 3
        for sql, match in (
            ("TRUNCATE workflows_auditentry", "permission denied"),
            ("TRUNCATE workflows_audithead", "permission denied"),
            ("ALTER TABLE workflows_auditentry DISABLE TRIGGER ALL", "must be owner"),
            (
                "ALTER TABLE workflows_auditentry DISABLE TRIGGER workflows_auditentry_append_only",
                "must be owner",
            ),
            ("DROP TRIGGER workflows_auditentry_no_truncate ON workflows_auditentry", "owner"),
            ("SET session_replication_role = replica", "permission denied"),
            ("UPDATE workflows_auditentry SET comment = 'sửa lén'", "permission denied"),
            ("DELETE FROM workflows_auditentry", "permission denied"),
            ("DELETE FROM workflows_audithead", "permission denied"),
            (
                "INSERT INTO workflows_audithead (id, seq, prev_hash, last_hash) "
                "VALUES (2, 0, '', '')",
                "permission denied",
            ),
            (  # a committee's chain starts at the genesis: the role names only its committee
                "INSERT INTO workflows_audithead (committee_id, seq) "
                f"VALUES ({world.units['dept'].pk}, 5)",
                "permission denied",
            ),
            (
                f"UPDATE workflows_audithead SET committee_id = {world.units['dept'].pk}",
                "permission denied",
            ),
            ("UPDATE workflows_audithead SET legacy_seq = 0", "permission denied"),
            ("ALTER TABLE workflows_auditentry OWNER TO CURRENT_USER", "must be owner"),
            ("CREATE TABLE workflows_sneaky (id int)", "permission denied"),
            # The year partitions (decision 0015) are reached through the table only.
            *(
                (f"{verb} workflows_auditentry_y{timezone.localdate().year}{rest}", "permission")
                for verb, rest in (
                    ("UPDATE", " SET comment = 'sửa lén'"),
                    ("DELETE FROM", ""),
                    ("TRUNCATE", ""),
                    ("SELECT * FROM", ""),
                )
            ),
            ("TRUNCATE workflows_auditentry_ydefault", "permission denied"),
        ):
            refused(sql, match)
        assert AuditEntry.objects.count() == count
        assert audit.verify().ok
        call_command("verify_audit", verbosity=0)
        # and appends still work after all that
        services.perform(initiative.pk, "accept", actor=world.reviewer)
        assert audit.verify().ok and AuditEntry.objects.count() == count + 1


def test_grant_app_role_refuses_a_superuser_or_the_owner(on_postgres, db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        me = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owner|superuser"):
        call_command("grant_app_role", me, verbosity=0)
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", "postgres", verbosity=0)


# ---------------------------------------------------------------------------------------------
# Rewriting the chain as someone with the database and the code (not the key) would


def bypass_triggers(cursor) -> None:
    if connection.vendor == "postgresql":
        # The tables' owner would disable the triggers; the test's superuser does the same.
        cursor.execute("SET LOCAL session_replication_role = replica")


def sha256_link(prev: str, entry: AuditEntry) -> str:
    """The chain's formula as the code published it before keys: anyone can compute it."""
    return hashlib.sha256((prev + audit.entry_payload(entry)).encode("utf-8")).hexdigest()


def main_chain() -> AuditHead:
    """The chain the tests' transitions go to: the first province's committee's."""
    return AuditHead.objects.get(committee__code="BDVTU")


def rewrite(
    edit_seq: int,
    *,
    comment: str,
    from_seq: int | None = None,
    blank_keys: bool = True,
    head: AuditHead | None = None,
) -> None:
    """Edit entry `edit_seq` of the main chain (its comment) and re-hash the chain with plain
    sha256 from `from_seq` (default: the edited entry) to the end, then move the head to match:
    a chain that holds together on its own."""
    from_seq = edit_seq if from_seq is None else from_seq
    head = head or main_chain()
    entries = list(AuditEntry.objects.filter(chain=head).order_by("chain_seq"))
    prev = audit.GENESIS
    with connection.cursor() as cursor:
        bypass_triggers(cursor)
        for entry in entries:
            if entry.chain_seq >= from_seq:
                if entry.chain_seq == edit_seq:
                    entry.comment = comment
                entry.prev_hash = prev
                entry.hash = sha256_link(prev, entry)
                key_sql = ", key_id = ''" if blank_keys and hasattr(entry, "key_id") else ""
                cursor.execute(
                    f"UPDATE workflows_auditentry SET comment = %s, prev_hash = %s, hash = %s"
                    f"{key_sql} WHERE id = %s",
                    [entry.comment, entry.prev_hash, entry.hash, entry.pk],
                )
            prev = entry.hash
        last = entries[-1]
        cursor.execute(
            "UPDATE workflows_audithead SET seq = %s, prev_hash = %s, last_hash = %s WHERE id = %s",
            [last.chain_seq, last.prev_hash, last.hash, head.pk],
        )


def test_a_rehashed_tail_is_found_even_when_it_drops_the_key_ids(world):
    advance(world, draft(world), State.IMPLEMENTING)
    victim = AuditEntry.objects.filter(chain=main_chain()).order_by("chain_seq")[1]
    rewrite(victim.chain_seq, comment="sửa lén", blank_keys=False)
    result = audit.verify()
    assert not result.ok and result.problem == "content" and result.broken_seq == victim.chain_seq
    assert result.chain == str(world.units["bdv"].pk)
    rewrite(victim.chain_seq, comment="sửa lén", blank_keys=True)  # pass the tail off as pre-key
    result = audit.verify()
    # In a committee's chain no entry was ever unkeyed.
    assert not result.ok and result.problem == "downgrade"
    assert result.broken_seq == victim.chain_seq
    with pytest.raises(CommandError, match=f"số {victim.chain_seq}"):
        call_command("verify_audit")


def write_legacy_entries(n: int) -> list[AuditEntry]:
    """Entries as the code before keyed hashes (and chains) wrote them: plain sha256, no key
    id, no chain in the hash; migration 0017 put them in the global chain up to `legacy_seq`."""
    audit.ensure_head()
    head = AuditHead.objects.get(committee=None)
    AuditHead.objects.filter(pk=head.pk).update(legacy_seq=head.seq + n)
    head.refresh_from_db()
    prev, seq, written = head.last_hash, head.seq, []
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for i in range(n):
        seq += 1
        last += 1
        entry = AuditEntry(
            seq=last,
            chain=head,
            chain_seq=seq,
            at=timezone.now(),
            action="probe",
            comment=f"cũ {i}",
        )
        entry.prev_hash = prev
        entry.hash = prev = sha256_link(prev, entry)
        entry.save()
        written.append(entry)
    AuditHead.objects.filter(pk=head.pk).update(
        seq=seq, prev_hash=written[-1].prev_hash, last_hash=prev
    )
    if connection.vendor == "postgresql":  # the order across chains goes on after them
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s)", [audit.SEQUENCE, last])
    return written


def test_entries_chained_before_keys_still_verify(db):
    legacy = write_legacy_entries(3)
    assert {e.key_id for e in legacy} == {""}
    world = build_world()
    advance(world, draft(world), State.SCREENING)
    keyed = AuditEntry.objects.exclude(pk__in=[e.pk for e in legacy])
    assert keyed.count() >= 3 and set(keyed.values_list("key_id", flat=True)) == {
        audit.keyring().current_id
    }
    result = audit.verify()
    assert result.ok and result.checked == AuditEntry.objects.count()
    call_command("verify_audit", verbosity=0)


def test_key_rotation_old_entries_verify_with_the_old_key_kept(db, settings):
    settings.AUDIT_HMAC_KEY = "khóa-cũ-0123456789abcdef"
    old_id = audit.keyring().current_id
    world = build_world()
    advance(world, draft(world), State.UNIT_REVIEW)
    call_command("verify_audit", verbosity=0)  # a checkpoint signed with the old key
    settings.AUDIT_HMAC_KEY = "khóa-mới-fedcba9876543210"
    settings.AUDIT_HMAC_OLD_KEYS = ["khóa-cũ-0123456789abcdef"]
    new_id = audit.keyring().current_id
    assert new_id != old_id
    advance(world, draft(world), State.UNIT_REVIEW)
    assert set(AuditEntry.objects.values_list("key_id", flat=True)) == {old_id, new_id}
    assert audit.verify().ok  # the entries and the checkpoint under the old key still hold
    call_command("verify_audit", verbosity=0)
    assert [c.key_id for c in checkpoints.read()] == [old_id, new_id]
    settings.AUDIT_HMAC_OLD_KEYS = []  # the old key dropped too early
    result = audit.verify()
    assert not result.ok and result.problem == "checkpoint"  # its checkpoint cannot be checked
    checkpoints.path().unlink()
    result = audit.verify()
    assert not result.ok and result.problem == "unknown_key" and result.detail == old_id
    first = AuditEntry.objects.order_by("seq").first()
    assert result.broken_seq == first.chain_seq == 1


def test_the_default_key_is_derived_from_the_secret_key(settings):
    settings.AUDIT_HMAC_KEY = ""
    settings.SECRET_KEY = "một-khóa-bí-mật"
    first = audit.keyring()
    settings.SECRET_KEY = "khóa-khác"
    assert audit.keyring().current_id != first.current_id
    settings.AUDIT_HMAC_KEY = audit.derived_key("một-khóa-bí-mật")
    assert audit.keyring().current_id == first.current_id


# ---------------------------------------------------------------------------------------------
# Signed checkpoints outside the database: where the chain stood


def cut_tail(n: int, head: AuditHead | None = None) -> int:
    """Delete the last `n` entries of a chain (the main one) and move its head back onto the
    one before: a chain that holds together on its own. Returns the new last chain seq."""
    head = head or main_chain()
    entries = AuditEntry.objects.filter(chain=head)
    last_seq = head.seq - n
    last = entries.filter(chain_seq=last_seq).first()
    with connection.cursor() as cursor:
        bypass_triggers(cursor)
        cursor.execute(
            "DELETE FROM workflows_auditentry WHERE chain_id = %s AND chain_seq > %s",
            [head.pk, last_seq],
        )
        cursor.execute(
            "UPDATE workflows_audithead SET seq = %s, prev_hash = %s, last_hash = %s WHERE id = %s",
            [
                last_seq,
                last.prev_hash if last else audit.GENESIS,
                last.hash if last else audit.GENESIS,
                head.pk,
            ],
        )
    return last_seq


def in_main_chain() -> int:
    return AuditEntry.objects.filter(chain=main_chain()).count()


def test_a_deleted_tail_and_a_rolled_back_head_are_caught_by_the_checkpoint(world, client):
    advance(world, draft(world), State.IMPLEMENTING)
    call_command("verify_audit", verbosity=0)  # the chain is whole: a checkpoint is written
    stood_at = in_main_chain()
    last = cut_tail(2)
    result = audit.verify()
    assert not result.ok and result.problem == "rolled_back"
    assert result.broken_seq == last + 1 and result.last_good_seq == last
    assert result.checkpoint.seq == stood_at and result.chain == str(world.units["bdv"].pk)
    assert result.chains["global"].ok and result.chains[str(world.units["bdv2"].pk)].ok
    with pytest.raises(
        CommandError, match=f"Ban Dân vận Tỉnh ủy A.*điểm mốc .* bản ghi số {stood_at}"
    ):
        call_command("verify_audit")
    check = AuditCheck.objects.order_by("-pk").first()
    assert check.problem == "rolled_back" and check.checkpoint_seq == stood_at
    client.force_login(world.auditor)
    body = client.get(reverse("workflows:audit_chain")).content.decode()
    assert f"nguyên vẹn đến mục #{last}" in body
    assert "điểm mốc đã ký lúc" in body and f"đã đến mục #{stood_at}" in body
    assert len(checkpoints.read()) == 1  # a broken chain is never checkpointed


def test_an_emptied_table_and_a_reset_head_are_caught_by_the_checkpoint(world):
    advance(world, draft(world), State.SCREENING)
    call_command("verify_audit", verbosity=0)
    cut_tail(in_main_chain())  # as TRUNCATE would, had the trigger not refused it
    assert not AuditEntry.objects.filter(chain=main_chain()).exists()
    result = audit.verify()
    assert not result.ok and result.problem == "rolled_back" and result.broken_seq == 1


def test_an_edited_and_wholly_rehashed_chain_is_caught_by_the_checkpoint(db, client):
    # Only the global chain's entries from before keys (and chains) can be re-hashed without
    # the key and still pass for entries; a committee's chain is keyed from its first entry.
    write_legacy_entries(3)
    world = build_world()
    advance(world, draft(world), State.UNIT_REVIEW)
    call_command("verify_audit", verbosity=0)
    (written,) = checkpoints.read()
    assert written.pin("global").seq == 3
    # Edit an entry before the checkpoint and re-hash the chain from its start: it holds
    # together, but no longer meets the checkpoint.
    rewrite(2, comment="sửa lén", from_seq=1, head=AuditHead.objects.get(committee=None))
    result = audit.verify()
    assert not result.ok and result.problem == "rehashed" and result.chain == "global"
    assert result.broken_seq == 3 and result.last_good_seq == 0
    assert result.checkpoint.seq == 3
    with pytest.raises(CommandError, match="chuỗi chung.*bản ghi số 3 khác với điểm mốc"):
        call_command("verify_audit")
    client.force_login(world.auditor)
    body = client.get(reverse("workflows:audit_chain")).content.decode()
    assert "Mã băm của mục #3 khác với điểm mốc đã ký lúc" in body
    # The beat job's short check (from the furthest checkpoint on) sees it too.
    assert tasks.audit_checkpoint() is False
    # A committee's chain re-hashed the same way is a downgrade at its first entry.
    rewrite(1, comment="sửa lén", head=main_chain())
    result = audit.verify(chain=str(world.units["bdv"].pk))
    assert not result.ok and result.problem == "downgrade" and result.broken_seq == 1


def test_the_beat_job_checks_what_came_since_the_checkpoint_and_signs_a_new_one(
    world, settings, mailoutbox
):
    assert settings.CELERY_BEAT_SCHEDULE["workflows-audit-checkpoint"]["task"] == (
        tasks.audit_checkpoint.name
    )
    settings.AUDIT_CHECKPOINT_EMAILS = ["kiemtra@example.org"]
    initiative = advance(world, draft(world), State.SCREENING)
    assert tasks.audit_checkpoint() is True
    head = main_chain()
    name = str(head.committee_id)
    (written,) = checkpoints.read()
    assert written.heads[name] == (head.seq, head.last_hash)
    other = AuditHead.objects.get(committee=world.units["bdv2"])
    assert written.heads == {
        name: (head.seq, head.last_hash),
        str(other.committee_id): (other.seq, other.last_hash),
    }  # every chain's head (the global chain is empty here)
    assert tasks.audit_checkpoint() is True and len(checkpoints.read()) == 1  # nothing new
    (mail,) = mailoutbox
    assert mail.to == ["kiemtra@example.org"] and "2 chuỗi" in mail.subject
    assert written.line in mail.body and f"{name}: #{head.seq} {head.last_hash}" in mail.body
    services.perform(initiative.pk, "accept", actor=world.reviewer)
    assert tasks.audit_checkpoint() is True
    assert [c.pin(name).seq for c in checkpoints.read()] == [head.seq, head.seq + 1]
    # The file is JSON lines, each signed.
    lines = checkpoints.path().read_text().splitlines()
    assert [set(json.loads(x)) for x in lines] == [{"heads", "at", "database", "key_id", "sig"}] * 2
    cut_tail(1)
    assert tasks.audit_checkpoint() is False
    check = AuditCheck.objects.get()  # recorded for the auditor's page
    assert not check.ok and check.problem == "rolled_back"
    assert len(checkpoints.read()) == 2  # no checkpoint hides the rollback
    assert mailoutbox[-1].subject == "Chuỗi nhật ký bị phá vỡ"
    assert "điểm mốc" in mailoutbox[-1].body


def test_a_checkpoint_line_the_service_did_not_sign_is_reported(world):
    advance(world, draft(world), State.UNIT_REVIEW)
    call_command("verify_audit", verbosity=0)
    (good,) = checkpoints.path().read_text().splitlines()
    record = json.loads(good)
    forged = record | {"heads": {k: [1, v[1]] for k, v in record["heads"].items()}}
    with checkpoints.path().open("a") as f:
        f.write(json.dumps(forged) + "\n")
    result = audit.verify()
    assert not result.ok and result.problem == "checkpoint" and result.detail == "2:bad signature"
    with pytest.raises(CommandError, match="dòng 2 .*chữ ký sai"):
        call_command("verify_audit")


def test_a_chain_replaced_on_purpose_sets_its_checkpoints_aside(world):
    advance(world, draft(world), State.UNIT_REVIEW)
    call_command("verify_audit", verbosity=0)
    kept = checkpoints.set_aside()
    assert kept.exists() and not checkpoints.path().exists() and checkpoints.read() == []
    assert checkpoints.set_aside() is None
