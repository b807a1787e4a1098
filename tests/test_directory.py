"""The directory a process keeps for reading (`luoshi.store.directory`): it finds the units the database finds
(`orgs.find_organisation`: by name, key, alias, a level-free key, through merges), and a search's unit words
cost one small statement while the directory does not change, on any host."""

from __future__ import annotations

from luoshi.store import orgs
from luoshi.store.db import Database, recorded_statements
from luoshi.store.directory import directory
from luoshi.store.search_index import units_named

WORDS = ["县住建局", "青溪县住房和城乡建设局", "住建局", "区住建局", "卫健委", "市卫生健康委员会", "市卫健委", "旧名称局",
         "市发改委", "市发展和改革委员会", "财政局", "市财政局", "不存在的单位", "12", "", "  市卫健委  "]


def _directory_of_a_city(db: Database) -> None:
    with db.session() as s:
        orgs.create_organisation(s, name="县住房和城乡建设局")
        orgs.create_organisation(s, name="区住房和城乡建设局")
        orgs.create_organisation(s, name="市卫生健康委员会")
        kept = orgs.create_organisation(s, name="市发展和改革委员会")
        gone = orgs.create_organisation(s, name="市财政局", aliases=["旧名称局"])
        orgs.merge_organisations(s, keep_id=kept.id, merge_id=gone.id)


def test_the_kept_directory_finds_what_the_database_finds(db):
    _directory_of_a_city(db)
    with db.session(read_only=True) as s:
        units = directory(s)
        for word in WORDS:
            expected = orgs.find_organisation(s, word) if not word.strip().isdigit() else None
            found = units.find(word)
            assert ((found.id, found.name) if found else None) == ((expected.id, expected.name) if expected else None)
        assert units.find("财政局").name == "市发展和改革委员会"  # merged: the unit kept
        assert [u.name for u in units.at_levels(orgs.key_of("住建局"))] == ["县住房和城乡建设局", "区住房和城乡建设局"]
        assert [(u.name, u.word) for u in units_named(s, "住建局 燃气 市卫健委 2024")] == [
            ("县住房和城乡建设局", "住建局"), ("区住房和城乡建设局", "住建局"), ("市卫生健康委员会", "市卫健委")]


def test_a_search_asks_the_directory_once_while_it_does_not_change_on_any_host(db):
    _directory_of_a_city(db)
    other = Database(db.url, migrate=False)  # a second process on the same database
    try:
        with other.session(read_only=True) as s:
            assert [u.name for u in units_named(s, "市卫健委")] == ["市卫生健康委员会"]
        with recorded_statements(other.engine) as seen, other.session(read_only=True) as s:
            assert [u.name for u in units_named(s, "市卫健委 县住建局")] == ["市卫生健康委员会", "县住房和城乡建设局"]
        assert len(seen) == 1 and "list_versions" in seen[0][0]
        with db.session() as s:  # through the first "host": a rename keeps the old name as an alias
            org = orgs.find_organisation(s, "市卫健委")
            orgs.rename_organisation(s, org_id=org.id, name="市卫生健康局")
        with other.session(read_only=True) as s:
            assert [u.name for u in units_named(s, "市卫生健康委员会 市卫生健康局")] == ["市卫生健康局", "市卫生健康局"]
        with recorded_statements(other.engine) as seen, other.session(read_only=True) as s:
            units_named(s, "")  # no word: nothing asked
        assert seen == []
    finally:
        other.dispose()
