"""The dependency tree stays free of copyleft that would bind luoshi's users: no GPL or AGPL package.

LGPL (psycopg) is allowed: it is used as a library, unmodified. Walks the installed metadata of luoshi
and its test extra, so a new dependency that pulls in a GPL package fails here.
"""

from __future__ import annotations

import re
from importlib import metadata

from packaging.requirements import Requirement

STRONG_COPYLEFT = re.compile(r"(?<![L])\bA?GPL|GNU (Affero )?General Public", re.I)
LESSER = re.compile(r"LGPL|Lesser General Public|Library General Public", re.I)
BANNED = {"pymupdf", "fitz", "jionlp", "jiojio"}  # AGPL / GPLv3 packages once proposed for the job


def licence(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    parts = [meta.get("License-Expression") or "", (meta.get("License") or "")[:300]]
    parts += [c for c in (meta.get_all("Classifier") or []) if c.startswith("License ::")]
    return " | ".join(p for p in parts if p)


def dependency_tree(root: str, extras: tuple[str, ...] = ()) -> dict[str, str]:
    """{distribution name: licence text} for `root` and everything it requires, extras included."""
    seen: dict[str, str] = {}
    todo = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency for another platform
        seen[key] = licence(dist)
        environments = [{"extra": e} for e in wanted] or [{"extra": ""}]
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or any(req.marker.evaluate(env) for env in environments):
                todo.append((req.name, tuple(req.extras)))
    return seen


def is_strong_copyleft(text: str) -> bool:
    without_lesser = LESSER.sub("", text)
    return bool(STRONG_COPYLEFT.search(without_lesser))


def test_licence_classifier_reading():
    assert [is_strong_copyleft(t) for t in (
        "AGPL-3.0-only", "GPL-3.0-or-later", "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
        "LGPL-3.0-only", "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", "MIT",
    )] == [True, True, True, False, False, False]


def test_no_gpl_or_agpl_in_the_dependency_tree():
    tree = dependency_tree("luoshi", ("test", "ocr"))
    assert {"pdfplumber", "python-docx", "sqlalchemy", "fastapi"} <= tree.keys()
    if "rapidocr-onnxruntime" in tree:  # the OCR extra, when installed: its engine, runtime and models
        assert {"onnxruntime", "opencv-python"} <= tree.keys()
    assert BANNED & tree.keys() == set()
    assert {name: text for name, text in tree.items() if is_strong_copyleft(text)} == {}
