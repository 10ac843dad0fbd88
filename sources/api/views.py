"""Sources API: anyone reads; editors create and edit (URLs must be http(s)).

A source is written as structured fields (title, container, author, publisher,
issued, volume, URL…). ``citation`` in a response is rendered from them in the
paper's style; in a request it is optional text as a note writes it, read into
the fields the request does not give (「『日本経済新聞』（2025.1.23）」 gives the
container and the date). Fields given explicitly win over the text.
"""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import InputSerializer
from core.dates import DateParseError, PartialDate, parse_japanese_date
from core.errors import ApplicationError, NotFound, PermissionDeniedError
from core.openapi import ERROR
from core.roles import is_editor
from core.versioning import etag_of, expected_from_if_match
from sources.citations import csl_name
from sources.filters import SourceFilter
from sources.identity import author_names
from sources.models import Source, SourceKind
from sources.parsing import ParsedSource, parse_citation
from sources.selectors import source_get, source_list
from sources.services import DuplicateSource, source_ingest, source_update


class AuthorNameSerializer(serializers.Serializer):  # type: ignore[type-arg]
    family = serializers.CharField(required=False, help_text="family name (Japanese names: written first)")
    given = serializers.CharField(required=False)
    literal = serializers.CharField(required=False, help_text="the whole name, when it is not split")


class SourceOutputSerializer(serializers.ModelSerializer[Source]):
    citation = serializers.CharField(
        read_only=True, help_text="rendered from the structured fields in the paper's style"
    )
    authors = serializers.SerializerMethodField(help_text="`author` split into names, as in the CSL-JSON export")
    link_status = serializers.SerializerMethodField(help_text="unchecked, ok, moved, failing or dead")
    link_checked_at = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = (
            "id", "kind", "citation", "title", "container", "volume", "author", "authors", "publisher", "issued_on",
            "issued_until", "issued_precision", "issued_text", "url", "url_domain", "accessed_on", "pages",
            "archive_url", "archive_captured_on", "link_status", "link_checked_at", "previous_version", "is_current",
        )

    @extend_schema_field(AuthorNameSerializer(many=True))
    def get_authors(self, source: Source) -> list[dict[str, str]]:
        return [csl_name(name) for name in author_names(source.author)]

    def get_link_status(self, source: Source) -> str:
        health = getattr(source, "link_health", None) if source.url else None
        return health.status if health else ("unchecked" if source.url else "")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_link_checked_at(self, source: Source) -> Any:
        health = getattr(source, "link_health", None)
        return health.last_checked_at if health else None


class SourceInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    citation = serializers.CharField(
        required=False, allow_blank=True, max_length=1000,
        help_text="the citation as a note writes it; read into the fields not given",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    container = serializers.CharField(required=False, allow_blank=True, max_length=255)
    volume = serializers.CharField(required=False, allow_blank=True, max_length=100)
    author = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                   help_text="names separated by 「、」; 「近藤 正規」 marks family and given name")
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=255)
    issued = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Japanese date text")
    url = serializers.CharField(required=False, allow_blank=True, max_length=1000, help_text="http(s) only")
    accessed_on = serializers.DateField(required=False, allow_null=True)
    pages = serializers.CharField(required=False, allow_blank=True, max_length=100)
    archive_url = serializers.CharField(required=False, allow_blank=True, max_length=1000, help_text="http(s) only")
    archive_captured_on = serializers.DateField(required=False, allow_null=True)


DESCRIPTIVE = ("title", "container", "volume", "author", "publisher")


def _require_editor(request: Request) -> None:
    if not is_editor(request.user):
        raise PermissionDeniedError("出典を登録・変更できるのは編集者（editors）のみです。")


def _issued(text: str) -> PartialDate | None:
    if not text:
        return None
    try:
        return parse_japanese_date(text)
    except DateParseError as exc:
        raise ApplicationError(str(exc), extra={"errors": {"issued": [str(exc)]}}) from exc


def _citation_date_error(exc: DateParseError) -> ApplicationError:
    return ApplicationError(f"出典表記の日付: {exc}", extra={"errors": {"citation": [str(exc)]}})


def _issued_fields(issued: PartialDate | None) -> dict[str, Any]:
    return {
        "issued_on": issued.start if issued else None, "issued_until": issued.until if issued else None,
        "issued_precision": issued.precision if issued else "", "issued_text": issued.text if issued else "",
    }


def _changes(values: dict[str, Any], *, source: Source) -> dict[str, Any]:
    """Return ``source_update`` data for a PATCH: the citation text read into fields, explicit fields first."""
    changes: dict[str, Any] = {}
    if text := values.pop("citation", "").strip():
        try:  # a date in the text must be readable unless the request gives the date
            described = parse_citation(text, kind=values.get("kind", source.kind), strict="issued" not in values)
        except DateParseError as exc:
            raise _citation_date_error(exc) from exc
        changes.update({name: getattr(described, name) for name in DESCRIPTIVE})
        changes.update(_issued_fields(described.issued))
        if described.url:
            changes["url"] = described.url
    if "issued" in values:
        changes.update(_issued_fields(_issued(values.pop("issued"))))
    changes.update(values)
    return changes


@extend_schema_view(
    get=extend_schema(responses={200: SourceOutputSerializer(many=True), 400: ERROR}),
    post=extend_schema(request=SourceInputSerializer,
                       responses={201: SourceOutputSerializer, 400: ERROR, 403: ERROR, 409: ERROR}),
)
class SourceListApi(generics.ListCreateAPIView[Source]):
    serializer_class = SourceOutputSerializer
    filterset_class = SourceFilter
    permission_classes = (IsAuthenticatedOrReadOnly,)

    def get_queryset(self) -> QuerySet[Source]:
        return source_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require_editor(request)
        data = SourceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parsed = ParsedSource(
            kind=values["kind"], citation=values.get("citation", ""), issued=_issued(values.get("issued", "")),
            url=values.get("url", ""), pages=values.get("pages", ""),
            **{name: values.get(name, "") for name in DESCRIPTIVE},
        )
        try:
            parsed = parsed.completed(strict=True)
        except DateParseError as exc:
            raise _citation_date_error(exc) from exc
        source, created = source_ingest(parsed=parsed, accessed_on=values.get("accessed_on"))
        if not created:
            raise DuplicateSource(source)
        archive = {k: values[k] for k in ("archive_url", "archive_captured_on") if values.get(k)}
        if archive:
            source = source_update(source=source, data=archive)
        return Response(SourceOutputSerializer(source).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(responses={200: SourceOutputSerializer, 404: ERROR}),
    patch=extend_schema(request=SourceInputSerializer(partial=True),
                        responses={200: SourceOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}),
)
class SourceDetailApi(generics.GenericAPIView[Source]):
    serializer_class = SourceOutputSerializer
    permission_classes = (IsAuthenticatedOrReadOnly,)

    def _get(self, source_id: int) -> Source:
        source = source_get(source_id=source_id, user=self.request.user)
        if source is None:
            raise NotFound(f"出典{source_id}は存在しません。")
        return source

    def get(self, request: Request, source_id: int) -> Response:
        source = self._get(source_id)
        return Response(SourceOutputSerializer(source).data, headers={"ETag": etag_of(source)})

    def patch(self, request: Request, source_id: int) -> Response:
        _require_editor(request)
        source = self._get(source_id)
        data = SourceInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        expected = expected_from_if_match(request.headers.get("If-Match"))
        changes = _changes(dict(data.validated_data), source=source)
        updated = source_update(source=source, data=changes, expected_version=expected)
        return Response(SourceOutputSerializer(updated).data, headers={"ETag": etag_of(updated)})
