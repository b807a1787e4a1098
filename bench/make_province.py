"""Make a synthetic province (`luoshi.samples.province`) in a database: counties with their units, people
and users, documents of the three genres, and items in every state with their histories.

Run: python bench/make_province.py --items 1000000 [--counties 100] [--seed 1] [--jobs cores]
     --url postgresql+psycopg://postgres@127.0.0.1:5432/province   (or sqlite:///province.sqlite3)
The database is migrated first and must hold no items. Prints the rows written per table, the time taken
and the users (all with the same password). PostgreSQL takes the province in one transaction by COPY, its
indexes and foreign keys built again at the end (a failed run leaves the database as it was); SQLite a county
at a time by executemany.
"""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy import func, select

from luoshi.samples.province import ProvinceSpec, write_province
from luoshi.settings import load_settings
from luoshi.store.db import make_engine, upgrade
from luoshi.store.models import ItemRow


def counties_for(items: int) -> int:
    """About 10 000 items a county, 3 to 100 counties."""
    return max(3, min(100, items // 10_000))


def make(url: str, items: int, counties: int, seed: int, jobs: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        present = conn.scalar(select(func.count()).select_from(ItemRow))
    if present:
        raise SystemExit(f"the database already holds {present} items: give an empty one")
    settings = load_settings(database_url=url)
    engine.dispose()
    summary = write_province(url, ProvinceSpec(items=items, counties=counties, seed=seed), settings, jobs=jobs)
    print(f"{items} items in {counties} counties (seed {seed}) in {summary.seconds:.1f} s with {jobs} job(s) "
          f"on {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f})")
    for table, n in sorted(summary.counts.items(), key=lambda kv: -kv[1]):
        print(f"  {table:<18} {n:>10}")
    print("users (password " + summary.users[0][1] + "): " + ", ".join(f"{u} ({r})" for u, _, r in summary.users))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--counties", type=int, default=None, help="default: about 10 000 items a county, 3–100")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes that make the rows")
    parser.add_argument("--url", required=True, help="the database (SQLAlchemy URL)")
    args = parser.parse_args()
    make(args.url, args.items, args.counties or counties_for(args.items), args.seed, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
