"""Search timings at 10 000 documents plus items, targets and suggestions, on SQLite and PostgreSQL:
index time, then p50/p95 of `luoshi.search.search` for 1-, 2- and 4-character queries with filters.

Synthetic text recombines sentences of the real reports in ../shared/corpus/reports (read at run time).
    python bench/search_speed.py [--documents 10000] [--items 30000] [--queries 300] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from luoshi.search import SearchEntry, create_schema, index, search

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNITS = ["发展改革委", "教育局", "财政局", "住房城乡建设局", "交通运输局", "生态环境局", "卫生健康委", "商务局",
         "农业农村局", "水利局", "人力资源社会保障局", "民政局", "应急管理局", "市场监管局", "文化旅游局",
         "科技局", "工业和信息化局", "自然资源局", "港口管理局", "城市管理局"]
QUERIES = {
    1: ["港", "水", "粮", "税", "桥", "煤", "医", "林", "电", "船"],
    2: ["教育", "医疗", "就业", "环境", "港口", "养老", "住房", "农业", "科技", "交通", "发展", "改革"],
    4: ["乡村振兴", "营商环境", "科技创新", "新能源汽", "生态环境", "社会保障", "义务教育", "基础设施",
        "粮食安全", "对外开放"],
}


def sentences() -> list[str]:
    found: list[str] = []
    for path in sorted(REPORTS.rglob("*.txt")):
        body = path.read_text(encoding="utf-8", errors="replace")
        found += [s.strip() for s in re.split(r"(?<=[。！？；])", body) if 12 <= len(s.strip()) <= 200]
    if not found:
        sys.exit(f"no report text under {REPORTS}: the bench needs ../shared beside this checkout")
    return found


def make_entries(pool: list[str], documents: int, items: int, rng: random.Random) -> list[SearchEntry]:
    entries: list[SearchEntry] = []
    for i in range(documents):
        body = "".join(rng.choices(pool, k=rng.randint(10, 40)))
        title = "关于" + re.sub(r"[，。！？；：、]", "", rng.choice(pool))[:rng.randint(8, 24)] + "的通知"
        entries.append(SearchEntry("document", i + 1, title, body, unit=rng.choice(UNITS),
                                   year=rng.randint(2015, 2025), url=f"/documents/{i + 1}"))
    kinds = ["item"] * 6 + ["target", "suggestion"]
    for i in range(items):
        kind = rng.choice(kinds)
        sentence = rng.choice(pool)
        entries.append(SearchEntry(kind, i + 1, sentence[:40], "".join(rng.choices(pool, k=rng.randint(1, 3))),
                                   unit=rng.choice(UNITS), year=rng.randint(2015, 2025), url=f"/{kind}s/{i + 1}"))
    return entries


def queries(count: int, rng: random.Random) -> list[dict]:
    out = []
    for n in range(count):
        length = (1, 2, 4)[n % 3]
        params: dict = {"q": rng.choice(QUERIES[length])}
        if rng.random() < 0.3:
            params["kinds"] = [rng.choice(["document", "item", "target", "suggestion"])]
        if rng.random() < 0.3:
            params["unit"] = rng.choice(UNITS)
        if rng.random() < 0.3:
            params["year"] = rng.randint(2015, 2025)
        out.append(params)
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(name: str, engine, entries: list[SearchEntry], asks: list[dict]) -> None:
    create_schema(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, len(entries), 1000):
            index(conn, entries[start:start + 1000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE search_entries")
    indexed = time.perf_counter() - started
    with engine.connect() as conn:
        for params in asks[:20]:  # warm the caches
            search(conn, **params)
        timings: dict[int, list[float]] = {1: [], 2: [], 4: []}
        totals = []
        for params in asks:
            t0 = time.perf_counter()
            results = search(conn, **params)
            timings[len(params["q"])].append((time.perf_counter() - t0) * 1000)
            totals.append(results.total)
    every = [t for ts in timings.values() for t in ts]
    print(f"{name}: indexed {len(entries)} entries in {indexed:.1f} s; {len(asks)} searches "
          f"p50 {percentile(every, 0.5):.1f} ms, p95 {percentile(every, 0.95):.1f} ms, "
          f"max {max(every):.1f} ms; median hits {statistics.median(totals):.0f}")
    for length, ts in timings.items():
        print(f"  {length}-character queries: p50 {percentile(ts, 0.5):.1f} ms, p95 {percentile(ts, 0.95):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=30_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    rng = random.Random(4)
    pool = sentences()
    entries = make_entries(pool, args.documents, args.items, rng)
    chars = sum(len(e.title) + len(e.body) for e in entries)
    print(f"{args.documents} documents and {args.items} items/targets/suggestions, {chars / 1e6:.1f} M characters")
    asks = queries(args.queries, rng)
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                engine = create_engine(f"sqlite:///{tmp}/search.sqlite3")
                run("SQLite", engine, entries, asks)
                engine.dispose()
        elif backend == "postgresql":
            base = os.environ.get("LUOSHI_TEST_POSTGRES_URL", PG_DEFAULT)
            schema = f"luoshi_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
            engine = create_engine(url)
            try:
                run("PostgreSQL", engine, entries, asks)
            finally:
                engine.dispose()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
