"""Sections whose published revision cites a source that went dead or moved to another site."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from briefings.models import Citation, FootnoteReference, Section, SectionRevision
from sources.models import LinkHealth, LinkStatus

PROBLEM_STATUSES = (LinkStatus.DEAD, LinkStatus.MOVED)


@dataclass
class ProblemSource:
    health: LinkHealth
    footnote_keys: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)


@dataclass
class SectionWithSourceProblems:
    section: Section
    revision: SectionRevision
    sources: list[ProblemSource] = field(default_factory=list)


def sections_with_source_problems() -> list[SectionWithSourceProblems]:
    """Four queries: problem sources, their citations in published revisions, the claims citing them."""
    health = {h.source_id: h for h in LinkHealth.objects.filter(status__in=PROBLEM_STATUSES).select_related("source")}
    if not health:
        return []
    citations = (
        Citation.objects.filter(source_id__in=health, footnote__revision__in=SectionRevision.objects.current())
        .select_related("footnote__revision__section__briefing")
        .order_by("footnote__revision__section__position", "footnote__position")
    )
    result: dict[int, SectionWithSourceProblems] = {}
    by_note: dict[int, ProblemSource] = {}
    for citation in citations:
        revision = citation.footnote.revision
        entry = result.setdefault(revision.pk, SectionWithSourceProblems(revision.section, revision))
        problem = next((p for p in entry.sources if p.health.source_id == citation.source_id), None)
        if problem is None:
            problem = ProblemSource(health[citation.source_id])
            entry.sources.append(problem)
        problem.footnote_keys.append(citation.footnote.key)
        by_note[citation.footnote_id] = problem
    claims: dict[int, list[str]] = defaultdict(list)
    for footnote_id, text in FootnoteReference.objects.filter(footnote_id__in=by_note).values_list(
        "footnote_id", "claim__text"
    ):
        claims[footnote_id].append(text)
    for footnote_id, problem in by_note.items():
        problem.claims.extend(text for text in claims[footnote_id] if text not in problem.claims)
    return list(result.values())
