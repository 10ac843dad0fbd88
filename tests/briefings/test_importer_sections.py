"""Proposal: 「（４．（１）参照）」 in the body as a section reference ``[[sec:key]]`` (off by default)."""
import pytest

from briefings.importers.paper import PaperFormatError, parse_paper
from briefings.markup import BodyValidationError, parse_revision, plain_claim_text, section_label
from briefings.rendering import claim_html
from briefings.selectors.content import SnapshotClaim, SnapshotRef
from tests.conftest import PAPER

SEED = PAPER.read_text(encoding="utf-8")


def _section(paper, key):  # type: ignore[no-untyped-def]
    return next(section for section in paper.sections if section.key == key)


def test_the_importer_links_a_reference_to_a_section_only_when_asked():
    # when
    linked = parse_paper(SEED, link_sections=True)
    plain = parse_paper(SEED)
    # then
    assert _section(linked, "ch7-2").paragraphs[-2].endswith("確認されている[^p92]（[[sec:ch4-1]]参照）。")
    assert _section(plain, "ch7-2").paragraphs[-2].endswith("確認されている[^p92]（４．（１）参照）。")
    body = _section(linked, "ch7-2").body(linked.notes)
    parsed = parse_revision(heading="北朝鮮の対外関係", body=body, section_refs=True)
    assert parsed.section_refs == {"ch4-1"}


def test_a_reference_to_a_section_the_paper_does_not_have_is_refused_at_its_line():
    damaged = SEED.replace("確認されている92（４．（１）参照）", "確認されている92（８．（１）参照）")
    line = next(n for n, text in enumerate(damaged.split("\n"), 1) if "（８．（１）参照）" in text)
    with pytest.raises(PaperFormatError) as error:
        parse_paper(damaged, link_sections=True)
    assert error.value.line == line
    assert "「（８．（１）参照）」が参照する節「８．（１）」がありません" in error.value.message


def test_section_references_are_refused_by_default_and_accepted_when_enabled():
    body = "詳しくは（[[sec:ch4-1]]参照）。"
    with pytest.raises(BodyValidationError):
        parse_revision(heading="見出し", body=body)
    assert parse_revision(heading="見出し", body=body, section_refs=True).paragraphs[0][0].text == body
    with pytest.raises(BodyValidationError):  # not in notes
        parse_revision(heading="見出し", body="本文[^a]。\n\n[^a]: （[[sec:ch4-1]]参照）", section_refs=True)


def test_plain_text_writes_the_label_and_moves_only_the_offsets_after_it():
    # given: a marker before and after the reference
    text = "派兵し（[[sec:ch4-1]]参照）、確認されている。"
    before, after = text.index("（"), text.index("、")
    # when
    plain, offsets = plain_claim_text(text, [before, after], {"ch4-1": section_label(["４．", "（１）"])})
    # then
    assert plain == "派兵し（４．（１）参照）、確認されている。"
    assert offsets == [plain.index("（"), plain.index("、")]
    assert plain_claim_text("（[[sec:gone]]参照）", [], {}) == ("（?参照）", [])


def test_a_section_reference_renders_as_a_link_to_the_section_with_its_label():
    # given
    text = "確認されている（[[sec:ch4-1]]参照）<b>。"
    claim = SnapshotClaim(id=1, text=text, refs=(SnapshotRef("p92", 92, text.index("（")),))
    # when
    html = str(claim_html(claim, {"ch4-1": "４．（１）"}))
    # then
    assert html == (
        '確認されている<sup class="fnref">'
        '<a href="#fn-92" id="fnref-92" aria-describedby="footnotes-label">92</a></sup>'
        '（<a href="#sec-ch4-1" class="secref">４．（１）</a>参照）&lt;b&gt;。'
    )
