"""The organisation directory on the web: the office confirms, renames, merges and marks units on the
pages and through the API; others read it only; unit choices list only confirmed units."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from luoshi.store.orgs import resolve_unit
from webfixtures import csrf_of, web, web_sqlite  # noqa: F401


def _proposed(web, name: str) -> int:
    with web.db.session() as s:
        org = resolve_unit(s, name)
        s.commit()
        return org.id


def test_the_list_shows_each_units_status_and_the_office_confirms_from_it(web_sqlite):
    web = web_sqlite
    proposed = _proposed(web, "市文旅局")
    office = web.browser("office")
    listing = office.get("/orgs?status=proposed").text
    assert '<a href="/orgs?status=proposed" class="active">待确认</a>' in listing
    assert f'action="/orgs/{proposed}/confirm"' in listing and "市商务局" not in listing
    confirmed = office.post(f"/orgs/{proposed}/confirm", data={"csrf_token": csrf_of(listing),
                                                               "back": "/orgs?status=proposed"}, follow_redirects=True)
    assert "已确认为单位" in confirmed.text and "市文化和旅游局" not in confirmed.text
    assert "市文化和旅游局" in office.get("/ledger").text  # now a choice of the unit filter
    leader = web.browser("leader").get("/orgs").text
    assert "action=\"/orgs/" not in leader and "市文化和旅游局" in leader


def test_a_merge_on_the_unit_page_moves_the_items_and_lands_on_the_kept_unit(web_sqlite):
    web = web_sqlite
    item = web.item("assigned")  # led by 市商务局 (unit a)
    office = web.browser("office")
    page = office.get(f"/orgs/{web.units['a']}").text
    assert f'<option value="{web.units["b"]}">市财政局</option>' in page
    merged = office.post(f"/orgs/{web.units['a']}/merge", data={"csrf_token": csrf_of(page),
                                                                "into": str(web.units["b"])}, follow_redirects=True)
    assert str(merged.url).endswith(f"/orgs/{web.units['b']}")
    assert "已合并：1 项督办事项、1 个用户和 0 名人员已转入" in merged.text and "别名：市商务局" in merged.text
    assert web.api("office").get(f"/api/items/{item}").json()["lead_units"][0]["name"] == "市财政局"
    assert web.api("unit_a").get(f"/api/items/{item}").status_code == 200  # its liaison moved with it


def test_the_page_says_what_is_wrong_in_chinese(web_sqlite):
    web = web_sqlite
    office = web.browser("office")
    page = office.get(f"/orgs/{web.units['a']}").text
    taken = office.post(f"/orgs/{web.units['a']}/rename", data={"csrf_token": csrf_of(page), "name": "市财政局"})
    assert taken.status_code == 409 and "单位“市财政局”已在名录中（市财政局）：如是同一单位，请使用“合并”" in taken.text
    itself = office.post(f"/orgs/{web.units['a']}/merge", data={"csrf_token": csrf_of(page), "into": ""})
    assert itself.status_code == 422 and "要并入的单位不在单位名录中：请从名录中选择" in itself.text


def test_the_api_manages_the_directory_for_the_office_only(web):
    proposed = _proposed(web, "市文旅局")
    api = web.api("office")
    assert web.api("unit_a").post(f"/api/orgs/{proposed}/confirm").status_code == 403
    assert api.post(f"/api/orgs/{proposed}/not-unit").json()["status"] == "not_unit"
    assert [o["name"] for o in api.get("/api/orgs?status=not_unit").json()] == ["市文化和旅游局"]
    assert api.post(f"/api/orgs/{proposed}/confirm").json()["status"] == "confirmed"
    renamed = api.post(f"/api/orgs/{proposed}/rename", json={"name": "市文化广电和旅游局"}).json()
    assert (renamed["name"], renamed["aliases"]) == ("市文化广电和旅游局", ["市文旅局", "市文化和旅游局"])
    assert api.post(f"/api/orgs/{proposed}/parent", json={"parent_id": web.units["a"]}).json()["parent_id"] == web.units["a"]
    moved = api.post(f"/api/orgs/{proposed}/merge", json={"into": web.units["b"]}).json()
    assert moved == {"kept": web.units["b"], "merged": proposed, "items": 0, "targets": 0, "suggestions": 0,
                     "users": 0, "people": 0}
    assert [o["name"] for o in api.get("/api/orgs").json()] == ["市商务局", "市财政局"]
    missing = api.post("/api/orgs/99999/confirm")
    assert (missing.status_code, missing.json()) == (404, {"detail": "没有这个单位：请从单位名录中选择"})


def test_the_unit_choices_are_shared_until_the_directory_changes(web):
    """Every page's unit filter reads one list, kept while the directory is unchanged: a rename or a new
    unit is chosen at once, and a shared long list renders the choice each page marks."""
    from luoshi.store.models import Organisation
    from luoshi.web.queries import unit_options
    from luoshi.web.render import options

    with web.db.session() as s:
        for n in range(120):
            s.add(Organisation(name=f"测试<局>{n:03d}", key=f"test-unit-{n:03d}", created_at=datetime.now(UTC)))
        s.commit()
    with web.db.session() as s:
        first, again = unit_options(s), unit_options(s)
        renamed = s.scalar(select(Organisation).where(Organisation.name == "测试<局>007"))
        renamed.name = "测试&改名局"
        s.commit()
    with web.db.session() as s:
        after = unit_options(s)
        kept = unit_options(s, keep=[first[0]["id"]])
    assert (first is again, after is first, kept is after) == (True, False, True)  # keep: a unit already listed
    assert [u["name"] for u in after] == sorted(u["name"] for u in after) and "测试&改名局" in [u["name"] for u in after]
    chosen = str(after[5]["id"])
    html = options(after, chosen)
    assert html.count(" selected") == 1 and f'<option value="{chosen}" selected>' in html
    assert "测试&amp;改名局" in html and "测试&lt;局&gt;000" in html and options(after, None).count(" selected") == 0
