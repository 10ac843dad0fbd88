"""Fuzz the whole API from its OpenAPI schema: no server errors, responses as documented.

Anonymous clients: every default check of schemathesis. Editors and reviewers
(token auth, so every write endpoint is exercised with a role that may call it):
every default check but ``positive_data_acceptance``: write bodies carry meaning
JSON Schema cannot state (a Japanese date such as 「25年3月5日」, the editing
format, an existing section key), and schema-shaped text that fails it is
rightly refused with a 400 and a message.
"""
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

SCHEMA_URL = "/api/schema/?format=json"
# Anonymous: every operation. Editors: every write, and the reads whose answer depends on
# the user (drafts, unpublished sources and events). Reviewers: the workflow's actions.
anonymous = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
as_editor = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application()).exclude(
    method="GET", path_regex=r"^/api/(?!revisions|sources|events)"
)
as_reviewer = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application()).include(
    method="POST", path_regex=r"^/api/revisions/"
)
# schemathesis validates every response against the schema itself (response_schema_conformance):
# the suite's own check (tests/openapi_validation.py) would only repeat it, at 0.05 s a response.
SELF_CHECKED = pytest.mark.schema_unchecked(reason="schemathesis checks each response against the schema itself")
FUZZ = settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25")), deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # derandomized: CI replays the same cases; SCHEMATHESIS_EXAMPLES=200 explores further


EDITOR_TOKEN = "0123456789abcdef0123456789abcdef01234567"
REVIEWER_TOKEN = "76543210fedcba9876543210fedcba9876543210"


class _Token:
    key = ""

    def get(self, case, context):  # type: ignore[no-untyped-def]
        return self.key

    def set(self, case, data, context):  # type: ignore[no-untyped-def]
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@as_editor.auth()
class EditorToken(_Token):
    key = EDITOR_TOKEN


@as_reviewer.auth()
class ReviewerToken(_Token):
    key = REVIEWER_TOKEN


@SELF_CHECKED
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@anonymous.parametrize()
@FUZZ
def test_api_conforms_to_its_schema(case, briefing):
    # Schema-shaped credentials are (rightly) wrong ones: 400 invalid_credentials, as DRF's obtain_auth_token says.
    token_request = case.operation.path == "/api/auth/token/" and case.method == "POST"
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if token_request else [])


@SELF_CHECKED
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@as_editor.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_for_an_editor(case, briefing, editor):
    from rest_framework.authtoken.models import Token

    Token.objects.get_or_create(key=EDITOR_TOKEN, defaults={"user": editor})
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@SELF_CHECKED
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@as_reviewer.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_for_a_reviewer(case, briefing, editor, reviewer):
    from rest_framework.authtoken.models import Token

    from briefings.models import Section
    from briefings.services import Action, revision_create_draft, revision_transition

    Token.objects.get_or_create(key=REVIEWER_TOKEN, defaults={"user": reviewer})
    if not Section.objects.filter(revisions__status="submitted").exists():  # something to approve or reject
        draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch1"), actor=editor)
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
