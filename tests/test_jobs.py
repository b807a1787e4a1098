"""Background jobs (`luoshi.jobs`): queued in the caller's transaction, claimed by one runner at a time,
progress reported while they run, failures recorded with their message; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from luoshi import jobs
from luoshi.errors import LuoshiError, NotFound


@pytest.fixture(autouse=True)
def handlers():
    seen: list[tuple[int, dict]] = []

    @jobs.handler("test-count")
    def count(job, report, db):
        report(50, "一半")
        seen.append((job.id, job.payload))
        return {"words": len(job.payload["text"])}

    @jobs.handler("test-fail")
    def fail(job, report, db):
        raise LuoshiError("文件已损坏：请重新上传")

    @jobs.handler("test-crash")
    def crash(job, report, db):
        raise RuntimeError("/srv/secret/path")

    yield seen
    for kind in ("test-count", "test-fail", "test-crash"):
        jobs.HANDLERS.pop(kind, None)


def test_a_job_is_queued_run_and_shows_its_result(db, handlers):
    with db.session() as s:
        job_id = jobs.enqueue(s, kind="test-count", payload={"text": "落实督办"}, by="dc1")
        s.commit()
        assert jobs.get_job(s, job_id=job_id).to_dict()["state_label"] == "排队中"
    [done] = jobs.run_pending(db)
    assert (done.id, done.state, done.progress, done.result, done.message) == (job_id, "done", 100, {"words": 4}, "完成")
    assert handlers == [(job_id, {"text": "落实督办"})]
    assert jobs.run_pending(db) == []


def test_failures_are_recorded_and_a_crash_shows_no_internals(db):
    with db.session() as s:
        ids = [jobs.enqueue(s, kind=k, payload={}, by="dc1") for k in ("test-fail", "test-crash")]
        s.commit()
    done = jobs.run_pending(db)
    assert [(j.id, j.state, j.message) for j in done] == [
        (ids[0], "failed", "文件已损坏：请重新上传"), (ids[1], "failed", "处理失败（RuntimeError）：请联系管理员查看日志")]


def test_two_runners_never_take_the_same_job(db, handlers):
    with db.session() as s:
        for n in range(6):
            jobs.enqueue(s, kind="test-count", payload={"text": "x" * n}, by="dc1")
        s.commit()
    threads = [threading.Thread(target=jobs.run_pending, args=(db,), kwargs={"runner": f"r{i}"}) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(job_id for job_id, _ in handlers) == list(range(1, 7))


def test_a_job_whose_runner_died_is_taken_over_after_its_lease(db):
    with db.session() as s:
        job_id = jobs.enqueue(s, kind="test-count", payload={"text": "x"}, by="dc1")
        s.commit()
        assert jobs.claim(s, runner="dead").id == job_id
        assert jobs.claim(s, runner="alive") is None
        later = datetime.now(UTC) + jobs.LEASE + timedelta(seconds=1)
        assert jobs.claim(s, runner="alive", now=later).id == job_id


def test_another_users_job_is_not_found(db):
    with db.session() as s:
        job_id = jobs.enqueue(s, kind="test-count", payload={"text": "x"}, by="dc1")
        s.commit()
        with pytest.raises(NotFound):
            jobs.get_job(s, job_id=job_id, by="unit_a")
        with pytest.raises(LuoshiError):
            jobs.enqueue(s, kind="no-such-kind", payload={}, by="dc1")


def test_a_queued_upload_waits_in_the_database_for_a_runner_on_any_host(db, settings, tmp_path):
    from pathlib import Path

    import luoshi.samples
    from luoshi.ingest import queue_upload
    from luoshi.ledger import Actor, Role

    here = tmp_path / "host-1"
    data = (Path(luoshi.samples.__file__).parent / "qingxi_county_minutes_12.txt").read_bytes()
    with db.session() as s:
        job_id = queue_upload(s, name="纪要.txt", data=data, actor=Actor("dc1", Role.SUPERVISOR),
                              settings=settings.model_copy(update={"data_dir": str(here)}))
        s.commit()
    assert not here.exists() and jobs.job_data(db, job_id) == data  # nothing on this host's disk
    [done] = jobs.run_pending(db)
    assert (done.state, done.result["outcome"]) == ("done", "inserted")
    assert jobs.job_data(db, job_id) is None  # the bytes go once the job ended
