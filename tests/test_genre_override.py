"""The user's word on a document's genre: `--genre` on `luoshi extract` and `luoshi ingest`, the upload
form and the API, and the office's change of a stored document's genre, which re-extracts it into a new
version keeping the items already worked on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import ROOT
from luoshi.cli import app
from luoshi.extract.override import UnknownGenre, extract_as, genre_named
from luoshi.ingest import FileResult, change_genre, ingest_paths
from luoshi.ledger import Actor, InvalidValue, Role
from luoshi.settings import get_settings
from luoshi.store.items import act
from luoshi.store.models import Document, ItemRow
from webfixtures import csrf_of, web, web_sqlite  # noqa: F401

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)
SAMPLES = ROOT / "luoshi" / "samples"
MINUTES = SAMPLES / "qingxi_county_minutes_12.txt"
REPORT = SAMPLES / "qingxi_2024_work_report.txt"


def test_genre_names_a_user_may_give():
    assert [genre_named(v) for v in ("minutes", "meeting_minutes", "WORK_REPORT", "congress_review", "other",
                                     "", None, "auto")] == [
        "meeting_minutes", "meeting_minutes", "work_report", "congress_review", "other", None, None, None]
    with pytest.raises(UnknownGenre, match="文种“纪要”无法识别；可选：minutes（会议纪要）"):
        genre_named("纪要")


def test_a_forced_genre_runs_that_genres_stages_and_says_the_user_chose_it():
    record = extract_as(REPORT.read_text(encoding="utf-8"), "r.txt", "meeting_minutes")
    assert (record["doc_type"], record["genre"]["doc_type"], record["genre"]["source"],
            record["genre"]["confidence"]) == ("meeting_minutes", "meeting_minutes", "user", 1.0)
    assert "items" in record and "targets" not in record
    assert extract_as(REPORT.read_text(encoding="utf-8"), "r.txt")["doc_type"] == "work_report"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("LUOSHI_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    get_settings.cache_clear()

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, result.output

    yield run
    get_settings.cache_clear()


def test_extract_and_ingest_take_a_genre_on_the_command_line(cli):
    code, out = cli("extract", "--genre", "minutes", str(REPORT))
    record = json.loads(out)
    assert (code, record["doc_type"], record["genre"]["source"]) == (0, "meeting_minutes", "user")
    code, out = cli("extract", "--genre", "minute", str(REPORT))
    assert code == 2 and "文种“minute”无法识别" in " ".join(out.split())
    assert cli("ingest", str(MINUTES))[0] == 0
    code, out = cli("ingest", "--genre", "other", str(MINUTES))  # stored already, as minutes: re-extracted
    assert (code, " ".join(out.split())) == (0, "文件：新增 0 份，新版本 1 份，未变 0 份；事项：新建 0 条；出错 0 份")
    assert " ".join(cli("ingest", "--genre", "other", str(MINUTES))[1].split()) == (
        "文件：新增 0 份，新版本 0 份，未变 1 份；事项：新建 0 条；出错 0 份")


def test_changing_the_genre_makes_a_new_version_and_keeps_items_worked_on(session, settings):
    first = ingest_paths(session, [MINUTES], settings=settings, now=NOW).files[0]
    drafts = session.scalars(select(ItemRow.id).order_by(ItemRow.id)).all()
    act(session, item_id=drafts[0], actor=OFFICE, action="confirm", expected_version=1, settings=settings, now=NOW)
    other = change_genre(session, document_id=first.document_id, genre="other", actor=OFFICE, settings=settings,
                         now=NOW)
    assert other == FileResult(str(MINUTES), "updated", first.document_id + 1, 2, 0, 0)
    back = change_genre(session, document_id=first.document_id, genre="meeting_minutes", actor=OFFICE,
                        settings=settings, now=NOW)
    assert (back.status, back.version, back.items_created, back.items_kept) == ("updated", 3, 0, len(drafts))
    docs = session.execute(select(Document.version, Document.doc_type, Document.record["genre"]["source"].as_string())
                           .order_by(Document.version)).all()
    assert [tuple(d) for d in docs][1:] == [(2, "other", "user"), (3, "meeting_minutes", "user")]
    assert tuple(docs[0])[:2] == (1, "meeting_minutes")  # as detected
    assert session.scalar(select(ItemRow.state).where(ItemRow.id == drafts[0])) == "confirmed"
    with pytest.raises(InvalidValue, match="该文件已是会议纪要，无需更改"):
        change_genre(session, document_id=first.document_id, genre="meeting_minutes", actor=OFFICE,
                     settings=settings, now=NOW)


def test_the_api_uploads_with_a_genre_and_the_office_changes_it(web):
    office = web.api("office")
    response = office.post("/api/documents", files={"file": ("r.txt", REPORT.read_bytes(), "text/plain")},
                           data={"genre": "minutes"})
    assert response.status_code == 201, response.text
    doc = response.json()["document"]
    assert (doc["doc_type"], doc["record"]["genre"]["source"]) == ("meeting_minutes", "user")
    bad = office.post("/api/documents", files={"file": ("x.txt", b"abc", "text/plain")}, data={"genre": "memo"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("文种“memo”无法识别")
    assert web.api("leader").post(f"/api/documents/{doc['id']}/genre", json={"genre": "work_report"}).status_code == 403
    changed = office.post(f"/api/documents/{doc['id']}/genre", json={"genre": "work_report"})
    assert changed.status_code == 201, changed.text
    body = changed.json()
    assert (body["outcome"], body["document"]["version"], body["document"]["doc_type"],
            body["document"]["record"]["genre"]["source"]) == ("updated", 2, "work_report", "user")
    assert office.post("/api/documents/999/genre", json={"genre": "other"}).status_code == 404


def test_the_pages_offer_the_genre_on_upload_and_on_the_document(web_sqlite):
    browser = web_sqlite.browser("office")
    form = browser.get("/documents/upload").text
    assert '<select id="genre" name="genre">' in form and '<option value="meeting_minutes">会议纪要</option>' in form
    response = browser.post("/documents/upload", files={"file": ("m.txt", MINUTES.read_bytes(), "text/plain")},
                            data={"csrf_token": csrf_of(form), "genre": ""}, follow_redirects=False)
    assert response.status_code == 303
    page = browser.get(response.headers["location"]).text
    assert 'action="/documents/1/genre"' in page and "重新抽取" in page
    assert 'action="/documents/1/genre"' not in web_sqlite.browser("leader").get("/documents/1").text
    changed = browser.post("/documents/1/genre", data={"csrf_token": csrf_of(page), "genre": "other"},
                           follow_redirects=False)
    assert (changed.status_code, changed.headers["location"]) == (303, "/documents/2")
    page = browser.get("/documents/2").text
    assert "已改为其他文件并重新抽取" in page and "用户指定" in page and "由用户指定" in page
