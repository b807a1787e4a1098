"""Extraction within a time and memory budget: a large document is extracted in a child process that may
use so many seconds and so many MB more than it started with, so a text that makes a rule run away is
stopped and named, and the server (or the ingest) goes on with everything else.

Small documents are extracted in the process itself: the character budget of the readers already bounds
them, and a child costs about a second to start.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
from typing import Any

from luoshi.errors import ExtractionError

STARTUP_SECONDS = 60  # a spawned child imports luoshi before its own budget starts
POLL_SECONDS = 0.2


def extract_bounded(text: str, name: str, genre: str | None, *, seconds: float, megabytes: int,
                    above_chars: int) -> dict[str, Any]:
    """The record of `text` (as `genre` when given): in this process when the text has `above_chars`
    characters or fewer, else in a child limited to `seconds` and `megabytes`; ExtractionError (in
    Chinese, naming the file) when the child runs out of either or dies."""
    from luoshi.extract.override import extract_as

    if len(text) <= above_chars:
        return extract_as(text, name, genre)
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, text, name, genre, seconds, megabytes), daemon=True)
    child.start()
    sending.close()
    try:
        waited = 0.0
        while not receiving.poll(POLL_SECONDS):
            waited += POLL_SECONDS
            if not child.is_alive() and not receiving.poll(0):  # died without a word: out of memory, most often
                raise _ran_out(name, "memory", seconds, megabytes)
            if waited > seconds + STARTUP_SECONDS:
                raise _ran_out(name, "time", seconds, megabytes)
        try:
            outcome, value = receiving.recv()
        except EOFError:
            raise _ran_out(name, "memory", seconds, megabytes) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiving.close()
    if outcome == "ok":
        return value
    if outcome == "error":
        raise ExtractionError(value)
    raise _ran_out(name, outcome, seconds, megabytes)


def _ran_out(name: str, what: str, seconds: float, megabytes: int) -> ExtractionError:
    if what == "time":
        problem = f"抽取超过 {seconds:g} 秒的时间预算，已停止"
    else:
        problem = f"抽取超过 {megabytes} MB 的内存预算，已停止"
    return ExtractionError(f"{name}: {problem}：请把文件拆分成较小的几份后再上传，或请管理员调整 LUOSHI_EXTRACT_SECONDS、"
                           "LUOSHI_EXTRACT_MEMORY_MB")


def _child(sending: Any, text: str, name: str, genre: str | None, seconds: float, megabytes: int) -> None:
    """Extract within the budget and send ("ok", record), ("error", message), ("time", None) or ("memory", None)."""
    from luoshi.extract.override import extract_as

    def out_of_time(signum: int, frame: Any) -> None:
        raise TimeoutError

    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space() + megabytes * 1024 * 1024
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        # A child stuck where no signal is heard still runs out of processor time.
        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds) + 5, int(seconds) + 10))
        signal.signal(signal.SIGALRM, out_of_time)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            record = extract_as(text, name, genre)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        sending.send(("ok", record))
    except TimeoutError:
        sending.send(("time", None))
    except MemoryError:
        sending.send(("memory", None))
    except ExtractionError as exc:
        sending.send(("error", str(exc)))
    finally:
        sending.close()


def _address_space() -> int:
    """This process's virtual memory size in bytes (what RLIMIT_AS limits)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize()
