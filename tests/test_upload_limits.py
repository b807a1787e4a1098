"""Uploads that cannot exhaust the server (issue 10, finding 4): bodies bounded before they are read,
authentication before an upload is read, zip bombs built here refused while streaming, paragraph and
character budgets, and file names that get a clear 422 without a server path."""

from __future__ import annotations

import functools
import io
import resource
import time
import zipfile

import pytest
from fastapi.testclient import TestClient

from luoshi.text import limits
from webfixtures import web, web_sqlite  # noqa: F401

MB = 1024 * 1024
CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_with_body(write_body) -> bytes:
    """A ZIP shaped like a DOCX whose word/document.xml is written by `write_body(stream)` (streamed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        with package.open("word/document.xml", "w", force_zip64=True) as body:
            write_body(body)
    return out.getvalue()


@functools.cache
def paragraph_bomb(count: int = 6_000_000) -> bytes:
    def write(body):
        body.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
        block = b"<w:p/>" * 100_000
        for _ in range(count // 100_000):
            body.write(block)
        body.write(b"</w:body></w:document>")
    return docx_with_body(write)


@functools.cache
def inflation_bomb(inflated: int = 400 * MB) -> bytes:
    """The probe's bomb inflated to 1.1 GB; 400 MB is as far past every limit and builds three times sooner."""
    def write(body):
        zeros = b"\0" * (4 * MB)
        for _ in range(inflated // len(zeros)):
            body.write(zeros)
    return docx_with_body(write)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("bomb, message", [(paragraph_bomb, "压缩比异常"), (inflation_bomb, "文件解压后过大")])
def test_zip_bombs_are_refused_while_streaming_in_bounded_time_and_memory(web, bomb, message):
    data = bomb()
    assert len(data) < 2 * MB
    before, started = peak_mb(), time.monotonic()
    answer = web.api("office").post("/api/documents", files={"file": ("bomb.docx", data, "application/octet-stream")})
    took, grew = time.monotonic() - started, peak_mb() - before
    assert answer.status_code == 422 and message in answer.json()["detail"], answer.text
    assert "/tmp" not in answer.text and took < 20 and grew < 200, (took, grew)
    assert web.api("office").get("/api/me").status_code == 200  # everyone else is still answered


def test_a_paragraph_budget_holds_for_a_body_that_compresses_normally(tmp_path):
    def write(body):
        for i in range(limits.MAX_PARAGRAPHS + 1):
            body.write(f'<w:p w:rsidR="{i * 7919 % 10**8:08X}"><w:r><w:t>{i}</w:t></w:r></w:p>'.encode())
    path = tmp_path / "long.docx"
    path.write_bytes(docx_with_body(write))
    with pytest.raises(Exception) as caught:
        limits.check_zip(str(path))
    assert f"段落超过 {limits.MAX_PARAGRAPHS} 个" in str(caught.value)


def test_a_lying_declared_size_is_caught_by_what_the_entry_really_inflates_to(tmp_path):
    path = tmp_path / "liar.docx"
    path.write_bytes(docx_with_body(lambda body: body.write(b"<w:p/>" * 1000)))
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("word/document.xml")
    # Shrink the declared size in the central directory: the stream still inflates to 6000 bytes.
    central = raw.rfind(b"PK\x01\x02", 0, raw.rfind(b"PK\x05\x06"))
    raw[central + 24:central + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(Exception) as caught:
        limits.check_zip(str(path))
    assert info.file_size == 6000 and "声明大小" in str(caught.value) or "损坏" in str(caught.value)


def raw_answer(port: int, headers: str, first: bytes = b"") -> bytes:
    """What a live server answers to a request whose headers announce a body that is never sent whole."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(headers.encode() + first)
        return conn.recv(65536)


@pytest.mark.parametrize("auth, status", [("", b"401"), ("office", b"413")])
def test_a_300_mb_body_is_refused_by_a_live_server_before_it_is_read(web_sqlite, auth, status):
    from browserfixtures import Server

    server = Server(web_sqlite.app).start()
    try:
        token = f"Authorization: Bearer {web_sqlite.api(auth).headers['Authorization'][7:]}\r\n" if auth else ""
        answer = raw_answer(server.port, f"POST /api/documents HTTP/1.1\r\nHost: x\r\n{token}"
                                         "Content-Type: multipart/form-data; boundary=b\r\n"
                                         f"Content-Length: {300 * MB}\r\n\r\n", b"x" * 1024)
        assert answer.split(b" ")[1] == status, answer[:200]
        assert TestClient(web_sqlite.app).get("/login").status_code == 200
    finally:
        server.stop()


def test_an_oversized_body_is_refused_from_its_length_or_as_it_arrives(web_sqlite):
    office = web_sqlite.api("office")
    declared = office.post("/api/documents", content=b"x" * 10,
                           headers={"Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(300 * MB)})
    assert declared.status_code == 413 and "20 MB" in declared.json()["detail"]
    def chunked():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'
        for _ in range(40):
            yield b"x" * MB
        yield b"\r\n--b--\r\n"

    streamed = office.post("/api/documents", content=chunked(),
                           headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert streamed.status_code == 413
    big_json = office.post("/api/items/1/progress", content=b'{"text": "' + b"x" * (2 * MB) + b'"}',
                           headers={"Content-Type": "application/json"})
    assert big_json.status_code == 413 and "KB" in big_json.json()["detail"]


def test_text_past_the_character_budget_is_refused(web_sqlite):
    data = ("第一条 推进外贸稳增长。\n" * 200_000).encode("utf-8")
    from luoshi import jobs

    office = web_sqlite.api("office")
    answer = office.post("/api/documents", files={"file": ("big.txt", data, "text/plain")})
    assert answer.status_code == 202  # over 1 MB: read by a background job, which refuses it
    [job] = jobs.run_pending(web_sqlite.db)
    shown = office.get(f"/api/documents/uploads/{job.id}").json()
    assert shown["state"] == "failed" and "超过上限 2000000" in shown["message"] and "/" not in shown["message"]


@pytest.mark.parametrize("name", ["..", ".", "", "   ", "a" * 256 + ".txt", "目" * 90 + ".txt"])
def test_bad_file_names_get_a_clear_422(web_sqlite, name):
    answer = web_sqlite.api("office").post("/api/documents", files={"file": (name, "会议纪要".encode(), "text/plain")})
    assert answer.status_code == 422 and "/tmp" not in answer.text, answer.text
    if name:  # a part without a file name is no file at all: FastAPI's validation answers it
        assert "文件名" in answer.json()["detail"]


def test_a_damaged_upload_names_the_file_not_a_server_path(web_sqlite):
    answer = web_sqlite.api("office").post("/api/documents", files={"file": ("坏.docx", b"PK\x03\x04 broken", "x")})
    assert answer.status_code == 422 and answer.json()["detail"].startswith("坏.docx: ") and "/tmp" not in answer.text


def test_a_large_document_is_ingested_by_a_background_job_with_its_progress_shown(web):
    from luoshi import jobs

    minutes = "青溪县人民政府常务会议纪要\n会议决定：\n一、县商务局负责推进外贸稳增长，年底前完成。\n"
    data = (minutes + "附：说明材料。" * 60_000 + "\n").encode("utf-8")
    assert len(data) > 1024 * 1024
    office = web.api("office")
    queued = office.post("/api/documents", files={"file": ("大文件.txt", data, "text/plain")})
    assert queued.status_code == 202, queued.text
    job = queued.json()["job"]
    assert (job["state"], job["progress"], job["created_by"]) == ("queued", 0, "office")
    page = web.browser("office").get(f"/documents/uploads/{job['id']}")
    assert "排队中" in page.text and 'hx-trigger="every 2s"' in page.text
    [done] = jobs.run_pending(web.db)
    shown = office.get(f"/api/documents/uploads/{job['id']}").json()
    assert (done.state, shown["state"], shown["progress"], shown["result"]["outcome"]) == ("done", "done", 100, "inserted")
    document = office.get(f"/api/documents/{shown['result']['document_id']}").json()
    assert document["name"] == "大文件.txt"
    assert "已完成" in web.browser("office").get(f"/documents/uploads/{job['id']}").text
    assert web.api("unit_a").get(f"/api/documents/uploads/{job['id']}").status_code == 403
    assert web.api("admin").get(f"/api/documents/uploads/{job['id']}").status_code == 404  # not theirs
