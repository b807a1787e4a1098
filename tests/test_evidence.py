"""Evidence files (佐证材料): a file's type by its first bytes and the limits, thumbnails, the blob stores
(a folder, and S3 through moto's in-process fake), files attached to progress reports and completion
applications through the API and the pages, downloads only for whoever may see the item (the item's 404),
and the office's rule that completion needs evidence."""

from __future__ import annotations

import io

import pytest
from PIL import Image

import evidencefiles as make
from luoshi.errors import FileRefused, StoreError
from luoshi.files import FileSystemStore, S3Store, check_upload, sha256_of, sniff
from luoshi.files.previews import pdf_page, thumbnail
from webfixtures import web, web_sqlite  # noqa: F401

MB = 1024 * 1024


# -- what a file is ----------------------------------------------------------------------------------------

def test_a_files_type_is_told_by_its_content():
    files = {"现场.jpg": make.jpeg(), "图.png": make.png(), "验收.pdf": make.pdf(), "报告.docx": make.docx(),
             "台账.xlsx": make.xlsx(), "旧.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100}
    assert {name: sniff(name, data).key for name, data in files.items()} == {
        "现场.jpg": "jpeg", "图.png": "png", "验收.pdf": "pdf", "报告.docx": "docx", "台账.xlsx": "xlsx", "旧.doc": "doc"}


@pytest.mark.parametrize("name, data, problem", [
    ("空.pdf", b"", "文件是空的，请选择有内容的文件"),
    ("程序.pdf", b"MZ\x90\x00" + b"\0" * 200, "不是可接受的文件类型；可上传照片、PDF、Word 或 Excel 文件"),
    ("照片.pdf", make.jpeg(), "文件名的扩展名与内容不符（内容是照片），请改用 .jpg、.jpeg 扩展名后再上传"),
    ("压缩包.docx", b"PK\x03\x04" + b"\0" * 50, "不是可接受的文件类型"),
    ("大.jpg", b"\xff\xd8\xff" + b"\0" * (2 * MB), "文件超过 1 MB，请压缩或拆分后再上传"),
])
def test_a_file_outside_the_limits_is_refused_saying_what_would_do(name, data, problem):
    with pytest.raises(FileRefused) as caught:
        check_upload(name, data, max_bytes=1 * MB)
    assert str(caught.value).startswith(f"{name}: {problem}")


def test_thumbnails_of_a_photo_and_of_a_pdfs_first_page():
    photo = Image.open(io.BytesIO(thumbnail(sniff("a.jpg", make.jpeg(1600, 1200)), make.jpeg(1600, 1200))))
    first = Image.open(io.BytesIO(thumbnail(sniff("a.pdf", make.pdf()), make.pdf())))
    assert (photo.format, photo.size) == ("JPEG", (320, 240))
    assert first.format == "JPEG" and max(first.size) == 320
    page = Image.open(io.BytesIO(pdf_page(make.pdf(2), 1)))
    assert (page.format, page.width) == ("PNG", 1000)
    assert pdf_page(make.pdf(2), 2) is None
    assert thumbnail(sniff("a.jpg", make.jpeg()), b"\xff\xd8\xff broken") is None


def test_pdf_pages_drawn_by_many_threads_at_once_all_come_out():
    """PDFium is not thread-safe: a browser asking for several pages at once crashed the server without the lock."""
    from concurrent.futures import ThreadPoolExecutor

    data = make.pdf(3)
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda i: pdf_page(data, i % 3), range(48)))
    assert all(Image.open(io.BytesIO(p)).format == "PNG" for p in pages)


# -- where files are kept --------------------------------------------------------------------------------

def exercise(store):
    data = b"%PDF-1.4 evidence"
    sha = sha256_of(data)
    assert store.exists(sha) is False
    store.put(sha, data)
    store.put(sha, data)  # the same content twice is stored once
    assert (store.exists(sha), store.get(sha)) == (True, data)
    with pytest.raises(StoreError):
        store.put(sha256_of(b"other"), data)
    store.delete(sha)
    assert store.exists(sha) is False


def test_the_folder_store_keeps_files_by_hash(tmp_path):
    store = FileSystemStore(tmp_path)
    exercise(store)
    data = b"kept"
    store.put(sha256_of(data), data)
    sha = sha256_of(data)
    assert (tmp_path / sha[:2] / sha[2:4] / sha).read_bytes() == data
    with pytest.raises(StoreError):
        store.get("../../etc/passwd")


def test_the_s3_store_against_an_in_process_s3():
    moto = pytest.importorskip("moto")
    import boto3

    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        client.create_bucket(Bucket="luoshi-evidence")
        store = S3Store(client, "luoshi-evidence")
        exercise(store)
        data = b"photo"
        store.put(sha256_of(data), data)
        keys = [o["Key"] for o in client.list_objects_v2(Bucket="luoshi-evidence")["Contents"]]
        assert keys == [f"luoshi/files/{sha256_of(data)}"]


# -- on reports, through the API ------------------------------------------------------------------------

@pytest.fixture
def site(web, tmp_path):
    web.settings.data_dir = str(tmp_path / "data")
    web.settings.files_max_mb = 2
    return web


def files(*named):
    return [("files", (name, data)) for name, data in named]


def test_a_unit_applies_for_completion_with_a_photo_and_a_pdf(site):
    unit, office, other = site.api("unit_a"), site.api("office"), site.api("unit_b")
    item_id = site.item("in_progress")
    photo, report = make.jpeg(), make.pdf(2)
    answer = unit.post(f"/api/items/{item_id}/complete", data={"text": "已完成验收", "version": "4"},
                       files=files(("现场照片.jpg", photo), ("验收报告.pdf", report)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "completion_requested"
    listed = office.get(f"/api/items/{item_id}/attachments").json()
    assert [{k: a[k] for k in ("version", "name", "kind", "content_type", "size", "sha256", "image", "pages")}
            for a in listed] == [
        {"version": 5, "name": "现场照片.jpg", "kind": "jpeg", "content_type": "image/jpeg", "size": len(photo),
         "sha256": sha256_of(photo), "image": True, "pages": None},
        {"version": 5, "name": "验收报告.pdf", "kind": "pdf", "content_type": "application/pdf", "size": len(report),
         "sha256": sha256_of(report), "image": False, "pages": 2}]
    assert office.get(f"/api/items/{item_id}").json()["attachments"] == listed
    got = office.get(f"/api/items/{item_id}/attachments/{listed[1]['id']}")
    assert (got.status_code, got.content, got.headers["content-type"]) == (200, report, "application/pdf")
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A.pdf"
    history = office.get(f"/api/items/{item_id}/history").json()
    assert history[-1]["facts"]["attachments"] == ["现场照片.jpg", "验收报告.pdf"]
    # Another unit: the same 404 as the item itself, for the list and every file.
    for path in (f"/api/items/{item_id}", f"/api/items/{item_id}/attachments",
                 f"/api/items/{item_id}/attachments/{listed[0]['id']}"):
        assert (other.get(path).status_code, other.get(path).json()) == (404, {"detail": "没有这个督办事项，或您无权查看：请从督办台账中重新打开"})


def test_a_progress_report_takes_files_and_json_still_works(site):
    unit = site.api("unit_a")
    item_id = site.item("in_progress")
    plain = unit.post(f"/api/items/{item_id}/progress", json={"text": "已开工", "percent": 20, "version": 4})
    assert (plain.status_code, plain.json()["progress"]) == (200, 20)
    with_files = unit.post(f"/api/items/{item_id}/progress", data={"text": "主体完工", "percent": "60", "version": "5"},
                           files=files(("进度表.xlsx", make.xlsx()), ("说明.docx", make.docx())))
    assert (with_files.status_code, with_files.json()["progress"]) == (200, 60)
    assert [(a["version"], a["kind"], a["preview_url"]) for a in with_files.json()["attachments"]] == [
        (6, "xlsx", None), (6, "docx", None)]


def test_a_refused_file_writes_nothing(site):
    unit = site.api("unit_a")
    item_id = site.item("in_progress")
    answer = unit.post(f"/api/items/{item_id}/complete", data={"text": "已完成", "version": "4"},
                       files=files(("照片.jpg", make.jpeg()), ("病毒.pdf", b"MZ" + b"\0" * 100)))
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("病毒.pdf: 不是可接受的文件类型")
    assert site.version(item_id) == 4 and unit.get(f"/api/items/{item_id}/attachments").json() == []


def test_too_large_a_body_is_refused_from_its_content_length(site):
    unit = site.api("unit_a")
    item_id = site.item("in_progress")
    cap = 10 * 2 * MB + MB
    answer = unit.post(f"/api/items/{item_id}/complete", content=b"x" * 10,
                       headers={"Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(cap + 1)})
    assert answer.status_code == 413
    assert answer.json()["detail"] == "上传内容过大：一次最多 10 个文件，每个不超过 2 MB，请压缩或分次上传"
    big = unit.post(f"/api/items/{item_id}/complete", data={"text": "已完成", "version": "4"},
                    files=files(("大.jpg", b"\xff\xd8\xff" + b"\0" * (3 * MB))))
    assert (big.status_code, big.json()["detail"]) == (422, "大.jpg: 文件超过 2 MB，请压缩或拆分后再上传")


def test_the_office_can_require_evidence_for_completion_by_kind(site):
    office, unit = site.api("office"), site.api("unit_a")
    assert unit.put("/api/evidence-rules", json={"required": ["task"]}).status_code == 403
    rules = office.put("/api/evidence-rules", json={"required": ["task"]}).json()
    assert rules == {"decision": False, "task": True, "target": False, "suggestion": False}
    item_id = site.item("in_progress")
    bare = unit.post(f"/api/items/{item_id}/complete", json={"text": "已完成", "version": 4})
    assert (bare.status_code, bare.json()["detail"]) == (
        422, "督查室要求工作任务申请办结须附佐证材料：请上传照片、PDF、Word 或 Excel 文件后再提交")
    done = unit.post(f"/api/items/{item_id}/complete", data={"text": "已完成", "version": "4"},
                     files=files(("验收.pdf", make.pdf(1))))
    assert done.status_code == 200


# -- on the pages ------------------------------------------------------------------------------------------

def test_the_item_page_shows_thumbnails_and_the_office_previews_a_pdf(web_sqlite, tmp_path):
    site = web_sqlite
    site.settings.data_dir = str(tmp_path / "data")
    item_id = site.item("in_progress")
    unit = site.browser("unit_a")
    page = unit.get(f"/items/{item_id}").text
    assert 'enctype="multipart/form-data"' in page and 'name="files" multiple accept=".jpg,.jpeg,.png' in page
    from webfixtures import csrf_of

    answer = unit.post(f"/items/{item_id}/apply_completion",
                       data={"text": "已完成", "version": "4", "csrf_token": csrf_of(page)},
                       files=files(("现场照片.jpg", make.jpeg()), ("验收报告.pdf", make.pdf(2))), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    office = site.browser("office")
    html = office.get(f"/items/{item_id}").text
    assert html.count('class="evidence-file"') == 2
    assert f'href="/items/{item_id}/files/1/preview"' in html and f'src="/items/{item_id}/files/2/thumbnail"' in html
    preview = office.get(f"/items/{item_id}/files/2/preview").text
    assert preview.count('class="page"') == 2 and "共 2 页" in preview
    image = office.get(f"/items/{item_id}/files/2/pages/1")
    assert (image.status_code, image.headers["content-type"], image.content[:4]) == (200, "image/png", b"\x89PNG")
    assert office.get(f"/items/{item_id}/files/1/inline").headers["content-disposition"].startswith("inline;")
    assert site.browser("unit_b").get(f"/items/{item_id}/files/1/thumbnail").status_code == 404
