"""The register: numbers per issuing unit, year and kind, in order, once, with no gap, under
concurrent use too; only the people who issue a unit's documents take its numbers."""

import datetime
import threading

import pytest
from django.db import connections, transaction

from accounts.models import User
from core.errors import InvalidData, NotAllowed
from documents.models import DocumentKind, IssuerProfile, RegisteredDocument
from documents.services import register_document
from units.models import Membership, Role, Unit, UnitKind
from workflows.models import Delegation

pytestmark = pytest.mark.django_db


def _person(username, *roles):
    user = User.objects.create_user(username=username, password="x", full_name=username.title())
    for unit, role in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def units():
    province = Unit.add_root(code="TU", name="Tỉnh ủy A", kind=UnitKind.PARTY_COMMITTEE)
    bdv = province.add_child(
        code="BDV",
        name="Ban Dân vận Tỉnh ủy A",
        short_name="BDVTU",
        kind=UnitKind.MASS_MOBILISATION_BOARD,
        is_committee=True,
    )
    ubnd = province.add_child(
        code="UBND_A", name="Ủy ban nhân dân tỉnh A", kind=UnitKind.PEOPLES_COMMITTEE
    )
    dept = province.add_child(
        code="SNN", name="Sở Nông nghiệp", short_name="Sở NN", kind=UnitKind.DEPARTMENT
    )
    return {"province": province, "bdv": bdv, "ubnd": ubnd, "dept": dept}


def test_numbers_run_per_issuer_year_and_kind_in_the_party_and_state_forms(units):
    leader = _person("leader", (units["bdv"], Role.COMMITTEE_LEADER))
    clerk = _person("clerk", (units["ubnd"], Role.UNIT_STAFF))
    day = datetime.date(2026, 3, 2)
    first = register_document(
        actor=leader, issuer=units["bdv"], kind=DocumentKind.PLAN, title="Kế hoạch", issued_on=day
    )
    second = register_document(
        actor=leader, issuer=units["bdv"], kind=DocumentKind.PLAN, title="Kế hoạch 2", issued_on=day
    )
    decision = register_document(
        actor=leader, issuer=units["bdv"], kind="decision", title="Quyết định", issued_on=day
    )
    next_year = register_document(
        actor=leader,
        issuer=units["bdv"],
        kind=DocumentKind.PLAN,
        title="Kế hoạch năm sau",
        issued_on=datetime.date(2027, 1, 5),
    )
    state = register_document(
        actor=clerk, issuer=units["ubnd"], kind=DocumentKind.PROPOSAL, title="Tờ trình"
    )
    assert [first.symbol, second.symbol, decision.symbol] == [
        "1-KH/BDVTU",
        "2-KH/BDVTU",
        "1-QĐ/BDVTU",
    ]
    assert (next_year.year, next_year.symbol) == (2027, "1-KH/BDVTU")
    # A short name with a space is no symbol: the code stands in until a profile names one.
    assert state.symbol == "1/TTr-UBND_A"
    IssuerProfile.objects.create(unit=units["ubnd"], symbol="UBND")
    units["ubnd"].refresh_from_db()
    again = register_document(
        actor=clerk, issuer=units["ubnd"], kind=DocumentKind.PROPOSAL, title="Tờ trình 2"
    )
    assert again.symbol == "2/TTr-UBND"
    # What was issued keeps the symbol it was issued under.
    state.refresh_from_db()
    assert state.symbol == "1/TTr-UBND_A"
    assert first.created_by == leader and first.issued_on == day and first.year == 2026


def test_only_people_who_issue_the_units_documents_take_its_numbers(units):
    leader = _person("leader", (units["bdv"], Role.COMMITTEE_LEADER))
    member = _person("member", (units["bdv"], Role.COUNCIL_MEMBER))
    auditor = _person("auditor", (units["bdv"], Role.AUDITOR))
    above = _person("above", (units["province"], Role.UNIT_HEAD))
    outsider = _person("outsider", (units["dept"], Role.UNIT_HEAD))
    substitute = _person("substitute")
    for person in (member, auditor, above, outsider, substitute):
        with pytest.raises(NotAllowed):
            register_document(actor=person, issuer=units["bdv"], kind="plan", title="Kế hoạch")
    today = datetime.date.today()
    Delegation.objects.create(
        principal=leader,
        substitute=substitute,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    doc = register_document(actor=substitute, issuer=units["bdv"], kind="plan", title="Kế hoạch")
    assert doc.number == 1 and doc.created_by == substitute
    assert RegisteredDocument.objects.count() == 1


def test_bad_input_is_refused_without_taking_a_number(units):
    leader = _person("leader", (units["bdv"], Role.COMMITTEE_LEADER))
    with pytest.raises(InvalidData) as error:
        register_document(actor=leader, issuer=units["bdv"], kind="memo", title="X")
    assert "kind" in error.value.field_errors
    with pytest.raises(InvalidData) as error:
        register_document(actor=leader, issuer=units["bdv"], kind="plan", title="  ")
    assert "title" in error.value.field_errors
    with pytest.raises(InvalidData) as error:
        register_document(
            actor=leader,
            issuer=units["bdv"],
            kind="plan",
            title="X",
            year=2025,
            issued_on=datetime.date(2026, 1, 2),
        )
    assert "issued_on" in error.value.field_errors
    assert RegisteredDocument.objects.count() == 0


def test_a_rolled_back_transaction_gives_its_number_back(units):
    leader = _person("leader", (units["bdv"], Role.COMMITTEE_LEADER))
    register_document(actor=leader, issuer=units["bdv"], kind="decision", title="Một")
    with pytest.raises(RuntimeError), transaction.atomic():
        register_document(actor=leader, issuer=units["bdv"], kind="decision", title="Hai")
        raise RuntimeError("the decision could not be recorded")
    third = register_document(actor=leader, issuer=units["bdv"], kind="decision", title="Ba")
    assert third.number == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_requests_get_ten_different_numbers_without_a_gap(on_postgres):
    province = Unit.add_root(code="TU", name="Tỉnh ủy A", kind=UnitKind.PARTY_COMMITTEE)
    bdv = province.add_child(
        code="BDV", name="Ban Dân vận", short_name="BDVTU", kind=UnitKind.MASS_MOBILISATION_BOARD
    )
    people = [_person(f"p{i}", (bdv, Role.COMMITTEE_REVIEWER)) for i in range(10)]
    barrier = threading.Barrier(len(people))
    numbers: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def take(person, i):
        try:
            barrier.wait()
            # The first request of the year creates the register's counter row; the others
            # race for it too.
            doc = register_document(actor=person, issuer=bdv, kind="plan", title=f"Kế hoạch {i}")
            with lock:
                numbers.append(doc.number)
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(p, i)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == list(range(1, 11))
    assert sorted(RegisteredDocument.objects.values_list("number", flat=True)) == list(range(1, 11))
