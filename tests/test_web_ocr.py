"""Scans and photos uploaded through the web: read by OCR in the background with a progress page, then a
document whose items highlight their sentence on the page image; clear refusals before any OCR."""

from __future__ import annotations

import io
import re
import time

import pytest

from conftest import ROOT, _skip_or_fail
from luoshi.store.pages import ocr_map
from luoshi.text.ocr_layout import LOW_CONFIDENCE
from webfixtures import csrf_of, web_sqlite  # noqa: F401

SAMPLE = ROOT / "luoshi" / "samples" / "qingxi_county_minutes_12.txt"


def scan_png() -> bytes:
    from luoshi.samples.scan import render

    buffer = io.BytesIO()
    render(SAMPLE.read_text(encoding="utf-8"), dpi=150)[0].image.save(buffer, "PNG")
    return buffer.getvalue()


def post_upload(client, name: str, data: bytes):
    token = csrf_of(client.get("/documents/upload").text)
    return client.post("/documents/upload", data={"csrf_token": token}, files={"file": (name, data, "image/png")},
                       follow_redirects=False)


def wait_for(client, url: str, seconds: float = 300) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(url).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"the OCR job did not finish in {seconds} s: {job}")


def test_a_photo_is_read_in_the_background_and_its_items_highlight_their_boxes(web_sqlite):
    from luoshi.text import ocr

    if not ocr.available():
        _skip_or_fail("the OCR engine is not installed: pip install -e '.[ocr]'")
    office = web_sqlite.browser("office")
    response = post_upload(office, "minutes_12.png", scan_png())
    assert response.status_code == 303
    job_url = response.headers["location"]
    assert re.fullmatch(r"/documents/jobs/\d+", job_url)
    progress = office.get(job_url).text
    assert 'id="ocr-progress" max="1"' in progress and "《minutes_12.png》" in progress
    job = wait_for(web_sqlite.api("office"), "/api" + job_url)
    assert {k: job[k] for k in ("state", "state_label", "pages_done", "pages_total", "outcome", "error")} == {
        "state": "done", "state_label": "识别完成", "pages_done": 1, "pages_total": 1, "outcome": "inserted",
        "error": None}
    assert office.get(job_url, headers={"HX-Request": "true"}).headers["HX-Redirect"] == job["document_url"]

    doc = web_sqlite.api("office").get(f"/api/documents/{job['document_id']}").json()
    assert (doc["doc_type"], doc["record"]["issuer"]) == ("meeting_minutes", "青溪县人民政府办公室")
    items = web_sqlite.api("office").get(f"/api/items?document={job['document_id']}").json()["items"]
    html = office.get(job["document_url"]).text
    boxed = {int(i) for i in re.findall(r'<rect class="box item[^"]*" data-item="(\d+)"', html)}
    assert items and boxed == {i["id"] for i in items}  # every item's sentence is framed on the page image
    with web_sqlite.db.session() as s:
        scan = ocr_map(s, job["document_id"])
    assert html.count('<rect class="doubt"') == sum(1 for *_, conf in scan.chars if conf < LOW_CONFIDENCE)
    # An item rests on its source span (a draft's runs from its decision's heading through its directives).
    doubtful = [i["id"] for i in items if scan.doubtful(*i["source"]["span"])]
    assert any("check_original" in _node(doc["record"], i["source"]["path"]) for i in items) <= bool(doubtful)
    for item in items:  # the item page says on which page of the scan its sentence is, and whether to check it
        page = office.get(f"/items/{item['id']}").text
        assert ('id="source-page"' in page, 'id="check-original"' in page) == (True, item["id"] in doubtful)
    image = office.get(f"{job['document_url']}/pages/1")
    assert (image.status_code, image.headers["content-type"], image.content[:2]) == (200, "image/jpeg", b"\xff\xd8")
    assert web_sqlite.browser("unit_a").get(f"{job['document_url']}/pages/1").status_code == 403


def test_a_scan_without_the_ocr_engine_is_refused_saying_what_to_install(web_sqlite, monkeypatch):
    from luoshi.text import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    response = web_sqlite.api("office").post("/api/documents", files={"file": ("scan.png", scan_png(), "image/png")})
    assert response.status_code == 422
    assert response.json() == {"detail": "scan.png: 这是扫描件或图片，需要文字识别（OCR）组件才能读取：请管理员安装 "
                                         "pip install 'luoshi[ocr]' 后重新上传"}


def test_a_scan_over_the_page_budget_is_refused_before_any_ocr(web_sqlite, monkeypatch):
    from luoshi.text import ocr

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(web_sqlite.settings, "ocr_page_budget", 0)
    response = web_sqlite.api("office").post("/api/documents", files={"file": ("scan.png", scan_png(), "image/png")})
    assert (response.status_code, response.json()) == (422, {"detail": "scan.png: 有 1 页需要文字识别，超过每份文件 0 页"
                                                                       "的上限：请拆分文件后分别上传，或请管理员调高 "
                                                                       "LUOSHI_OCR_PAGE_BUDGET"})


def _node(record, path: str) -> dict:
    """The object at a record path like `items[0].tasks[1]`."""
    node = record
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        node = node[key] if key else node[int(index)]
    return node


def test_jobs_left_queued_are_taken_up_when_a_process_starts_and_run_once(web_sqlite):
    from luoshi import scans
    from luoshi.web.uploads import job_dict

    with web_sqlite.db.session() as s:
        good = scans.submit(s, name="minutes_12.txt", data=SAMPLE.read_bytes(), pages=0, actor=web_sqlite.actor("office"))
        bad = scans.submit(s, name="broken.pdf", data=b"%PDF-1.4 broken", pages=1, actor=web_sqlite.actor("office"))
    worker = scans.Worker(web_sqlite.db, settings=web_sqlite.settings)
    worker.resume()
    worker.wait(120)
    assert not scans.run_job(web_sqlite.db, good, actor=web_sqlite.actor("office"), settings=web_sqlite.settings)
    with web_sqlite.db.session() as s:
        done, failed = job_dict(scans.get_job(s, good)), job_dict(scans.get_job(s, bad))
    assert (done["state"], done["outcome"], done["items_created"] > 0, done["document_url"]) == (
        "done", "inserted", True, f"/documents/{done['document_id']}")
    assert (failed["state"], failed["document_id"], failed["error"]) == (
        "failed", None, "文件已损坏，无法作为 PDF 读取：请重新导出 PDF 后再读取")  # the reader's own words


def test_a_job_whose_reader_died_is_read_again_once_its_lease_ran_out(web_sqlite):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from luoshi import scans
    from luoshi.store.models import OcrJob

    office = web_sqlite.actor("office")
    with web_sqlite.db.session() as s:
        left = scans.submit(s, name="minutes_12.txt", data=SAMPLE.read_bytes(), pages=0, actor=office)
        s.execute(update(OcrJob).where(OcrJob.id == left).values(  # another host claimed it, then died
            state="running", lease_until=datetime.now(UTC) + timedelta(seconds=60)))
        s.commit()
    assert not scans.run_job(web_sqlite.db, left, actor=office, settings=web_sqlite.settings)  # still its
    with web_sqlite.db.session() as s:
        s.execute(update(OcrJob).where(OcrJob.id == left).values(lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        s.commit()
    worker = scans.Worker(web_sqlite.db, settings=web_sqlite.settings)
    worker.resume()
    worker.wait(120)
    with web_sqlite.db.session() as s:
        assert (scans.get_job(s, left).state, scans.get_job(s, left).outcome) == ("done", "inserted")
