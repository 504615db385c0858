"""Coordinator household pages as a person uses them: form, pin, pairing, import, geocoding."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User as TestUser
from sqlmodel import Session, col, select

from models import AuditEntry, GeocodeStatus, Household, NeedCategory, Pairing
from services.households.records import coverage_counts
from services.map.geocoding import GeocodingUnavailable, set_geocoder
from tests.helpers import account, eventually, sign_in


@pytest.fixture(autouse=True)
def no_process_geocoder() -> Iterator[None]:
    yield
    set_geocoder(None)


async def signed_in(user: TestUser, login: str) -> None:
    await sign_in(user, login)
    await user.should_see(marker="menu", retries=100)  # argon2 runs off the event loop: give it time


def value_of(user: TestUser, marker: str) -> object:
    return next(iter(user.find(marker=marker).elements)).value  # type: ignore[attr-defined]


def household_named(session: Session, name: str) -> Household | None:
    session.expire_all()
    household = session.exec(select(Household).where(Household.head_name == name)).first()
    session.commit()  # end the read: with SQLite every transaction holds the write lock the app needs
    return household


async def test_coordinator_creates_pins_and_pairs_a_household_the_member_then_sees(
        user: TestUser, create_user: Callable[[], TestUser], demo: Session) -> None:
    member1_name = account(demo, "member1").name
    demo.commit()
    await signed_in(user, "coord")
    await user.open("/admin/households/new")
    user.find(marker="area").click()
    user.find("望江路街道 / 锦江社区").click()
    user.find(marker="head_name").type("Test Household")
    user.find(marker="address").type("1 Test Road")
    user.find(marker="phone").type("13911112222")
    user.find(marker="needs").click()
    user.find("Low income").click()
    user.find(marker="lat").type("30.6501")
    user.find(marker="lng").type("104.0901")
    user.find(marker="save").click()
    await user.should_see("Paired members", retries=20)

    household = household_named(demo, "Test Household")
    assert household is not None
    assert (household.lat, household.lng, household.geocode_status) == (30.6501, 104.0901, GeocodeStatus.manual)
    assert (household.area_id, household.phone) == (2, "13911112222")

    user.find(marker="pair-member").click()
    user.find(f"{member1_name} (member1)").click()
    user.find(marker="pair").click()
    await user.should_see("End pairing")

    member = create_user()
    await signed_in(member, "member1")
    await member.open("/")
    await member.should_see("Test Household")


async def test_member_is_sent_away_from_the_admin_pages(user: TestUser, demo: Session) -> None:
    await signed_in(user, "member1")
    for path in ("/admin/households", "/admin/households/1", "/admin/households/import", "/admin/needs"):
        await user.open(path)
        await user.should_see("My households")
        await user.should_not_see("New household")
        await user.should_not_see("Paired members")


async def test_empty_address_keeps_what_was_typed_and_says_why(user: TestUser, demo: Session) -> None:
    await signed_in(user, "coord")
    await user.open("/admin/households/new")
    user.find(marker="head_name").type("Keep Me")
    user.find(marker="phone").type("13911113333")
    user.find(marker="save").click()
    await user.should_see("Enter the address.")
    assert value_of(user, "head_name") == "Keep Me"
    assert value_of(user, "phone") == "13911113333"
    address = next(iter(user.find(marker="address").elements))
    assert address.error == "Enter the address."  # type: ignore[attr-defined]
    assert household_named(demo, "Keep Me") is None


async def test_household_outside_the_coordinators_area_is_not_found(user: TestUser, demo: Session) -> None:
    coord = account(demo, "coord")
    coord.area_id = 2  # coordinator of 锦江社区 only
    demo.add(coord)
    demo.commit()
    other = demo.exec(select(Household).where(Household.area_id == 3)).first()
    demo.commit()
    assert other is not None
    await signed_in(user, "coord")
    await user.open(f"/admin/households/{other.id}")
    await user.should_see("This record does not exist or you do not have access to it.")
    await user.should_not_see(other.head_name)
    await user.should_not_see("Paired members")


async def test_opening_a_household_is_an_audited_read_and_its_pairing_can_end(user: TestUser, demo: Session) -> None:
    coord, member = account(demo, "coord"), account(demo, "member1")
    pairing = demo.exec(select(Pairing).where(Pairing.member_id == member.id, col(Pairing.ended_at).is_(None))).first()
    assert pairing is not None
    household = demo.get(Household, pairing.household_id)
    assert household is not None
    demo.commit()
    await signed_in(user, "coord")
    await user.open(f"/admin/households/{household.id}")
    await user.should_see("Paired members")
    await user.should_see(marker=f"pairing-{pairing.id}")
    demo.rollback()  # a fresh read: the page wrote the entry on another connection
    reads = demo.exec(select(AuditEntry).where(AuditEntry.action == "household.read")).all()
    assert [(e.actor_id, e.record_id) for e in reads] == [(coord.id, str(household.id))]
    demo.commit()

    user.find(marker=f"end-pairing-{pairing.id}").click()
    await user.should_see("No member is paired with this household yet.")

    def ended() -> bool:
        demo.rollback()  # a fresh read: the pairing is ended on another connection
        return demo.exec(select(Pairing.ended_at).where(Pairing.id == pairing.id)).one() is not None

    await eventually(ended)
    demo.commit()


async def test_geocoding_unavailable_is_said_and_households_stay_pending(user: TestUser, demo: Session) -> None:
    class Offline:
        def lookup(self, address: str) -> tuple[float, float] | None:
            raise GeocodingUnavailable("no network")

    set_geocoder(Offline())
    demo.add(Household(area_id=2, head_name="Waiting Wang", address="5 Unknown Lane"))
    demo.commit()
    await signed_in(user, "coord")
    await user.open("/admin/households")
    user.find(marker="geocode").click()
    await user.should_see("Geocoding is unavailable right now; the households stay in the list for later.",
                          retries=30)
    household = household_named(demo, "Waiting Wang")
    assert household is not None and household.geocode_status == GeocodeStatus.pending


async def test_geocoding_places_and_lists_unresolved(user: TestUser, demo: Session) -> None:
    class Fake:
        def lookup(self, address: str) -> tuple[float, float] | None:
            return (30.65, 104.09) if address == "1 Known Road" else None

    set_geocoder(Fake())
    demo.add(Household(area_id=2, head_name="Known Kong", address="1 Known Road"))
    demo.add(Household(area_id=3, head_name="Lost Liu", address="9 Lost Lane"))
    demo.commit()
    await signed_in(user, "coord")
    await user.open("/admin/households")
    user.find(marker="geocode").click()
    await user.should_see("1 placed on the map, 1 could not be found.", retries=30)
    await user.should_see("Addresses that need a pin dropped by hand")
    await user.should_see("Lost Liu · 9 Lost Lane")


async def test_overdue_filter_from_the_overview_link(user: TestUser, demo: Session) -> None:
    total, overdue = coverage_counts(demo, account(demo, "coord"), 30)
    demo.commit()
    assert 0 < overdue < total
    await signed_in(user, "coord")
    await user.open("/admin/households?overdue=1")
    assert value_of(user, "overdue-only") is True
    await user.should_see(f"{overdue} households")
    user.find(marker="overdue-only").click()
    await user.should_see(f"{total} households")


CSV_WITH_BAD_ROW = "head_name,address,phone,needs\nGood Gu,1 Road,13911110000,Low income\nBad Bai,2 Road,12ab,\n"
CSV_GOOD = "head_name,address,phone,needs\nGood Gu,1 Road,13911110000,Low income\nFine Fu,2 Road,,低收入\n"


async def upload(user: TestUser, name: str, text: str) -> None:
    uploader = next(iter(user.find(marker="import-upload").elements))
    await uploader.handle_uploads([SmallFileUpload(name, "text/csv", text.encode())])  # type: ignore[attr-defined]


async def test_import_page_shows_row_errors_then_imports_a_clean_file(user: TestUser, demo: Session) -> None:
    await signed_in(user, "coord")
    await user.open("/admin/households/import")
    await upload(user, "list.csv", CSV_WITH_BAD_ROW)
    await user.should_see("Row 3, phone: Enter a valid phone number.", retries=30)
    assert not next(iter(user.find(marker="import-commit").elements)).enabled
    assert household_named(demo, "Good Gu") is None

    await upload(user, "list.csv", CSV_GOOD)
    await user.should_see("Import 2 households", retries=30)
    await user.should_not_see("Row 3, phone")
    user.find(marker="import-commit").click()
    await user.should_see("Imported 2 households.", retries=30)
    await user.should_see(marker="back-to-households")
    for name in ("Good Gu", "Fine Fu"):
        household = household_named(demo, name)
        assert household is not None and household.area_id == 1


async def test_import_refuses_an_oversized_upload(user: TestUser, demo: Session) -> None:
    await signed_in(user, "coord")
    await user.open("/admin/households/import")
    await upload(user, "big.csv", "head_name,address\n" + "x" * (5 * 1024 * 1024))
    await user.should_see("The file is larger than 5 MB. Split it into smaller files.", retries=30)


async def test_needs_list_add_and_switch_off(user: TestUser, demo: Session) -> None:
    await signed_in(user, "coord")
    await user.open("/admin/needs")
    user.find(marker="need-name-zh").type("行动不便")
    user.find(marker="need-name-en").type("Limited mobility")
    user.find(marker="add-need").click()
    await user.should_see("行动不便 · Limited mobility")
    user.find(marker="need-active-1").click()

    def switched_off() -> bool:
        demo.rollback()  # a fresh read: the switch is saved by another connection
        return demo.get(NeedCategory, 1).active is False  # type: ignore[union-attr]

    await eventually(switched_off)
    demo.commit()
