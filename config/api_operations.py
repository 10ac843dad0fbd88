"""drf-spectacular hook: a summary, a description and examples for every API operation.

The API is composed here (``config/urls.py`` mounts every app's endpoints), so its reference
text lives here too, in one table keyed by ``operationId``: what a generated client names
its functions after, what Swagger UI lists. A view's own ``extend_schema(summary=…)`` wins;
a description in the table wins over a view's docstring (which describes all its methods at
once), and the docstring serves where the table has none. Examples are real shapes from the
paper (section ``ch4-1``, note 1's source), checked by Spectral against the schema
(``oas3-valid-media-example``) and by ``tests/api/test_schema_quality.py``, which also
requires every operation to have all three: a new endpoint without them fails the suite.
"""
from __future__ import annotations

import copy
from typing import Any, NamedTuple


class Doc(NamedTuple):
    summary: str
    description: str
    response: Any = None  # example of the success body (list operations: one item, paginated here)
    request: Any = None  # example of the request body


DIGEST = "sha256:9f2c1e0b6f4a8d3c5e7b9a1f0d2c4e6a8b0d2f4a6c8e0a2c4e6f8a0b2d4f6a8c"
BRIEFING = {
    "slug": "world-2025", "title": "2025年の国際情勢の概観と展望", "publication": "立法と調査　2025.2　No.473",
    "author": "外交防衛委員会調査室", "description": "", "url": "/briefings/world-2025/",
}
RELEASE_SUMMARY = {
    "number": 2, "kind": "update", "published_at": "2025-03-10T09:00:00+09:00", "information_as_of": "2025-03-10",
    "summary": "ウクライナ情勢の節を3月の停戦交渉に合わせて更新しました。", "digest": DIGEST,
}
RELEASE = {
    "id": 2, "briefing": "world-2025", "number": 2, "kind": "update", "published_at": "2025-03-10T09:00:00+09:00",
    "information_as_of": "2025-03-10", "summary": RELEASE_SUMMARY["summary"],
    "sections": [{"key": "ch4-1", "revision": 118}], "url": "/briefings/world-2025/releases/2/", "digest": DIGEST,
}
SNAPSHOT = {
    "briefing": "world-2025", "release": 1, "kind": "update", "published_at": "2025-02-09T00:00:00+09:00",
    "information_as_of": "2025-02-09",
    "sections": [{
        "key": "ch2", "number": "２．", "heading": "日米関係", "heading_footnote_refs": [], "level": 1, "parent": None,
        "revision": 17, "information_as_of": "2025-02-09",
        "paragraphs": [[{
            "id": 5, "anchor": "c-3f9a2b", "text": "日本の在米大使館はトランプ氏陣営と人脈を維持した。",
            "footnote_refs": [{"number": 1, "offset": 25}], "section_refs": [],
        }]],
    }],
    "footnotes": [{
        "number": 1, "key": "n1", "text": "報じられている（『日本経済新聞』（2025.1.23））。",
        "sources": [{"id": 3, "kind": "newspaper", "citation": "『日本経済新聞』（2025.1.23）", "url": None,
                     "accessed_on": "2025-02-09", "locator": ""}],
    }],
    "digest": DIGEST,
}
SECTION = {
    "id": 12, "briefing": "world-2025", "key": "ch4-1", "parent": "ch4", "position": 11, "published_revision": 40,
}
REVISION = {
    "id": 118, "briefing": "world-2025", "section": "ch4-1", "base": 40, "status": "draft", "number": "（１）",
    "heading": "ロシア・ウクライナ戦争",
    "body": "３月11日、米国とウクライナは30日間の停戦案で合意した[^n60]。\n\n[^n60]: 『読売新聞』（2025.3.12）",
    "information_as_of": "2025-03-12", "change_summary": "停戦案の合意を追記", "release_kind": "update",
    "published_at": None, "created_at": "2025-03-12T10:15:00+09:00",
}
STAFF_REVISION = {
    **REVISION, "author": 7, "contributors": [7], "submitted_at": None, "reviewed_by": None, "reviewed_at": None,
    "review_comment": "", "release_note": "", "publish_at": None,
    "actions": [{"action": "submit", "label": "審査に提出"}],
}
REVISION_LIST_ITEM = {k: v for k, v in REVISION.items() if k != "body"}
CLAIM = {
    "id": 5, "briefing": "world-2025", "section": "ch2", "revision": 17, "position": 0, "paragraph": 0,
    "role": "body", "text": "日本の在米大使館はトランプ氏陣営と人脈を維持した。",
    "footnote_refs": [{"key": "n1", "offset": 25}],
}
EVENT = {
    "id": 4, "key": "us-ukraine-ceasefire-proposal", "title": "米ウクライナ、30日間の停戦案で合意",
    "description": "ジッダでの協議で合意。ロシアの同意が焦点となる。",
    "date": {"start": "2025-03-11", "until": None, "latest": "2025-03-11", "precision": "day",
             "text": "25年3月11日", "display": "2025年3月11日"},
    "tags": ["ウクライナ"],
    "sources": [{"id": 61, "citation": "『読売新聞』（2025.3.12）", "url": None, "locator": ""}],
    "sections": [{"briefing": "world-2025", "key": "ch4-1", "claim": None}],
    "created_at": "2025-03-12T10:00:00+09:00", "updated_at": "2025-03-12T10:00:00+09:00",
}
EVENT_INPUT = {
    "briefing": "world-2025", "key": "us-ukraine-ceasefire-proposal", "date": "25年3月11日",
    "title": "米ウクライナ、30日間の停戦案で合意", "description": "ジッダでの協議で合意。ロシアの同意が焦点となる。",
    "tags": ["ウクライナ"], "sections": ["ch4-1"], "sources": [{"citation": "『読売新聞』（2025.3.12）"}],
}
SOURCE = {
    "id": 3, "kind": "newspaper", "citation": "『日本経済新聞』（2025.1.23）", "title": "", "container": "日本経済新聞",
    "volume": "", "author": "", "authors": [], "publisher": "", "issued_on": "2025-01-23", "issued_until": None,
    "issued_precision": "day", "issued_text": "2025.1.23", "url": "", "url_domain": "", "accessed_on": "2025-02-09",
    "pages": "", "archive_url": "", "archive_captured_on": None, "link_status": "", "link_checked_at": None,
    "previous_version": None, "is_current": True,
}
REVIEWED = {**STAFF_REVISION, "reviewed_by": 9, "reviewed_at": "2025-03-12T15:00:00+09:00",
            "submitted_at": "2025-03-12T11:00:00+09:00", "actions": []}

OPERATIONS: dict[str, Doc] = {
    "briefings_list": Doc("List briefings", "Briefings with at least one public release.", BRIEFING),
    "briefings_retrieve": Doc(
        "Get a briefing", "A briefing with its newest releases (at most 20, newest first: number, dates, kind, note, "
        "digest) and releases_url, the cursor-paginated list of every release.",
        {**BRIEFING, "releases": [RELEASE_SUMMARY], "releases_url": "/api/releases/?briefing=world-2025"},
    ),
    "briefings_snapshot_retrieve": Doc(
        "Get a snapshot of a briefing",
        "The release in force at the end of `as_of` (Asia/Tokyo), or release `release`, or the latest: served byte "
        "for byte as frozen at publication, with its digest. A malformed `as_of` is a 400, a day with no release 404.",
        SNAPSHOT,
    ),
    "claims_list": Doc("List claims", "", CLAIM),
    "events_list": Doc("List events", "", EVENT),
    "events_create": Doc(
        "Create an event",
        "Editors record a dated event (Japanese date text at its own precision), its tags, sources and the "
        "sections it bears on. A key already in use is a 409.",
        EVENT, EVENT_INPUT,
    ),
    "events_retrieve": Doc("Get an event", "An event with its `ETag`, for `If-Match` on the next PATCH.", EVENT),
    "events_partial_update": Doc(
        "Edit an event", "Editors change some fields of an event; the key cannot change. `If-Match` guards "
        "against lost updates (412).",
        EVENT, {"title": "米ウクライナ、30日間の停戦案で合意（ジッダ協議）"},
    ),
    "releases_list": Doc("List releases", "", RELEASE),
    "releases_retrieve": Doc("Get a release", "A public release with its manifest (section → revision) and digest.",
                             RELEASE),
    "releases_artefact_retrieve": Doc(
        "Get the artefact of a release", "",
        {
            "format": 3, "briefing": {k: v for k, v in BRIEFING.items() if k != "url"},
            "release": {**{k: v for k, v in RELEASE_SUMMARY.items() if k != "digest"},
                        "url": "https://briefings.example.org/briefings/world-2025/releases/2/"},
            "snapshot": {k: v for k, v in SNAPSHOT.items() if k != "digest"},
            "notes": [{"number": 1, "key": "n1", "section": "ch2",
                       "source_text": "報じられている（『日本経済新聞』（2025.1.23））。"}],
            "sections": [{"key": "ch4-1", "label": "４．（１）ロシア・ウクライナ戦争", "changed": True,
                          "change_summary": "停戦案の合意を追記"}],
            "sources": [{"id": 3, "kind": "newspaper", "citation": "『日本経済新聞』（2025.1.23）", "url": None,
                         "accessed_on": "2025-02-09",
                         "csl": {"type": "article-newspaper", "container-title": "日本経済新聞"}}],
            "access_date": "2025-02-09",
        },
    ),
    "revisions_list": Doc("List revisions", "", REVISION_LIST_ITEM),
    "revisions_retrieve": Doc("Get a revision", "", {**STAFF_REVISION, "events": [4]}),
    "revisions_partial_update": Doc(
        "Edit a draft", "Editors change a draft's heading, body (editing format), cutoff, change summary or "
        "events. Only drafts can change (409 otherwise); `If-Match` guards against lost updates (412).",
        {**STAFF_REVISION, "events": [4]},
        {"body": REVISION["body"], "information_as_of": "2025-03-12", "events": [4]},
    ),
    "revisions_approve": Doc("Approve a revision", "", {**REVIEWED, "status": "published",
                                                        "published_at": "2025-03-12T15:00:00+09:00"}, {}),
    "revisions_rebase": Doc("Rebase a stale draft", "", STAFF_REVISION, {}),
    "revisions_reject": Doc("Reject a revision", "", {**REVIEWED, "status": "rejected",
                                                      "review_comment": "出典の日付を確認してください。"},
                            {"comment": "出典の日付を確認してください。"}),
    "revisions_reopen": Doc("Reopen a rejected revision", "", STAFF_REVISION, {}),
    "revisions_schedule": Doc("Schedule a revision", "", {**REVIEWED, "status": "scheduled",
                                                          "publish_at": "2025-03-13T09:00:00+09:00"},
                              {"publish_at": "2025-03-13T09:00:00+09:00"}),
    "revisions_submit": Doc("Submit a draft", "", {**STAFF_REVISION, "status": "submitted",
                                                   "submitted_at": "2025-03-12T11:00:00+09:00", "actions": []},
                            {"comment": "停戦案の合意を追記しました。"}),
    "revisions_unschedule": Doc("Cancel a scheduled publication", "", {**REVIEWED, "status": "submitted"}, {}),
    "revisions_withdraw": Doc("Withdraw a submitted revision", "", STAFF_REVISION, {}),
    "sections_list": Doc("List sections", "Sections of every briefing in reading order, with the revision "
                                          "published in the latest public release.", SECTION),
    "sections_revisions_create": Doc(
        "Start a draft", "Editors start a draft of a section (by key, or id; `?briefing=` when the key is in "
        "several briefings), based on its latest published revision: a copy, or the fields given.",
        STAFF_REVISION, {"change_summary": "停戦案の合意を追記"},
    ),
    "sources_list": Doc("List sources", "Sources visible to the caller (public ones: cited by a public release "
                                        "or an event), filterable by kind, URL domain and text.", SOURCE),
    "sources_create": Doc(
        "Register a source", "Editors register a source from structured fields or from a citation as a note "
        "writes it; fields given win over the text. A source already registered is a 409.",
        SOURCE, {"kind": "newspaper", "citation": "『日本経済新聞』（2025.1.23）", "accessed_on": "2025-02-09"},
    ),
    "sources_retrieve": Doc("Get a source", "A source with its `ETag`, for `If-Match` on the next PATCH.", SOURCE),
    "sources_partial_update": Doc(
        "Correct a source", "Editors correct a source; once cited beyond a draft it is corrected as a new "
        "version (`previous_version`). `If-Match` guards against lost updates (412).",
        SOURCE, {"accessed_on": "2025-02-09"},
    ),
}
PAGE = {"count": 1, "next": None, "previous": None}


def document_operations(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Fill in each operation's summary, description and examples from ``OPERATIONS``."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            doc = OPERATIONS.get(operation.get("operationId", ""))
            if doc is None or not isinstance(operation, dict):
                continue
            operation.setdefault("summary", doc.summary)
            if doc.description:  # more precise than a view's docstring, which GET and PATCH share
                operation["description"] = doc.description
            if doc.response is not None:
                status = next((code for code in operation.get("responses", {}) if code.startswith("2")), None)
                if status is not None:
                    example = {**PAGE, "results": [doc.response]} if method == "get" and _paginated(
                        operation["responses"][status]) else doc.response
                    _example(operation["responses"][status], copy.deepcopy(example))
            if doc.request is not None and "requestBody" in operation:
                _example(operation["requestBody"], copy.deepcopy(doc.request))
    return result


def _paginated(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).split("/")[-1].startswith("Paginated")


def _example(holder: dict[str, Any], value: Any) -> None:
    for media in holder.get("content", {}).values():
        if "example" not in media and "examples" not in media:
            media["example"] = value
