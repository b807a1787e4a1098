"""The organisation directory: one unit whatever name it goes by, a hierarchy without cycles, webhooks
checked, proposed units confirmed."""

from __future__ import annotations

import pytest

from luoshi.errors import AlreadyExists, NotFound
from luoshi.ledger import InvalidValue, Unit
from luoshi.store.orgs import (OrgSummary, as_unit, create_organisation, find_organisation, get_organisation,
                               list_organisations, resolve_unit, update_organisation)


def test_a_unit_is_found_by_any_of_its_names(session):
    org = create_organisation(session, name="市卫生健康委员会")
    assert [find_organisation(session, n).id for n in ("市卫健委", "卫健委", "青山市卫生健康委员会", str(org.id))] == [
        org.id] * 4
    assert find_organisation(session, "市商务局") is None


def test_a_new_name_is_proposed_with_its_full_form_and_alias(session):
    org = resolve_unit(session, "市发改委")
    assert (org.name, org.aliases, org.proposed) == ("市发展和改革委员会", ["市发改委"], True)
    assert resolve_unit(session, "发改委").id == org.id
    update_organisation(session, org_id=org.id, proposed=False)
    assert list_organisations(session, proposed=True) == []


def test_the_hierarchy_has_no_cycles(session):
    city = create_organisation(session, name="市人民政府")
    office = create_organisation(session, name="市人民政府办公室", parent_id=city.id)
    with pytest.raises(InvalidValue) as caught:
        update_organisation(session, org_id=city.id, parent_id=office.id)
    assert str(caught.value) == "不能把市人民政府办公室设为市人民政府的上级单位：市人民政府会成为自己的上级"
    detail = get_organisation(session, org_id=city.id)
    assert (detail.parent, [c.name for c in detail.children]) == (None, ["市人民政府办公室"])


def test_webhooks_are_checked_and_make_the_ledgers_unit(session):
    org = create_organisation(session, name="市商务局")
    with pytest.raises(InvalidValue) as caught:
        update_organisation(session, org_id=org.id, webhook_url="ftp://x")
    assert str(caught.value) == "机器人地址“ftp://x”须以 http:// 或 https:// 开头"
    update_organisation(session, org_id=org.id, webhook_url="https://hook", webhook_format="wecom", mobiles=["139"])
    assert as_unit(org) == Unit(str(org.id), "市商务局", "https://hook", "wecom", ("139",))


def test_names_are_unique_and_unknown_ids_not_found(session):
    create_organisation(session, name="市商务局")
    with pytest.raises(AlreadyExists):
        create_organisation(session, name="商务局")
    with pytest.raises(NotFound):
        get_organisation(session, org_id=99)
    assert list_organisations(session) == [OrgSummary(1, "市商务局", [], None, False, None, 0, 0)]


def test_units_of_two_levels_are_two_organisations(session):
    county = resolve_unit(session, "县住建局")
    district = resolve_unit(session, "区住房和城乡建设局")
    assert county.id != district.id
    assert [resolve_unit(session, n).id for n in ("县住房和城乡建设局", "青溪县住建局")] == [county.id] * 2
    assert resolve_unit(session, "临川区住建局").id == district.id
    assert find_organisation(session, "住建局") is None  # names neither of the two


def test_aliases_of_one_unit_at_one_level_are_one_organisation(session):
    health = resolve_unit(session, "市卫健委")
    planning = resolve_unit(session, "市发改委")
    assert [find_organisation(session, n).id for n in ("市卫生健康委员会", "卫健委", "太仓市卫健委")] == [health.id] * 3
    assert find_organisation(session, "市发展和改革委员会").id == planning.id
    assert find_organisation(session, "县卫健委") is None


def test_the_county_and_district_samples_keep_their_units_apart(session, settings):
    from luoshi.ingest import ingest_paths
    from luoshi.samples import sample_paths

    report = ingest_paths(session, [p for p in sample_paths() if p.name.endswith("minutes_12.txt")
                                    or p.name.startswith("linchuan")], settings=settings)
    assert (report.inserted, report.errors) == (2, [])
    county, district = find_organisation(session, "县住建局"), find_organisation(session, "区住房和城乡建设局")
    assert (county.name, district.name) == ("县住房和城乡建设局", "区住房和城乡建设局")
    assert county.id != district.id
