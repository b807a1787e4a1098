"""Managing the organisation directory: confirm a proposed unit, mark a name as no unit, rename (the old name
an alias), set the parent, merge two (items, users, names and sub-units move; the merged row stays for the
history; an audit entry), and the unit choices list only confirmed units."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from luoshi.errors import AlreadyExists
from luoshi.ledger import Actor, Conflict, InvalidValue, Role
from luoshi.search import search
from luoshi.store import items as store_items
from luoshi.store.anchor import verify_users
from luoshi.store.models import AdminEntryRow
from luoshi.store.orgs import (Merged, confirm_organisation, create_organisation, find_organisation,
                               get_organisation, list_organisations, mark_not_unit, merge_organisations,
                               rename_organisation, resolve_unit, set_parent)
from luoshi.store.users import create_user, get_user
from luoshi.web.queries import unit_options

OFFICE = Actor("dc1", Role.SUPERVISOR, name="督查室")


def _statuses(session) -> dict[str, str]:
    return {o.name: o.status for o in list_organisations(session)}


def _last_admin(session) -> dict:
    return json.loads(session.scalars(select(AdminEntryRow.event).order_by(AdminEntryRow.seq.desc())).first())


def test_a_proposed_unit_is_confirmed_or_marked_as_none_and_only_confirmed_ones_are_choices(session):
    kept = create_organisation(session, name="县财政局")
    proposed, misread = resolve_unit(session, "县住建局"), resolve_unit(session, "县长办公会")
    session.commit()
    assert _statuses(session) == {"县住房和城乡建设局": "proposed", "县财政局": "confirmed", "县长办公会": "proposed"}
    confirm_organisation(session, org_id=proposed.id, by=OFFICE)
    mark_not_unit(session, org_id=misread.id, by=OFFICE)
    assert _statuses(session) == {"县住房和城乡建设局": "confirmed", "县财政局": "confirmed", "县长办公会": "not_unit"}
    assert [o.name for o in list_organisations(session, status="not_unit")] == ["县长办公会"]
    assert [u["name"] for u in unit_options(session)] == ["县住房和城乡建设局", "县财政局"]
    assert [u["name"] for u in unit_options(session, keep=[str(misread.id)])] == ["县住房和城乡建设局", "县财政局", "县长办公会"]
    assert _last_admin(session)["type"] == "organisation_updated" and _last_admin(session)["data"]["not_unit"] is True
    assert kept.id != proposed.id


def test_a_renamed_unit_keeps_its_old_name_as_an_alias(session):
    org = create_organisation(session, name="县旅游局")
    other = create_organisation(session, name="县文化局")
    rename_organisation(session, org_id=org.id, name="县文化广电和旅游局", by=OFFICE)
    assert (find_organisation(session, "县旅游局").id, find_organisation(session, "县文化广电和旅游局").id) == (org.id, org.id)
    assert get_organisation(session, org_id=org.id).summary.aliases == ["县旅游局"]
    assert _last_admin(session)["data"] == {"name": "县文化广电和旅游局", "previous_name": "县旅游局", "aliases": ["县旅游局"]}
    with pytest.raises(AlreadyExists) as caught:
        rename_organisation(session, org_id=org.id, name="县文化局", by=OFFICE)
    assert str(caught.value) == "单位“县文化局”已在名录中（县文化局）：如是同一单位，请使用“合并”"
    assert other.name == "县文化局"


def test_the_parent_is_set_and_cleared(session):
    city, office = create_organisation(session, name="县人民政府"), create_organisation(session, name="县政府办公室")
    set_parent(session, org_id=office.id, parent_id=city.id, by=OFFICE)
    assert [c.name for c in get_organisation(session, org_id=city.id).children] == ["县政府办公室"]
    set_parent(session, org_id=office.id, parent_id=None, by=OFFICE)
    assert get_organisation(session, org_id=city.id).children == []


def test_a_merge_moves_items_users_names_and_sub_units_and_keeps_the_merged_row(session, settings):
    keep = create_organisation(session, name="县住房和城乡建设局")
    gone = create_organisation(session, name="县建设局", aliases=["县建委"])
    child = create_organisation(session, name="县建设局城建监察大队", parent_id=gone.id)
    other = create_organisation(session, name="县财政局")
    led_by_gone = store_items.create_item(session, actor=OFFICE, kind="task", title="旧城改造燃气管网", text="旧城改造燃气管网",
                                          lead_units=[str(gone.id)], co_units=[str(other.id)], settings=settings).id
    both = store_items.create_item(session, actor=OFFICE, kind="task", title="保障性住房", text="保障性住房",
                                   lead_units=[str(gone.id)], co_units=[str(keep.id)], settings=settings).id
    liaison = create_user(session, username="jianshe", password="secret-123", role="unit", unit=gone.id)
    moved = merge_organisations(session, keep_id=keep.id, merge_id=gone.id, by=OFFICE)
    assert moved == Merged(keep.id, gone.id, items=2, targets=0, suggestions=0, users=1, people=0)
    lead_and_co = {i: (store_items.load_item(session, item_id=i, actor=OFFICE).lead_units,
                       store_items.load_item(session, item_id=i, actor=OFFICE).co_units) for i in (led_by_gone, both)}
    assert lead_and_co == {led_by_gone: ((str(keep.id),), (str(other.id),)), both: ((str(keep.id),), ())}
    assert get_user(session, user_id=liaison.id).unit_name == "县住房和城乡建设局" and verify_users(session) == []
    assert get_organisation(session, org_id=keep.id).summary.aliases == ["县建设局", "县建委"]
    assert [c.id for c in get_organisation(session, org_id=keep.id).children] == [child.id]
    assert find_organisation(session, "县建设局").id == keep.id and find_organisation(session, str(gone.id)).id == keep.id
    assert [o.name for o in list_organisations(session)] == ["县住房和城乡建设局", "县建设局城建监察大队", "县财政局"]
    assert [(h.ref_id, h.unit) for h in search(session, "燃气管网", kinds=["item"]).hits] == [(str(led_by_gone), "县住房和城乡建设局")]
    entry = _last_admin(session)
    assert (entry["type"], entry["subject"], entry["data"]["merged_name"], entry["data"]["moved"]) == (
        "organisation_merged", f"organisation:{keep.id}", "县建设局",
        {"items": 2, "targets": 0, "suggestions": 0, "users": 1, "people": 0})


def test_a_merge_is_refused_into_itself_or_from_a_unit_merged_already(session):
    a, b = create_organisation(session, name="县水利局"), create_organisation(session, name="县水务局")
    with pytest.raises(InvalidValue) as caught:
        merge_organisations(session, keep_id=a.id, merge_id=a.id)
    assert str(caught.value) == "不能把单位并入它自己：请选择另一个单位"
    merge_organisations(session, keep_id=a.id, merge_id=b.id)
    with pytest.raises(Conflict) as caught:
        merge_organisations(session, keep_id=a.id, merge_id=b.id)
    assert str(caught.value) == "单位“县水务局”已并入“县水利局”：请刷新单位名录后重试"
