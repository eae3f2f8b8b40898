"""The documents stay a front door and a set of pages that link to what exists.

The README is the first thing a maintainer reads: it stays short and points into docs/. Every
relative link in the README, the changelog and docs/*.md must reach a file of the project (and
a heading of it, when the link names one), so a renamed file or heading is found here rather
than by a reader.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
README_MAX_LINES = 150
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def anchor(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub, GitLab, Gitea) gives a heading."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its words
    text = text.lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)  # \w keeps Chinese characters
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found, seen = set(), {}
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = anchor(heading)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def test_the_readme_stays_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines; keep it at most {README_MAX_LINES} and move details "
        "into docs/")


def test_the_documents_are_there():
    names = {p.relative_to(ROOT).as_posix() for p in DOCUMENTS}
    for needed in ("README.md", "CHANGELOG.md", "docs/architecture.md", "docs/deploy.md",
                   "docs/testing.md", "docs/用户手册.md", "docs/管理员手册.md"):
        assert needed in names, needed


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_reaches_a_file_and_heading(doc):
    broken = []
    for target in links(doc):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto: …
            continue
        file_part, _, fragment = target.partition("#")
        path = (doc.parent / unquote(file_part)).resolve() if file_part else doc
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif ROOT not in path.parents and path != ROOT:
            broken.append(f"{target}: outside the project")
        elif fragment and path.suffix == ".md" and unquote(fragment) not in anchors(path):
            broken.append(f"{target}: no heading #{fragment} in {path.name}")
    assert not broken, f"{doc.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_anchor_rule_matches_the_renderers():
    assert anchor("The five databases (五库) and reference tables") == \
        "the-five-databases-五库-and-reference-tables"
    assert anchor("Several processes behind nginx (`make serve WORKERS=N`)") == \
        "several-processes-behind-nginx-make-serve-workersn"
    assert anchor("同比 (year on year)") == "同比-year-on-year"


def test_a_link_check_that_can_fail(tmp_path):
    doc = tmp_path / "a.md"
    doc.write_text("# Title\n\n[ok](a.md#title) [gone](b.md) `[code](c.md)`\n\n"
                   "```\n[block](d.md)\n```\n", encoding="utf-8")
    assert links(doc) == ["a.md#title", "b.md"]
    assert anchors(doc) == {"title"}
