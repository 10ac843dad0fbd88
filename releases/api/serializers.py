"""API serializers of the releases app: input and output are separate classes.

The snapshot is served byte for byte from the release's stored rendering; its
serializers here describe that shape for the OpenAPI schema.
"""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from briefings.models import Briefing
from briefings.selectors.content import SnapshotClaim, SnapshotSection
from core.api import InputSerializer
from releases.models import Release
from releases.selectors import history


BRIEFING_RECENT_RELEASES = 20
"""Releases a briefing's detail lists (newest first); the rest through ``releases_url``."""
RELEASE_SUMMARY_FIELDS = ("number", "kind", "published_at", "information_as_of", "summary")


class ReleaseSummarySerializer(serializers.ModelSerializer[Release]):
    digest = serializers.CharField(source="artefact.digest", help_text="sha256:<hex> of the release's artefact")

    class Meta:
        model = Release
        fields = (*RELEASE_SUMMARY_FIELDS, "digest")


class BriefingOutputSerializer(serializers.ModelSerializer[Briefing]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Briefing
        fields = ("slug", "title", "publication", "author", "description", "url")

    def get_url(self, obj: Briefing) -> str:
        return f"/briefings/{obj.slug}/"


class BriefingDetailSerializer(BriefingOutputSerializer):
    releases = serializers.SerializerMethodField(
        help_text=f"the newest releases, newest first (at most {BRIEFING_RECENT_RELEASES}); every release: releases_url",
    )
    releases_url = serializers.SerializerMethodField(help_text="every public release of the briefing, by cursor")

    class Meta(BriefingOutputSerializer.Meta):
        fields = (*BriefingOutputSerializer.Meta.fields, "releases", "releases_url")

    @extend_schema_field(ReleaseSummarySerializer(many=True))
    def get_releases(self, obj: Briefing) -> list[dict[str, Any]]:
        return ReleaseSummarySerializer(self.context["releases"], many=True).data  # type: ignore[return-value]

    def get_releases_url(self, obj: Briefing) -> str:
        return f"/api/releases/?briefing={obj.slug}"


class SnapshotInputSerializer(InputSerializer):
    as_of = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"],
        help_text="the release in force at the end of this day, YYYY-MM-DD (Asia/Tokyo)",
    )
    release = serializers.IntegerField(
        required=False, min_value=1, help_text="a release number; with as_of, it must have been public on that day"
    )



class FootnoteRefSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    offset = serializers.IntegerField(help_text="index in text at which the reference mark stands")


class SectionRefSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="the key of the section referred to")
    offset = serializers.IntegerField(help_text="index in text at which the section's label (「４．（１）」) starts")
    length = serializers.IntegerField(help_text="the label's length in characters")


class ClaimOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    anchor = serializers.CharField(
        required=False, help_text="the sentence's stable anchor (c-…): the same in every release while the sentence is "
                                  "unchanged; present in releases frozen since artefact format 2",
    )
    text = serializers.CharField(help_text="the sentence as readers read it (a reference to a section as its number)")
    footnote_refs = FootnoteRefSerializer(many=True, source="refs")
    section_refs = SectionRefSerializer(many=True, source="sections")


class SectionOutputSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    number = serializers.CharField()
    heading = serializers.CharField(source="heading_text")
    heading_footnote_refs = serializers.SerializerMethodField()
    level = serializers.IntegerField()
    parent = serializers.CharField(allow_null=True)
    revision = serializers.IntegerField()
    information_as_of = serializers.DateField()
    paragraphs = serializers.SerializerMethodField()

    @extend_schema_field(FootnoteRefSerializer(many=True))
    def get_heading_footnote_refs(self, obj: SnapshotSection) -> list[dict[str, int]]:
        return [{"number": r.number, "offset": r.offset} for r in (obj.heading.refs if obj.heading else ())]

    @extend_schema_field(serializers.ListField(child=ClaimOutputSerializer(many=True)))
    def get_paragraphs(self, obj: SnapshotSection) -> list[list[dict[str, Any]]]:
        return [[_claim(claim) for claim in paragraph] for paragraph in obj.paragraphs]


def _claim(claim: SnapshotClaim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "anchor": claim.anchor,
        "text": claim.text,
        "footnote_refs": [{"number": r.number, "offset": r.offset} for r in claim.refs],
        "section_refs": [{"key": r.key, "offset": r.offset, "length": r.length} for r in claim.sections],
    }


class CitedSourceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="source.id")
    kind = serializers.CharField(source="source.kind")
    citation = serializers.CharField(source="source.citation")
    url = serializers.CharField(source="source.url", allow_null=True)
    accessed_on = serializers.DateField(source="source.accessed_on", allow_null=True)
    locator = serializers.CharField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["url"] = data["url"] or None
        return data


class FootnoteOutputSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    key = serializers.CharField()
    text = serializers.CharField()
    sources = CitedSourceSerializer(many=True, source="citations")


class SnapshotOutputSerializer(serializers.Serializer[Any]):
    briefing = serializers.CharField(source="briefing.slug")
    release = serializers.IntegerField(source="release.number")
    kind = serializers.CharField(source="release.kind")
    published_at = serializers.DateTimeField(source="release.published_at")
    information_as_of = serializers.DateField(source="release.information_as_of")
    sections = SectionOutputSerializer(many=True)
    footnotes = FootnoteOutputSerializer(many=True)
    digest = serializers.CharField(help_text="sha256:<hex> of the release's artefact (GET /api/releases/<id>/artefact/)")


class ReleaseSerializer(serializers.ModelSerializer[Release]):
    briefing = serializers.CharField(source="briefing.slug")
    sections = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    digest = serializers.CharField(source="artefact.digest", help_text="sha256:<hex> of the release's artefact")

    class Meta:
        model = Release
        fields = ("id", "briefing", "number", "kind", "published_at", "information_as_of", "summary", "sections",
                  "url", "digest")

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_sections(self, release: Release) -> list[dict[str, Any]]:
        """The manifest: each section's key and revision, in order (the list view fetches a page's at once)."""
        manifests = self.context.get("manifests")
        if manifests is None:
            manifests = history.manifests_of(releases=[release])
        return manifests.get(release.pk, [])

    def get_url(self, release: Release) -> str:
        return f"/briefings/{release.briefing.slug}/releases/{release.number}/"
