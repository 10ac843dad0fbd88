"""Writes of the briefings app. Services are the only code that changes its rows.

* ``revisions`` — drafts: create, edit, cite a source (contributors recorded);
* ``content`` — the parsed claims, footnotes and citations of a draft;
* ``transitions`` — the workflow entry point, the only code that changes a status;
* ``importing`` — a paper imported as a briefing and its first release;
* ``notifications`` — the emails of the workflow (sent by tasks).

Import rule: views, admin, API, commands and tasks import services; services never
import views, admin, API or tasks code (import-linter).
"""
from briefings.publication import PublishConflict
from briefings.services.content import CitationSpec, RevisionNotEditable, revision_write_content
from briefings.services.importing import ImportResult, briefing_import_paper
from briefings.services.revisions import revision_cite, revision_create_draft, revision_update
from briefings.services.transitions import (
    revision_publish_due,
    revision_transition,
    revisions_approve,
    revisions_reject,
)
from briefings.workflow import Action, InvalidTransition, StaleBase

__all__ = [
    "Action",
    "CitationSpec",
    "ImportResult",
    "InvalidTransition",
    "PublishConflict",
    "RevisionNotEditable",
    "StaleBase",
    "briefing_import_paper",
    "revision_cite",
    "revision_create_draft",
    "revision_publish_due",
    "revision_transition",
    "revision_update",
    "revision_write_content",
    "revisions_approve",
    "revisions_reject",
]
