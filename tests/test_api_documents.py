"""Documents over the API and as pages: upload (multipart) → the stored document and its items; who may
upload and read; the document page with every extracted record highlighted and linked to its item."""

from __future__ import annotations

import re

from conftest import ROOT
from webfixtures import ROLES, csrf_of, web, web_sqlite  # noqa: F401

MINUTES = (ROOT / "luoshi" / "samples" / "qingxi_county_minutes_12.txt").read_bytes()


def upload(client, name="minutes_12.txt", data=MINUTES):
    return client.post("/api/documents", files={"file": (name, data, "text/plain")})


def test_an_upload_stores_the_document_and_proposes_its_items(web):
    response = upload(web.api("office"))
    assert response.status_code == 201, response.text
    body = response.json()
    doc = body["document"]
    assert (body["outcome"], doc["name"], doc["doc_type"], doc["doc_type_label"], doc["title"], doc["issued"]) == (
        "inserted", "minutes_12.txt", "meeting_minutes", "会议纪要", "青溪县人民政府常务会议纪要〔2024〕第12号", "2024-05-20")
    assert len(body["items"]) == 10 and {i["state"] for i in body["items"]} == {"draft"}  # 城区各学校 is no unit
    gas = next(i for i in body["items"] if "老化燃气管道" in i["text"])
    start, end = gas["source"]["span"]
    assert "".join(doc["text"][start:end].split()) == "县住建局要加强城镇燃气安全专项整治，年底前完成老化燃气管道更新改造任务"
    one = web.api("office").get(f"/api/items/{gas['id']}").json()
    assert "".join(one["source"]["text"].split()) == "".join(doc["text"][start:end].split())
    assert (gas["due"], gas["due_text"], [u["name"] for u in gas["lead_units"]]) == ("2024-12-31", "年底前",
                                                                                     ["县住房和城乡建设局"])
    again = upload(web.api("admin")).json()
    assert (again["outcome"], again["document"]["id"]) == ("noop", doc["id"])


def test_who_may_upload_and_read_documents(web_sqlite):
    codes = {role: upload(web_sqlite.api(role), name=f"{role}.txt",
                          data=MINUTES + role.encode()).status_code for role in ROLES}
    assert codes == {"admin": 201, "office": 201, "leader": 403, "unit_a": 403, "unit_b": 403, "congress": 403}
    doc_id = web_sqlite.api("office").get("/api/documents").json()["documents"][0]["id"]
    reads = {role: web_sqlite.api(role).get(f"/api/documents/{doc_id}").status_code for role in ROLES}
    assert reads == {"admin": 200, "office": 200, "leader": 200, "unit_a": 403, "unit_b": 403, "congress": 403}
    missing = web_sqlite.api("office").get("/api/documents/9999")
    assert missing.status_code == 404 and "请从文件列表中重新打开" in missing.json()["detail"]


def test_a_file_that_cannot_be_read_is_422_naming_it(web_sqlite):
    office = web_sqlite.api("office")
    empty, binary = upload(office, "empty.txt", b""), upload(office, "scan.pdf", b"%PDF-1.4 not really")
    assert (empty.status_code, empty.json()) == (422, {"detail": "empty.txt: 文件是空的：请选择有内容的文件"})
    assert binary.status_code == 422 and binary.json()["detail"].startswith("scan.pdf: ")


def test_the_document_page_highlights_every_record_and_links_the_items(web_sqlite):
    body = upload(web_sqlite.api("office")).json()
    doc_id = body["document"]["id"]
    html = web_sqlite.browser("office").get(f"/documents/{doc_id}").text
    linked = re.findall(r'<mark class="item" id="item-(\d+)" title="[^"]*"><a href="/items/(\d+)">([^<]*)</a>', html)
    assert sorted(int(a) for a, b, _ in linked) == sorted(i["id"] for i in body["items"])
    assert all(a == b for a, b, _ in linked)
    gas = next(i for i in body["items"] if "老化燃气管道" in i["text"])
    sentence = "县住建局要加强城镇燃气安全专项整治，年底前完成老化燃气管道更新改造任务"
    assert (str(gas["id"]), str(gas["id"]), sentence) in [(a, b, "".join(t.split())) for a, b, t in linked]


def test_uploading_through_the_page(web_sqlite):
    client = web_sqlite.browser("office")
    token = csrf_of(client.get("/documents/upload").text)
    response = client.post("/documents/upload", data={"csrf_token": token},
                           files={"file": ("minutes_12.txt", MINUTES, "text/plain")})
    assert response.status_code == 200 and "已上传《minutes_12.txt》：新文件，抽取督办事项 10 项，待确认" in response.text
    bad = client.post("/documents/upload", data={"csrf_token": token}, files={"file": ("x.txt", b"", "text/plain")})
    assert bad.status_code == 422 and "上传失败：x.txt: 文件是空的：请选择有内容的文件" in bad.text
