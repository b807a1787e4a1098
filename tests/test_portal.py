"""The public portal: off by default; the office publishes and withdraws a document (page and API); without
login only published documents are reachable, with their handed-out items, targets and confirmed
promise-versus-delivery links — never drafts, progress texts, reasons or staff names."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conftest import ROOT
from luoshi.ingest import ingest_file
from luoshi.store import items as store_items
from luoshi.store.delivery import confirm_link, list_delivery
from luoshi.store.models import AdminEntryRow, ItemRow
from webfixtures import OFFICE, UNITS, csrf_of, web  # noqa: F401

SAMPLES = ROOT / "luoshi" / "samples"
SECRET_PROGRESS = "内部进展：资金缺口尚未落实"
SECRET_REASON = "内部意见：方案需重新论证"


@pytest.fixture
def site(web):
    """The minutes (one item handed to unit a with a progress report, one cancelled, the rest drafts) and the
    2024 and 2025 work reports (the 2024 promises' links confirmed), nothing published."""
    ids = {}
    with web.db.session() as s:
        for name in ("minutes", "report_2024", "report_2025"):
            path = {"minutes": "qingxi_county_minutes_12.txt", "report_2024": "qingxi_2024_work_report.txt",
                    "report_2025": "qingxi_2025_work_report.txt"}[name]
            ids[name] = ingest_file(s, str(SAMPLES / path), settings=web.settings).document_id
        first, second = s.scalars(select(ItemRow.id).where(ItemRow.document_id == ids["minutes"])
                                  .order_by(ItemRow.id).limit(2)).all()
        steps = [(OFFICE, "confirm", {}), (OFFICE, "assign", {"lead_units": [UNITS["a"]], "due": "2030-06-30"}),
                 (web.actor("unit_a"), "accept", {}),
                 (web.actor("unit_a"), "report_progress", {"text": SECRET_PROGRESS, "percent": 30})]
        for version, (actor, action, payload) in enumerate(steps, 1):
            store_items.act(s, item_id=first, actor=actor, action=action, expected_version=version,
                            settings=web.settings, **payload)
        store_items.act(s, item_id=second, actor=OFFICE, action="cancel", expected_version=1, reason=SECRET_REASON,
                        settings=web.settings)
        for link in list_delivery(s, year=2024).links:
            confirm_link(s, link_id=link.id, actor=OFFICE)
        ids["handed_out"], ids["cancelled"] = first, second
        ids["titles"] = {i: s.get(ItemRow, i).title for i in (first, second)}
    return web, ids


def publish(web, document_id, published=True, username="office"):
    return web.api(username).post(f"/api/documents/{document_id}/{'publish' if published else 'unpublish'}")


def test_nothing_is_public_by_default(site):
    web, ids = site
    anonymous = web.browser()
    assert "暂无公开的文件" in anonymous.get("/public").text
    assert anonymous.get("/api/public/documents").json() == []
    for name in ("minutes", "report_2024", "report_2025"):
        assert anonymous.get(f"/public/documents/{ids[name]}").status_code == 404
        assert anonymous.get(f"/api/public/documents/{ids[name]}").status_code == 404
    assert anonymous.get("/public/documents/999").status_code == 404
    assert anonymous.get("/api/public/documents/abc").status_code == 404


def test_the_office_publishes_and_withdraws_on_the_publishing_page(site):
    web, ids = site
    office = web.browser("office")
    page = office.get("/publishing").text
    response = office.post(f"/publishing/{ids['minutes']}", data={"published": "1", "csrf_token": csrf_of(page)},
                           follow_redirects=False)
    assert response.status_code == 303
    assert "已公开" in office.get("/publishing").text
    assert [d["id"] for d in web.browser().get("/api/public/documents").json()] == [ids["minutes"]]
    office.post(f"/publishing/{ids['minutes']}", data={"published": "0", "csrf_token": csrf_of(page)})
    assert web.browser().get(f"/public/documents/{ids['minutes']}").status_code == 404
    with web.db.session() as s:
        logged = s.scalars(select(AdminEntryRow.type).where(AdminEntryRow.subject == f"document:{ids['minutes']}")
                           .order_by(AdminEntryRow.seq)).all()
    assert logged[-2:] == ["document_published", "document_unpublished"]


def test_the_document_page_links_the_office_to_its_publishing_row(site):
    web, ids = site
    link = f'href="/publishing#doc-{ids["minutes"]}"'
    assert link in web.browser("office").get(f"/documents/{ids['minutes']}").text
    assert link not in web.browser("leader").get(f"/documents/{ids['minutes']}").text
    assert f'id="doc-{ids["minutes"]}"' in web.browser("office").get("/publishing").text


def test_publishing_needs_the_office_and_a_csrf_token(site):
    web, ids = site
    for username in ("unit_a", "leader", "congress"):
        assert publish(web, ids["minutes"], username=username).status_code == 403
        assert web.browser(username).get("/publishing").status_code == 403
    assert web.api().post(f"/api/documents/{ids['minutes']}/publish").status_code == 401
    assert web.browser("office").post(f"/publishing/{ids['minutes']}", data={"published": "1"}).status_code == 403
    assert publish(web, 999).status_code == 404
    assert web.browser().get("/api/public/documents").json() == []


def test_a_published_minutes_shows_handed_out_items_without_internal_notes_or_staff(site):
    web, ids = site
    assert publish(web, ids["minutes"]).json() == {"id": ids["minutes"], "published": True}
    anonymous = web.browser()
    html = anonymous.get(f"/public/documents/{ids['minutes']}").text
    data = anonymous.get(f"/api/public/documents/{ids['minutes']}").json()
    assert [(i["title"], i["units"], i["due"], i["state_label"], i["progress"]) for i in data["items"]] == [
        (ids["titles"][ids["handed_out"]], [UNITS["a"]], "2030-06-30", "办理中", 30)]
    assert ids["titles"][ids["handed_out"]] in html and "办理中" in html
    assert ids["titles"][ids["cancelled"]] not in html  # cancelled, and the drafts, are not public
    for text in (html, str(data)):
        for secret in (SECRET_PROGRESS, SECRET_REASON, "office", "unit_a", "-名", "luoshi-ingest", "退出"):
            assert secret not in text


def test_promise_and_delivery_only_between_published_reports(site):
    web, ids = site
    publish(web, ids["report_2025"])
    anonymous = web.browser()
    assert anonymous.get(f"/api/public/documents/{ids['report_2025']}").json()["delivery"] == []
    publish(web, ids["report_2024"])
    data = anonymous.get(f"/api/public/documents/{ids['report_2025']}").json()
    assert len(data["delivery"]) >= 20
    first = data["delivery"][0]
    assert first["promise_document"]["id"] == ids["report_2024"]
    assert first["result_document"]["id"] == ids["report_2025"]
    assert {d["verdict_label"] for d in data["delivery"]} <= {"已兑现", "未兑现", "待核实"}
    assert {d["verdict"] for d in data["delivery"]} >= {"achieved"}
    html = anonymous.get(f"/public/documents/{ids['report_2025']}").text
    assert 'id="public-delivery"' in html and first["promise"] in html and first["result"] in html
    plan = anonymous.get(f"/api/public/documents/{ids['report_2024']}").json()
    assert len(plan["targets"]) == 43 and plan["targets"][0]["indicator"] == "地区生产总值"
    assert len(plan["delivery"]) == len(data["delivery"])


def test_the_portal_list_links_each_published_document(site):
    web, ids = site
    publish(web, ids["minutes"])
    publish(web, ids["report_2024"])
    html = web.browser().get("/public").text
    for name in ("minutes", "report_2024"):
        assert f'href="/public/documents/{ids[name]}"' in html
    assert f'href="/public/documents/{ids["report_2025"]}"' not in html
    assert '<header class="topbar">' not in html  # no staff menu, no user
