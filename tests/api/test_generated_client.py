"""A Python client generated from the live schema (openapi-python-client) runs the editorial workflow.

The client is generated once per session, from ``/api/schema/`` as the running server
serves it, into a temporary folder, and imported: if the schema stops describing what
the server does, or stops being something generators understand, this test fails.
The workflow is the one CONTRACT.md promises API clients: obtain a token, start a
draft, edit it (with ``If-Match``), submit it, approve it as another user (four eyes:
the author may not), and read the new release's snapshot anonymously.
"""
from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

PACKAGE = "briefings_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n"


@pytest.fixture(scope="session")
def generated(live_server, tmp_path_factory, django_db_blocker) -> ModuleType:  # type: ignore[no-untyped-def]
    """Generate the client from the live schema (once per session) and import it."""
    folder = tmp_path_factory.mktemp("generated-client")
    schema = folder / "schema.json"
    with django_db_blocker.unblock():  # the server's request handling opens its connection (no query)
        served = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=30).raise_for_status()
    schema.write_bytes(served.content)
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--meta", "none", "--config", "config.yaml",
         "--output-path", PACKAGE, "--fail-on-warning"],
        cwd=folder, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _token(base_url: str, user, password: str) -> str:  # type: ignore[no-untyped-def]
    """Obtain an API token as a client does: ``POST /api/auth/token/`` with the user's password."""
    response = httpx.post(f"{base_url}/api/auth/token/", json={"username": user.username, "password": password})
    assert response.status_code in (200, 201), response.text
    return response.json()["token"]  # type: ignore[no-any-return]


# serialized_rollback: the groups a migration made survive the flushes of earlier transactional tests (PostgreSQL)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_generated_client_drafts_edits_submits_approves_and_reads_the_new_snapshot(
    generated, live_server, briefing, editor, reviewer,  # type: ignore[no-untyped-def]
):
    # given clients for an editor and a reviewer, each with a token obtained with their password
    client_module, models = _module("client"), _module("models")
    as_editor, as_reviewer = (
        client_module.AuthenticatedClient(base_url=live_server.url, token=_token(live_server.url, user, "pw"),
                                          prefix="Token", raise_on_unexpected_status=True)
        for user in (editor, reviewer)
    )
    anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    # when the editor starts a draft of section ch4-1 and edits it, guarded by its ETag
    draft = _module("api.sections.sections_revisions_create").sync(
        "ch4-1", client=as_editor, body=models.DraftInputRequest(change_summary="停戦案の合意を追記"),
    )
    assert isinstance(draft, models.StaffRevisionOutput), draft
    assert draft.status == models.RevisionStatusEnum.DRAFT
    read = _module("api.revisions.revisions_retrieve").sync_detailed(draft.id, client=as_editor)
    body = draft.body.replace("。", "。米国とウクライナは停戦案で合意した。", 1)
    edit = _module("api.revisions.revisions_partial_update")
    edited = edit.sync_detailed(
        draft.id, client=as_editor, if_match=read.headers["ETag"],
        body=models.PatchedDraftWithEventsInputRequest(body=body),
    )
    stale = edit.sync_detailed(  # the same ETag again: the draft changed since
        draft.id, client=as_editor, if_match=read.headers["ETag"],
        body=models.PatchedDraftWithEventsInputRequest(change_summary="上書き"),
    )
    submitted = _module("api.revisions.revisions_submit").sync(
        draft.id, client=as_editor, body=models.SubmitInputRequest(),
    )
    own_approval = _module("api.revisions.revisions_approve").sync_detailed(
        draft.id, client=as_editor, body=models.ApproveInputRequest(),
    )
    approved = _module("api.revisions.revisions_approve").sync(
        draft.id, client=as_reviewer, body=models.ApproveInputRequest(release_note="停戦案の合意を追記しました。"),
    )
    snapshot = _module("api.briefings.briefings_snapshot_retrieve").sync("world-2025", client=anonymous)

    # then every step answered as documented, and readers see the change in release 2
    assert edited.status_code == 200 and edited.parsed.body == body
    assert stale.status_code == 412  # optimistic locking: a lost update is refused
    assert submitted.status == models.RevisionStatusEnum.SUBMITTED
    assert own_approval.status_code == 403  # four eyes: the author cannot approve
    assert approved.status == models.RevisionStatusEnum.PUBLISHED and approved.reviewed_by == reviewer.pk
    assert isinstance(snapshot, models.SnapshotOutput) and snapshot.release == 2
    texts = [claim.text for section in snapshot.sections for paragraph in section.paragraphs for claim in paragraph]
    assert "米国とウクライナは停戦案で合意した。" in texts
    assert snapshot.digest.startswith("sha256:")
