"""Writes of the briefings app. Services are the only code that changes its rows.

Import rule: views, admin, API, commands and tasks import services from here or
from their modules; services never import views, admin or API code.
"""
from briefings.services.content import CitationSpec, RevisionNotEditable, revision_write_content
from briefings.services.importing import ImportResult, briefing_import_paper
from briefings.services.publishing import PublishConflict, release_publish
from briefings.services.workflow import Action, InvalidTransition, StaleBase, revision_transition, revisions_approve

__all__ = [
    "Action",
    "CitationSpec",
    "ImportResult",
    "InvalidTransition",
    "PublishConflict",
    "RevisionNotEditable",
    "StaleBase",
    "briefing_import_paper",
    "release_publish",
    "revision_transition",
    "revisions_approve",
    "revision_write_content",
]

from briefings.services.revisions import revision_cite, revision_create_draft, revision_update  # noqa: E402

__all__ += ["revision_cite", "revision_create_draft", "revision_update"]
