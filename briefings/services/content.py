"""Write the parsed content (claims, footnotes, references, citations) of a revision.

Content rows are written once, in the same transaction as the revision, and
rewritten only while the revision is a draft.
"""
from __future__ import annotations

from dataclasses import dataclass

from briefings.markup import ParsedRevision
from briefings.models import Citation, Claim, ClaimRole, Footnote, FootnoteReference, SectionRevision
from core.errors import Conflict
from sources.models import Source


@dataclass(frozen=True)
class CitationSpec:
    """A source a footnote cites, with its locator (「84頁」)."""

    source: Source
    locator: str = ""


class RevisionNotEditable(Conflict):
    code = "revision_not_editable"


def revision_write_content(
    *,
    revision: SectionRevision,
    parsed: ParsedRevision,
    citations: dict[str, list[CitationSpec]] | None = None,
) -> None:
    """Replace the claims and footnotes of a draft ``revision`` with ``parsed``.

    ``citations`` maps a footnote key to the sources it cites; keys not given
    keep no citations. Raises ``RevisionNotEditable`` unless the revision is a
    draft: published content never changes.
    """
    if not revision.is_editable:
        raise RevisionNotEditable(
            f"版{revision.pk}は「{revision.get_status_display()}」のため内容を変更できません。"
        )
    citations = citations or {}
    revision.claims.all().delete()
    revision.footnotes.all().delete()

    claims: list[Claim] = []
    claim_refs: list[list[tuple[str, int]]] = []
    if parsed.heading.text or parsed.heading.refs:
        claims.append(Claim(revision=revision, position=0, paragraph=0, role=ClaimRole.HEADING, text=parsed.heading.text))
        claim_refs.append([(r.key, r.offset) for r in parsed.heading.refs])
    for paragraph_index, paragraph in enumerate(parsed.paragraphs):
        for claim in paragraph:
            claims.append(
                Claim(
                    revision=revision,
                    position=len(claims),
                    paragraph=paragraph_index,
                    role=ClaimRole.BODY,
                    text=claim.text,
                )
            )
            claim_refs.append([(r.key, r.offset) for r in claim.refs])
    Claim.objects.bulk_create(claims)

    footnotes = Footnote.objects.bulk_create(
        Footnote(revision=revision, key=note.key, position=index, text=note.text)
        for index, note in enumerate(parsed.footnotes)
    )
    by_key = {note.key: note for note in footnotes}
    FootnoteReference.objects.bulk_create(
        FootnoteReference(claim=claim, footnote=by_key[key], offset=offset)
        for claim, refs in zip(claims, claim_refs, strict=True)
        for key, offset in refs
    )
    Citation.objects.bulk_create(
        Citation(footnote=by_key[key], source=spec.source, position=position, locator=spec.locator)
        for key, specs in citations.items()
        if key in by_key
        for position, spec in enumerate(specs)
    )
