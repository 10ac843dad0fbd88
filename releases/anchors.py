"""Stable anchors of sentences: the same sentence keeps its anchor in every release that shows it.

A sentence (a claim: body text ending in 「。」) is named by what identifies it to
a reader: the section it stands in (the section's permanent ``key``), its text,
and which occurrence of that text in the section it is (the rare repeated
sentence). ``c-`` and ten base32 characters of the SHA-256 of those three.

Why this and not something else:

* not the ``Claim`` row id: every revision writes new rows, so ids change with
  any edit of the section, even of another sentence;
* not the position in the section: inserting one sentence would move every
  anchor after it;
* not "carried over from the base revision's claim": for an unchanged sentence
  it gives the same answer, but it needs the revision history to compute, and
  a data migration could not reproduce it for releases frozen before anchors
  existed. The derivation needs only the frozen text, so old releases get
  exactly the anchors they would have had.

An edited sentence gets a new anchor: an anchor promises the words it points
at. Anchors are frozen into the artefact (format 2), so a later change to
this function can never move a published anchor; ``anchors_for`` is used at
freezing time and, for format-1 artefacts, when reading them.
"""
from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

PREFIX = "c-"
ANCHOR_PATTERN = r"c-[a-z2-7]{10}"
_SPACES = re.compile(r"\s+")


def claim_anchor(section_key: str, text: str, occurrence: int) -> str:
    """The anchor of the ``occurrence``-th (from 0) sentence with ``text`` in section ``section_key``."""
    normal = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    digest = hashlib.sha256(f"{section_key}\x1f{normal}\x1f{occurrence}".encode()).digest()
    return PREFIX + base64.b32encode(digest).decode("ascii")[:10].lower()


def anchors_for(section_key: str, texts: Iterable[str]) -> list[str]:
    """The anchors of a section's sentences, in reading order."""
    seen: Counter[str] = Counter()
    anchors = []
    for text in texts:
        normal = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
        anchors.append(claim_anchor(section_key, text, seen[normal]))
        seen[normal] += 1
    return anchors


def is_anchor(value: str) -> bool:
    return re.fullmatch(ANCHOR_PATTERN, value) is not None


def document_anchors(snapshot: dict[str, Any]) -> list[tuple[str, int, int, str]]:
    """``(section key, revision id, claim id, anchor)`` of every sentence of a frozen snapshot (format 1 or 2)."""
    rows = []
    for section in snapshot["sections"]:
        claims = [claim for paragraph in section["paragraphs"] for claim in paragraph]
        derived = anchors_for(section["key"], [claim["text"] for claim in claims])
        rows.extend(
            (section["key"], section["revision"], claim["id"], claim.get("anchor") or anchor)
            for claim, anchor in zip(claims, derived, strict=True)
        )
    return rows
