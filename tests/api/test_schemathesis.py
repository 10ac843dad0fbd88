"""Fuzz the whole API from its OpenAPI schema: no server errors, responses as documented.

Anonymous clients: every default check of schemathesis. Editors (token auth):
every default check but ``positive_data_acceptance``: write bodies carry meaning
JSON Schema cannot state (a Japanese date such as 「25年3月5日」, the editing
format, an existing section key), and schema-shaped text that fails it is
rightly refused with a 400 and a message.
"""
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

SCHEMA_URL = "/api/schema/?format=json"
anonymous = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
as_editor = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
FUZZ = settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # derandomized: CI replays the same cases; raise max_examples locally to explore


EDITOR_TOKEN = "0123456789abcdef0123456789abcdef01234567"


@as_editor.auth()
class EditorToken:
    def get(self, case, context):  # type: ignore[no-untyped-def]
        return EDITOR_TOKEN

    def set(self, case, data, context):  # type: ignore[no-untyped-def]
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@anonymous.parametrize()
@FUZZ
def test_api_conforms_to_its_schema(case, briefing):
    case.call_and_validate()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@as_editor.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_for_an_editor(case, briefing, editor):
    from rest_framework.authtoken.models import Token

    Token.objects.get_or_create(key=EDITOR_TOKEN, defaults={"user": editor})
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
