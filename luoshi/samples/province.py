"""A synthetic province for scale work and demos: counties with their units, people and users, documents of
the three genres written from templates, and items in every state with the histories the ledger's own rules
give them (`luoshi.ledger.workflow.apply`), so every event, report, reminder and hash is one luoshi could write.

`Province(spec).chunks()` yields the rows, county by county, from the seed alone; `write_province(url, spec)`
stores them, in the global audit chain and the search index, then creates the users through
`luoshi.store.users` (so the administrative log and the chain hold them too). On PostgreSQL the whole province
is one transaction (`luoshi.store.bulk.bulk_load`: indexes and foreign keys built after the rows) whose rows
the worker processes write as COPY text themselves; on SQLite a county at a time by executemany.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Column, Integer, MetaData, Table, Text, insert, text
from sqlalchemy.engine import Connection, Engine

from luoshi.extract.genre import CONGRESS_REVIEW, MEETING_MINUTES, WORK_REPORT
from luoshi.ledger import Actor, Role
from luoshi.ledger.audit import GENESIS, AuditEntry, chain_hash, chain_json, record_json
from luoshi.ledger.items import Item, Kind, SourceRef
from luoshi.ledger.states import Action, State
from luoshi.ledger.workflow import apply, new_item
from luoshi.search.entries import SearchEntry, _row as search_row
from luoshi.search.schema import ENTRIES, FTS
from luoshi.settings import Settings
from luoshi.store import aggregates
from luoshi.store.anchor import COVERED, entry_hash, fact_json
from luoshi.store.bulk import bulk_load, copy_rows, copy_statement, copy_text
from luoshi.store.evidence import AttachmentRow
from luoshi.store.items import LEAD, CO, _columns, fingerprint
from luoshi.store.models import (UNIT_COPY, Assignment, AuditEntryRow, ChainEntryRow, Document, ExtensionRow,
                                 Instruction, ItemRow, Meeting, Membership, Organisation, Person, ProgressReport,
                                 RatingRow, ReminderRow)
from luoshi.store.orgs import key_of
from luoshi.store.search_index import _year

PASSWORD = "province-pass-1"
FIRST = "青白石金云清安永长新东西南北平泰华宁丰德"
SECOND = "溪沙河山阳川江源平林宁城水安州丰台岭桥口"
DEPARTMENTS = ("发展和改革局", "教育局", "公安局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
               "水利局", "农业农村局", "卫生健康局", "应急管理局")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
VERBS = ("推进", "加快", "完善", "落实", "开展", "组织", "建设", "整治", "优化", "保障", "提升", "实施")
THINGS = ("老旧小区改造", "燃气管道更新", "停车设施建设", "高标准农田建设", "学位供给", "营商环境", "河道综合整治",
          "安全生产隐患排查", "民营经济扶持政策", "城区交通组织", "生活垃圾分类", "居家养老服务", "农村饮水安全",
          "乡村振兴示范村", "中小学校舍维修", "地质灾害防治", "污水管网改造", "数字政府平台", "冷链物流园区",
          "森林防火", "医共体建设", "道路拓宽工程")
DUES = ("月底前", "年底前", "三季度末前", "6月30日前", "两个月内", "按季度")
# The states the province's items are in, with their weights: most are being handled, a fifth closed.
STATES = ((State.DRAFT, 4), (State.CONFIRMED, 4), (State.ASSIGNED, 10), (State.IN_PROGRESS, 46),
          (State.COMPLETION_REQUESTED, 10), (State.DONE, 21), (State.CANCELLED, 5))
GENRES = (MEETING_MINUTES, WORK_REPORT, CONGRESS_REVIEW)
ITEMS_PER_DOCUMENT = 120
CHUNK = 2000  # items generated and written at a time


@dataclass(frozen=True)
class ProvinceSpec:
    """What to make: `items` spread over `counties` (each with a government and its departments), from `seed`,
    with `now` the moment the histories end (fixed, so that a seed makes the same rows on any day)."""

    items: int
    counties: int = 100
    seed: int = 1
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(hour=2, minute=0, second=0,
                                                                            microsecond=0))
    unit_users: int = 10  # counties whose first department gets a unit user


def county_names(n: int, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:counties")
    pairs = [a + b for a in FIRST for b in SECOND if a != b]
    if n > len(pairs):
        raise ValueError(f"at most {len(pairs)} counties, not {n}")
    return rng.sample(pairs, n)


# -- units, people, documents ----------------------------------------------------------------------------

def organisation_rows(spec: ProvinceSpec) -> list[dict[str, Any]]:
    """The province's government, then per county its government and departments (parent: the government).
    Keys carry the county: `key_of` drops the place, and a province has a 住建局 in every county."""
    rows = [_organisation(1, "省人民政府", None, spec.now)]
    for c, county in enumerate(county_names(spec.counties, spec.seed)):
        base = 2 + c * (len(DEPARTMENTS) + 1)
        rows.append(_organisation(base, f"{county}县人民政府", 1, spec.now, county))
        rows += [_organisation(base + 1 + d, f"{county}县{dept}", base, spec.now, county)
                 for d, dept in enumerate(DEPARTMENTS)]
    return rows


def _organisation(id: int, name: str, parent: int | None, now: datetime, county: str = "") -> dict[str, Any]:
    return dict(id=id, name=name, key=f"{county}|{key_of(name)}" if county else key_of(name), aliases=[],
                parent_id=parent, proposed=False, webhook_url=None, webhook_format="json", mobiles=[],
                created_at=now)


def county_units(c: int) -> tuple[int, list[int]]:
    """(government id, department ids) of county number `c` (from 0)."""
    base = 2 + c * (len(DEPARTMENTS) + 1)
    return base, list(range(base + 1, base + 1 + len(DEPARTMENTS)))


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


@dataclass
class Line:
    """An item's sentence in its document: where it is, and what it says."""

    start: int
    end: int
    sentence: str
    lead: int
    co: tuple[int, ...]
    due_text: str


NUMBERING = (lambda i: f"{'一二三四五六七八九十'[i % 10]}{'、' if i < 10 else '.'}",
             lambda i: f"（{i + 1}）", lambda i: f"{i + 1}. ")


def write_document(rng: random.Random, genre: str, county: str, year: int, serial: int, units: dict[int, str],
                   count: int) -> tuple[str, str, list[Line]]:
    """The (title, text, lines) of a document of `genre` with `count` directives, in one of several layouts."""
    number = rng.choice(NUMBERING)
    if genre == MEETING_MINUTES:
        title = f"{county}县人民政府第{serial}次常务会议纪要"
        head = [title, f"（{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日）",
                f"县长{person_name(rng)}主持召开县人民政府第{serial}次常务会议。现将会议议定事项纪要如下："]
    elif genre == WORK_REPORT:
        title = f"{county}县{year}年政府工作报告（第{serial}部分）"
        head = [title, f"{year}年主要目标任务和工作安排如下："]
    else:
        title = f"{county}县人大常委会关于{year}年政府工作的审议意见（{serial}）"
        head = [title, "常委会组成人员提出以下审议意见，请县人民政府研究办理："]
    parts, lines, at = [], [], 0
    for line in head:
        parts.append(line + "\n")
        at += len(line) + 1
    ids = list(units)
    for i in range(count):
        lead = rng.choice(ids)
        co = tuple(u for u in rng.sample(ids, rng.choice((0, 0, 1, 2))) if u != lead)
        due_text = rng.choice(DUES)
        thing = f"{rng.choice(VERBS)}{rng.choice(THINGS)}"
        owners = units[lead] + ("牵头，" + "、".join(units[u] for u in co) + "配合" if co else "负责")
        sentence = rng.choice((f"{owners}，{thing}，{due_text}完成。", f"由{owners}{thing}，{due_text}取得实效。",
                               f"{thing}：{owners}，{due_text}报送进展。"))
        prefix = number(i)
        lines.append(Line(at + len(prefix), at + len(prefix) + len(sentence), sentence, lead, co, due_text))
        row = prefix + sentence + "\n"
        parts.append(row)
        at += len(row)
    return title, "".join(parts), lines


# -- an item's history, by the ledger's rules ----------------------------------------------------------

@dataclass
class History:
    """An item as the ledger leaves it after its steps, with every step's event and the rows beside it."""

    item: Item
    events: list[Any]
    created_at: datetime


Step = tuple[Action, Actor, float, Callable[[Item, datetime], dict[str, Any]]]


def plan(rng: random.Random, target: State, office: Actor, unit: Actor, co: list[Actor],
         leader: Actor) -> list[Step]:
    """The steps (action, who, days after the one before, payload) that bring a new item to `target`."""
    steps: list[Step] = []
    say = steps.append
    cancel_at = rng.randint(0, 4) if target is State.CANCELLED else -1

    def stage(n: int) -> bool:  # True: the history stops here (cancelled at this stage)
        if n == cancel_at:
            say((Action.CANCEL, office, rng.uniform(1, 20), lambda i, at: {"reason": "工作调整，该事项不再单独督办"}))
            return True
        return False

    if target is State.DRAFT or stage(0):
        return steps
    say((Action.CONFIRM, office, rng.uniform(0.2, 3), lambda i, at: {}))
    if target is State.CONFIRMED or stage(1):
        return steps
    say((Action.ASSIGN, office, rng.uniform(0.5, 5),
         lambda i, at: {"due": at.date() + timedelta(days=rng.randint(20, 200)), "note": "请按期办结并报送进展"}))
    if rng.random() < 0.2:
        say((Action.INSTRUCT, leader, rng.uniform(1, 10), lambda i, at: {"text": "请抓紧推进，确保按期完成。"}))
    if rng.random() < 0.25:
        say((Action.REMIND, office, rng.uniform(3, 15), lambda i, at: {"text": "请尽快签收并报送办理计划"}))
    if target is State.ASSIGNED or stage(2):
        return steps
    say((Action.ACCEPT, unit, rng.uniform(0.5, 6), lambda i, at: {"note": "已签收"}))
    _reports(rng, steps, unit, co, rng.randint(0, 3))
    if rng.random() < 0.12:
        say((Action.REQUEST_EXTENSION, unit, rng.uniform(2, 15),
             lambda i, at: {"due": (i.due or date(2000, 1, 1)) + timedelta(days=rng.randint(15, 60)),
                        "reason": "受天气和资金到位影响，需延期办理"}))
        decision = rng.random()
        if decision < 0.5:
            say((Action.APPROVE_EXTENSION, office, rng.uniform(1, 5), lambda i, at: {"note": "同意延期"}))
        elif decision < 0.8:
            say((Action.REJECT_EXTENSION, office, rng.uniform(1, 5), lambda i, at: {"reason": "理由不充分，请按原期限办结"}))
    if rng.random() < 0.15:
        say((Action.REMIND, office, rng.uniform(3, 20), lambda i, at: {"text": "该事项进展滞后，请加快办理"}))
    if stage(3):
        return steps
    if target is State.IN_PROGRESS and rng.random() < 0.8:
        return steps
    say((Action.APPLY_COMPLETION, unit, rng.uniform(5, 30),
         lambda i, at: {"text": "各项工作已完成，申请办结。", "attachments": [f"验收材料{i.id}.pdf"]}))
    if target is State.IN_PROGRESS:
        say((Action.RETURN, office, rng.uniform(1, 6), lambda i, at: {"reason": "请补充验收材料和照片"}))
        _reports(rng, steps, unit, [], rng.randint(0, 1))
        return steps
    if target is State.COMPLETION_REQUESTED or stage(4):
        return steps
    say((Action.APPROVE, office, rng.uniform(1, 8), lambda i, at: {"note": "同意办结"}))
    if rng.random() < 0.7:
        rating = rng.choice(("excellent", "good", "good", "fair", "poor"))
        say((Action.RATE, office, rng.uniform(0.5, 10), lambda i, at: {"rating": rating}))
    return steps


def _reports(rng: random.Random, steps: list[Step], unit: Actor, co: list[Actor], n: int) -> None:
    percent = 0
    for k in range(n):
        percent = min(95, percent + rng.randint(10, 40))
        who = rng.choice(co) if co and rng.random() < 0.2 else unit
        files = [f"现场照片{k + 1}.jpg"] if rng.random() < 0.3 else []
        steps.append((Action.REPORT_PROGRESS, who, rng.uniform(5, 30),
                      lambda i, at, p=percent, f=files: {"text": f"已完成阶段任务，完成进度约{p}%。", "percent": p,
                                                     "attachments": f}))


def live(steps: list[Step], item: Item, created: Any, start: datetime) -> History:
    """Take the steps from `start` with `apply`, the ledger's one entry point."""
    events, at = [created], start
    for action, who, days, payload in steps:
        at = at + timedelta(days=days)
        item, event = apply(item, action, who, at, **payload(item, at))
        events.append(event)
    return History(item, events, start)


# -- rows ------------------------------------------------------------------------------------------------

ROWS_PER_ITEM = 40  # an id block per county and table holds this many rows per item (ids may have gaps)


@dataclass
class Counters:
    """The next id of each table within a county's block of ids: a county's rows have the same ids however
    the province is cut into work, so that counties can be made apart (and in parallel)."""

    items_base: int
    block_base: int
    ids: dict[str, int] = field(default_factory=dict)

    def next(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return (self.items_base if table == "items" else self.block_base) + self.ids[table]


@dataclass
class CopyChunk:
    """A county as COPY text per table, its rows per table, and its facts for the global chain, each as
    (`fact_json`, the kind, ref and digest as COPY fields between tabs)."""

    payloads: dict[str, tuple[tuple[str, ...], bytes]]
    counts: dict[str, int]
    facts: list[tuple[str, str]]
    last_ids: dict[str, int]


@dataclass
class Chunk:
    """Rows of each table, in the order they must be stored, and the facts they add to the global chain."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    facts: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class Province:
    """The generator: `chunks()` yields the rows of the province, a county at a time, in the global chain."""

    def __init__(self, spec: ProvinceSpec, settings: Settings):
        self.spec, self.settings = spec, settings
        self.organisations = organisation_rows(spec)
        self.names = {o["id"]: o["name"] for o in self.organisations}
        self.counties = county_names(spec.counties, spec.seed)
        self.key = settings.audit_key_bytes
        self.per_county = [spec.items // spec.counties + (c < spec.items % spec.counties)
                           for c in range(spec.counties)]

    def chunks(self, jobs: int = 1) -> Iterator[Chunk]:
        """The first chunk (units, the chain's genesis), then one per county, made by `jobs` processes."""
        chain = ChainLinker()
        yield chain.link(self.first(), [self.genesis()])
        for chunk in self.made(self.county, jobs):
            yield chain.link(chunk, chunk.facts)

    def first(self) -> Chunk:
        return Chunk(rows={Organisation.__tablename__: self.organisations})

    @staticmethod
    def genesis() -> tuple[str, str, str]:
        # The database's id names its checkpoint file: one of its own, as `luoshi.store.anchor` gives it.
        return ("genesis", uuid.uuid4().hex, GENESIS)

    def made(self, make: Callable[[int], Any], jobs: int) -> Iterator[Any]:
        """make(c) of every county in order, by `jobs` processes."""
        if jobs <= 1:
            yield from map(make, range(self.spec.counties))
            return
        import gc
        import multiprocessing

        # Not forked from this process: a fork copies the locks other threads hold at that instant (a test
        # run's or a web app's threads) and its open connection, here in the middle of a COPY. The forkserver
        # forks from a clean process of its own. The workers' rows hold no reference cycles: the collector
        # would only walk millions of objects.
        with multiprocessing.get_context("forkserver").Pool(jobs, initializer=gc.disable) as pool:
            yield from pool.imap(make, range(self.spec.counties))

    def county_copy(self, c: int) -> CopyChunk:
        """County `c` as COPY text (PostgreSQL): formatted where it is made, so that the parent process, which
        links the chain and feeds the database, only passes bytes on."""
        chunk = self.county(c)
        payloads = {table: copy_rows(SEARCH, rows, SEARCH_COLUMNS) if table == ENTRIES
                    else copy_rows(TABLES[table], rows) for table, rows in chunk.rows.items()}
        return CopyChunk(payloads, {table: len(rows) for table, rows in chunk.rows.items()},
                         [copy_fact(*fact) for fact in chunk.facts],
                         {table: max(row["id"] for row in rows) for table, rows in chunk.rows.items()})

    def county(self, c: int) -> Chunk:
        """The rows of county number `c` (from 0): its documents, their items and all beside them."""
        rng = random.Random(f"{self.spec.seed}:county:{c}")
        self.counters = Counters(sum(self.per_county[:c]), c * max(self.per_county) * ROWS_PER_ITEM)
        chunk = Chunk()
        for document in self._documents(rng, c, self.per_county[c]):
            self._document_rows(chunk, rng, c, *document)
        return chunk

    def _documents(self, rng: random.Random, c: int, n: int) -> Iterator[tuple[str, str, str, list[Line], int]]:
        """(genre, title, text, lines, year) of the documents of county `c`, holding `n` items in all."""
        government, departments = county_units(c)
        units = {u: self.names[u].removeprefix(self.counties[c] + "县") for u in departments}
        serial = 0
        while n > 0:
            serial += 1
            count = min(n, rng.randint(ITEMS_PER_DOCUMENT // 2, ITEMS_PER_DOCUMENT))
            genre = GENRES[serial % 3]
            year = self.spec.now.year - rng.randint(0, 9)
            title, body, lines = write_document(rng, genre, self.counties[c], year, serial, units, count)
            n -= count
            yield genre, title, body, lines, year

    def _document_rows(self, chunk: Chunk, rng: random.Random, c: int, genre: str, title: str, body: str,
                       lines: list[Line], year: int) -> None:
        now = self.spec.now
        doc_id = self.counters.next("documents")
        issued = date(year, rng.randint(1, 12), rng.randint(1, 28))
        issued = min(issued, now.date())
        chunk.add("documents", dict(id=doc_id, name=f"province-{c + 1}-{doc_id}.txt", path=f"province/{doc_id}.txt",
                                    sha256=_sha(body), version=1, previous_id=None, doc_type=genre, title=title,
                                    issued=issued, record={"format": 1, "title": title, "doc_type": genre,
                                                           "issuer": f"{self.counties[c]}县人民政府"},
                                    text=body, ingested_at=now - timedelta(days=(now.date() - issued).days),
                                    ingested_by=f"dc{c + 1}"))
        self._search(chunk, SearchEntry("document", doc_id, title, body, year=issued.year,
                                        url=f"/documents/{doc_id}"))
        if genre == MEETING_MINUTES:
            meeting = self.counters.next("meetings")
            chunk.add("meetings", dict(id=meeting, document_id=doc_id, ordinal=None, held_on=issued,
                                       part_of_day=None, chair=person_name(rng), chair_title="县长"))
            government, departments = county_units(c)
            for unit in rng.sample(departments, 3):
                person = self.counters.next("people")
                chunk.add("people", dict(id=person, name=f"{person_name(rng)}{person}"))
                chunk.add("memberships", dict(id=self.counters.next("memberships"), person_id=person,
                                              organisation_id=unit, meeting_id=meeting, role="出席",
                                              org_as_written=self.names[unit]))
        kind = {MEETING_MINUTES: Kind.DECISION, WORK_REPORT: Kind.TARGET, CONGRESS_REVIEW: Kind.TASK}[genre]
        for k, line in enumerate(lines):
            self._item_rows(chunk, rng, c, doc_id, kind, line, f"items[{k}]")

    def _item_rows(self, chunk: Chunk, rng: random.Random, c: int, doc_id: int, kind: Kind, line: Line,
                   path: str) -> None:
        now, settings = self.spec.now, self.settings
        office = Actor(f"dc{c + 1}", Role.SUPERVISOR)
        unit = Actor(f"u{line.lead}", Role.UNIT, unit=str(line.lead))
        co = [Actor(f"u{u}", Role.UNIT, unit=str(u)) for u in line.co]
        leader = Actor(f"ld{c + 1}", Role.LEADER)
        target = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        steps = plan(rng, target, office, unit, co, leader)
        span_days = sum(d for _, _, d, _ in steps)
        back = rng.uniform(0, 60) if not target.closed else rng.uniform(0, 3000)
        start = now - timedelta(days=span_days + back + 1)
        start = start.replace(microsecond=0)
        item_id = self.counters.next("items")
        title = line.sentence[:60]
        item, created = new_item(id=str(item_id), kind=kind, title=title, actor=office, now=start,
                                 text=line.sentence, source=SourceRef(str(doc_id), (line.start, line.end), path),
                                 lead_units=[str(line.lead)], co_units=[str(u) for u in line.co],
                                 due_text=line.due_text)
        history = live(steps, item, created, start)
        item = history.item
        last = history.events[-1].at
        columns = _columns(item, last, settings)
        chunk.add("items", dict(id=item_id, document_id=doc_id, span_start=line.start, span_end=line.end,
                                source_path=path, fingerprint=fingerprint(kind.value, line.sentence),
                                created_at=start, **columns))
        copy = {name: columns[name] for name in UNIT_COPY}
        units = [(u, LEAD) for u in item.lead_units] + [(u, CO) for u in item.co_units]
        for position, (u, role) in enumerate(units):
            chunk.add("assignments", dict(id=self.counters.next("assignments"), item_id=item_id,
                                          organisation_id=int(u), role=role, position=position, **copy))
        for position, e in enumerate(item.extensions):
            chunk.add("extensions", dict(id=self.counters.next("extensions"), item_id=item_id, position=position,
                                         requested_due=e.requested_due, previous_due=e.previous_due, reason=e.reason,
                                         requested_by=e.requested_by, requested_at=e.requested_at,
                                         status=e.status.value, granted_due=e.granted_due, decided_by=e.decided_by,
                                         decided_at=e.decided_at, decision_note=e.decision_note))
        facts = [("item", str(item_id), COVERED[ItemRow].digest(SimpleNamespace(id=item_id, kind=kind.value)))]
        later: list[tuple[str, str, str]] = []
        prev: AuditEntry | None = None
        for event in history.events:
            prev, event_json = record_json(prev, event, self.key)
            data = prev.event
            chunk.add("audit_log", dict(id=self.counters.next("audit_log"), item_id=item_id, seq=prev.seq,
                                        type=data["type"], at=event.at, actor=event.actor,
                                        from_state=data["from_state"], to_state=data["to_state"],
                                        event=event_json, prev_hash=prev.prev_hash, hash=prev.hash))
            facts.append(("event", f"{item_id}:{prev.seq}", prev.hash))
            later += self._facts_of(chunk, rng, item_id, event, data)
        chunk.facts += facts + later
        lead_name = self.names[int(item.lead_units[0])] if item.lead_units else None
        self._search(chunk, SearchEntry("item", item_id, item.title,
                                        item.text if item.text != item.title else "", unit=lead_name,
                                        co_units=tuple(self.names[int(u)] for u in item.co_units),
                                        year=_year(item.due, start), url=f"/items/{item_id}"))

    def _facts_of(self, chunk: Chunk, rng: random.Random, item_id: int, event: Any,
                  data: dict[str, Any]) -> list[tuple[str, str, str]]:
        """The rows an event adds beside the item (as `luoshi.store.items._record_facts` writes them), and
        their facts for the global chain."""
        base = dict(item_id=item_id, version=event.version, by=event.actor, at=event.at)
        kind = data["type"]
        if kind in (Action.REPORT_PROGRESS.value, Action.APPLY_COMPLETION.value):
            unit = int(event.unit) if event.unit else None
            row = dict(id=self.counters.next("progress_reports"), **base, kind=kind, text=data["text"],
                       percent=data.get("percent"), attachments=[{"name": a} for a in data.get("attachments") or []],
                       unit_id=unit)
            chunk.add("progress_reports", row)
            facts = [self._fact(ProgressReport, row)]
            for name in data.get("attachments") or []:
                file_kind = "pdf" if name.endswith(".pdf") else "jpeg"
                file = dict(id=self.counters.next("attachments"), **base, name=name, kind=file_kind,
                            size=rng.randint(40_000, 900_000), sha256=_sha(f"{item_id}:{event.version}:{name}"),
                            thumbnail_sha256=None, pages=1 if file_kind == "pdf" else None, unit_id=unit)
                chunk.add("attachments", file)
                facts.append(self._fact(AttachmentRow, file))
            return facts
        if kind == Action.REMIND.value:
            for u in data["units"]:
                chunk.add("reminders", dict(id=self.counters.next("reminders"), **base, unit_id=int(u),
                                            text=data.get("text"), delivery="sent", delivery_error=None,
                                            delivered_at=event.at))
        elif kind == Action.RATE.value:
            row = dict(id=self.counters.next("ratings"), **base, rating=data["rating"], note=data.get("note"))
            chunk.add("ratings", row)
            return [self._fact(RatingRow, row)]
        elif kind == Action.INSTRUCT.value:
            row = dict(id=self.counters.next("instructions"), **base, text=data["text"])
            chunk.add("instructions", row)
            return [self._fact(Instruction, row)]
        return []

    @staticmethod
    def _fact(model: type, row: dict[str, Any]) -> tuple[str, str, str]:
        covered = COVERED[model]
        namespace = SimpleNamespace(**row)
        return covered.kind, covered.ref(namespace), covered.digest(namespace)

    def _search(self, chunk: Chunk, entry: SearchEntry) -> None:
        chunk.add(ENTRIES, {"id": self.counters.next(ENTRIES), **search_row(entry)})


def copy_fact(kind: str, ref: str, digest: str) -> tuple[str, str]:
    """A fact of the global chain as `ChainLinker.link_copy` takes it: its JSON, and its fields as COPY text."""
    return fact_json(kind, ref, digest), f"\t{copy_text(kind)}\t{copy_text(ref)}\t{copy_text(digest)}\t"


class ChainLinker:
    """The global audit chain (`luoshi.store.anchor`): each fact linked to the one before, in one sequence."""

    def __init__(self) -> None:
        self.seq, self.hash = 0, GENESIS

    def link(self, chunk: Chunk, facts: list[tuple[str, str, str]]) -> Chunk:
        rows = chunk.rows.setdefault(ChainEntryRow.__tablename__, [])
        for kind, ref, digest in facts:
            self.seq += 1
            self.hash = entry_hash(self.hash, self.seq, kind, ref, digest)
            rows.append(dict(id=self.seq, seq=self.seq, kind=kind, ref=ref, digest=digest, hash=self.hash))
        chunk.facts = []
        return chunk

    def link_copy(self, facts: list[tuple[str, str]]) -> bytes:
        """The chain's rows (id, seq, kind, ref, digest, hash) of `facts` (`CopyChunk.facts`) as COPY text."""
        seq, head, lines = self.seq, self.hash, []
        for fact, fields in facts:
            seq += 1
            head = chain_hash(chain_json(head, fact, seq))  # entry_hash, from the fact's JSON made beforehand
            lines.append(f"{seq}\t{seq}{fields}{head}\n")
        self.seq, self.hash = seq, head
        return "".join(lines).encode("utf-8")


# -- storing ---------------------------------------------------------------------------------------------

TABLES = {t.__tablename__: t.__table__ for t in (
    Organisation, Document, Meeting, Person, Membership, ItemRow, Assignment, ExtensionRow, AuditEntryRow,
    ProgressReport, AttachmentRow, ReminderRow, RatingRow, Instruction, ChainEntryRow)}
# Parents before children, so that every foreign key finds its row.
ORDER = ("organisations", "documents", "meetings", "people", "memberships", "items", "assignments", "extensions",
         "audit_log", "progress_reports", "attachments", "reminders", "ratings", "instructions", "audit_chain",
         ENTRIES)
SEARCH_COLUMNS = ("id", "kind", "ref_id", "title", "body", "unit", "units", "year", "url", "title_tokens",
                  "body_tokens")


@dataclass(frozen=True)
class ProvinceSummary:
    counts: dict[str, int]
    users: list[tuple[str, str, str]]  # (username, password, role)
    seconds: float


class SQLiteSink:
    """Rows into SQLite through SQLAlchemy Core's executemany (its types turn JSON and times into columns)."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        if table != ENTRIES:
            self.conn.execute(insert(TABLES[table]), rows)
            return
        self.conn.execute(text(f"INSERT INTO {ENTRIES} (id, kind, ref_id, title, body, unit, year, url) "
                               "VALUES (:id, :kind, :ref_id, :title, :body, :unit, :year, :url)"), rows)
        self.conn.execute(text(f"INSERT INTO {FTS} (rowid, title, body, tags) "
                               "VALUES (:id, :title_tokens, :body_tokens, :tags)"), rows)

    def commit(self) -> None:
        self.conn.commit()


# The staging table of search entries: PostgreSQL turns their tokens into the weighted tsvector that
# `luoshi.search.entries` writes, a county at a time (so the database works while the next is made).
SEARCH = Table("province_search", MetaData(), Column("id", BigInteger), Column("kind", Text), Column("ref_id", Text),
               Column("title", Text), Column("body", Text), Column("unit", Text), Column("units", ARRAY(Text)),
               Column("year", Integer), Column("url", Text), Column("title_tokens", Text), Column("body_tokens", Text))
_SEARCH_INSERT = (
    f"INSERT INTO {ENTRIES} (id, kind, ref_id, title, body, unit, units, year, url, document, title_document) "
    "SELECT id, kind, ref_id, title, body, unit, units, year, url, setweight(to_tsvector('simple', title_tokens), "
    "'A') || setweight(to_tsvector('simple', body_tokens), 'D'), to_tsvector('simple', title_tokens) "
    "FROM province_search")


class PostgresLoad:
    """The province into PostgreSQL in one transaction (`luoshi.store.bulk.bulk_load`: keys, indexes and
    foreign keys built after the rows, the kept counts counted once), each county's rows by COPY."""

    def __init__(self, load: Any):
        self.load, self.cursor = load, load.cursor
        self.cursor.execute("CREATE TEMP TABLE province_search (id bigint, kind text, ref_id text, title text, "
                            "body text, unit text, units text[], year int, url text, title_tokens text, "
                            "body_tokens text) ON COMMIT DROP")

    def write(self, table: str, columns: tuple[str, ...], payload: bytes) -> None:
        if table == ENTRIES:
            self._copy("province_search", columns, payload)
            self.cursor.execute(_SEARCH_INSERT)
            self.cursor.execute("TRUNCATE province_search")
            return
        self._copy(table, columns, payload, self.load.freeze)

    def _copy(self, table: str, columns: tuple[str, ...], payload: bytes, freeze: bool = False) -> None:
        with self.cursor.copy(copy_statement(table, columns, freeze)) as copy:
            copy.write(payload)

    def finish(self, last_ids: dict[str, int]) -> None:
        """Each table's id sequence past its last id: known when the tables were empty (their keys are not
        built yet, so max(id) would read them whole), else read. The sequence is left as if it had given
        that id (`is_called`), as the store's own inserts leave it."""
        for table in (*ORDER[:-1], ENTRIES):
            last = str(last_ids.get(table, 0)) if self.load.freeze else f"coalesce((SELECT max(id) FROM {table}), 0)"
            self.cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(m, 1), m > 0) "
                                f"FROM (SELECT {last} AS m) AS last")


def store_rows(engine: Engine, province: Province, jobs: int = 1) -> dict[str, int]:
    """Write every chunk of `province` (made by `jobs` processes); the rows written per table. PostgreSQL
    takes the whole province in one transaction, SQLite a county per transaction."""
    if engine.dialect.name == "postgresql":
        return _store_postgres(engine, province, jobs)
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        sink = SQLiteSink(conn)
        for chunk in province.chunks(jobs):
            for table in ORDER:
                rows = chunk.rows.get(table)
                if rows:
                    sink.write(table, rows)
                    counts[table] = counts.get(table, 0) + len(rows)
            sink.commit()
    return counts


def _store_postgres(engine: Engine, province: Province, jobs: int) -> dict[str, int]:
    chain = ChainLinker()
    first = province.first()
    counts = {Organisation.__tablename__: len(province.organisations), ChainEntryRow.__tablename__: 0}
    last_ids = {Organisation.__tablename__: max(o["id"] for o in province.organisations)}
    chain_columns = ("id", "seq", "kind", "ref", "digest", "hash")
    settings = province.settings
    with engine.connect() as conn, bulk_load(
            conn.connection.driver_connection, (*ORDER[:-1], ENTRIES),
            before=lambda: aggregates.pause(conn),  # the kept counts: counted once, at the end
            after=lambda: aggregates.rebuild(conn, zone=settings.timezone,
                                             near_days=settings.warning_policy.near_days)) as load:
        sink = PostgresLoad(load)
        organisations = first.rows[Organisation.__tablename__]
        sink.write(Organisation.__tablename__, *copy_rows(TABLES[Organisation.__tablename__], organisations))
        sink.write(ChainEntryRow.__tablename__, chain_columns, chain.link_copy([copy_fact(*province.genesis())]))
        counts[ChainEntryRow.__tablename__] += 1
        for county in province.made(province.county_copy, jobs):
            for table in ORDER:
                if table in county.payloads:
                    sink.write(table, *county.payloads[table])
                    counts[table] = counts.get(table, 0) + county.counts[table]
                    last_ids[table] = max(last_ids.get(table, 0), county.last_ids[table])
                elif table == ChainEntryRow.__tablename__:
                    sink.write(table, chain_columns, chain.link_copy(county.facts))
                    counts[table] += len(county.facts)
        last_ids[ChainEntryRow.__tablename__] = chain.seq
        sink.finish(last_ids)
    return counts


def create_users(url: str, spec: ProvinceSpec, settings: Settings) -> list[tuple[str, str, str]]:
    """The office, a leader, an administrator, and a unit user for the first department of the first
    `spec.unit_users` counties, through `luoshi.store.users` (logged and chained as any user is)."""
    from luoshi.store import users as store_users
    from luoshi.store.db import Database

    wanted = [("admin", "admin", None, "系统管理员"), ("office", "supervisor", None, "省督查室"),
              ("leader", "leader", None, "省领导")]
    for c in range(min(spec.unit_users, spec.counties)):
        wanted.append((f"unit{c + 1}", "unit", county_units(c)[1][0], f"联络员{c + 1}"))
    db = Database(url, migrate=False)
    try:
        with db.session() as s:
            for username, role, unit, name in wanted:
                store_users.create_user(s, username=username, password=PASSWORD, role=role, unit=unit,
                                        display_name=name)
    finally:
        db.dispose()
    return [(u, PASSWORD, r) for u, r, _, _ in wanted]


def write_province(url: str, spec: ProvinceSpec, settings: Settings, jobs: int = 1) -> ProvinceSummary:
    """Make the province `spec` in the empty, migrated database at `url` (see the module docstring)."""
    import time

    from luoshi.store import statistics
    from luoshi.store.db import make_engine

    started = time.perf_counter()
    engine = make_engine(url)
    try:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # the dashboard's kept counts are counted once at the end, not row by row
            with engine.begin() as conn:
                aggregates.pause(conn)
        counts = store_rows(engine, Province(spec, settings), jobs)
        if sqlite:
            with engine.begin() as conn:
                aggregates.rebuild(conn, zone=settings.timezone, near_days=settings.warning_policy.near_days)
        statistics.refresh(engine)
    finally:
        engine.dispose()
    users = create_users(url, spec, settings)
    return ProvinceSummary(counts, users, time.perf_counter() - started)
