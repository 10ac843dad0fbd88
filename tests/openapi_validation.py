"""Check every ``/api/`` response the test suite receives against the OpenAPI schema (openapi-core).

``ResponseValidationMiddleware`` is installed by ``config/settings_test.py`` only, outermost, so it
sees every response: Django's and DRF's test clients, ``live_server`` (browsers, generated
clients) and schemathesis' WSGI calls alike. It never changes a response: a mismatch is
recorded, and ``tests/conftest.py`` fails the test that received it (``pytest_runtest_call``),
naming the request, the status and what openapi-core found wrong.

The schema is generated once per test process, from the code under test, exactly as
``/api/schema/`` serves it. Responses to paths or methods the schema does not describe
(``/api/unknown/``, a ``PUT`` where only ``PATCH`` exists: 404/405 from the router) are not
API operations and are not checked; ``/api/schema/`` and ``/api/docs/`` describe the API
rather than belong to it.

A test that deliberately provokes an undocumentable answer opts out with
``@pytest.mark.schema_unchecked(reason="…")``: its responses are not checked at all. Keep
that rare; the schemathesis tests use it because schemathesis validates every response
against the same schema itself (its ``response_schema_conformance`` check).
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound, ServerNotFound

NOT_API = ("/api/schema/", "/api/docs/")
PROJECT_URLS = "config.urls"

_lock = threading.Lock()
_mismatches: list[str] = []
_conforming: set[tuple[object, ...]] = set()
checking = threading.Event()  # cleared for a test marked schema_unchecked (tests/conftest.py)
checking.set()


@cache
def api_schema() -> dict[str, Any]:
    """Return the OpenAPI document as ``/api/schema/?format=json`` serves it (generated once)."""
    # The project's URLs, whatever urlconf the test that first asks has set (tests/api/urls_problems.py
    # adds test-only endpoints: they are no operation of the API).
    schema = SchemaGenerator(urlconf=PROJECT_URLS).get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))  # type: ignore[no-any-return]


@cache
def api_spec() -> OpenAPI:
    """Return the openapi-core validator of ``api_schema()`` (built once per process).

    openapi-core reads ``application/json`` bodies only; the API's errors are RFC 9457
    ``application/problem+json``, JSON as well.
    """
    return OpenAPI.from_dict(api_schema(), config=Config(
        extra_media_type_deserializers={"application/problem+json": json_loads},
    ))


class _RequestOfResponse(DjangoOpenAPIRequest):
    """The request as response validation needs it (operation and parameters): its body is never
    read, since it may be one refused for its size (413)."""

    @property
    def body(self) -> bytes:
        return b""


def mismatch(request: HttpRequest, response: HttpResponse) -> str | None:
    """Return what is wrong with ``response`` by the schema, or ``None`` if it conforms or is not checked.

    A response already found conforming (same operation, status, headers and bytes: a
    snapshot read again) is not validated again: openapi-core takes 0.05–0.4 s a response.
    """
    if not request.path.startswith("/api/") or request.path.startswith(NOT_API):
        return None
    route = request.resolver_match.route if request.resolver_match else request.path
    key = (request.method, route, response.status_code, response.get("Content-Type", ""),
           tuple(sorted(name.lower() for name in response.headers)),
           hashlib.blake2b(response.content, digest_size=16).digest())
    if key in _conforming:
        return None
    try:
        api_spec().validate_response(_RequestOfResponse(request), DjangoOpenAPIResponse(response))
    except (ServerNotFound, PathNotFound, OperationNotFound):
        return None  # not an operation of the API (unknown path or method): nothing to check against
    except Exception as exc:  # every openapi-core validation error: report it, whatever its class
        return f"{request.method} {request.get_full_path()} -> {response.status_code}: {_describe(exc)}"
    if len(_conforming) > 10_000:
        _conforming.clear()
    _conforming.add(key)
    return None


def _describe(exc: BaseException) -> str:
    """Name the error and each place in the body that breaks the schema (not the whole body)."""
    chain = [exc]
    while chain[-1].__cause__ is not None and len(chain) < 5:
        chain.append(chain[-1].__cause__)
    places = [
        f"\n  {'.'.join(map(str, error.absolute_path)) or '<body>'}: {error.message[:300]}"
        for link in chain for error in getattr(link, "schema_errors", None) or ()
    ]
    return f"{type(exc).__name__}: " + ("".join(places) if places else str(chain[-1])[:500])


def take_mismatches() -> list[str]:
    """Return and forget the mismatches recorded since the last call."""
    with _lock:
        found = list(_mismatches)
        _mismatches.clear()
    return found


class ResponseValidationMiddleware:
    """Record every ``/api/`` response that does not match the schema (test settings only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if checking.is_set() and not getattr(response, "streaming", False):
            problem = mismatch(request, response)
            if problem is not None:
                with _lock:
                    _mismatches.append(problem)
        return response
