"""References to sections: 「（４．（１）参照）」 in the body as ``[[sec:key]]``, read as the section's number."""
import re

import pytest

from briefings.importers.paper import PaperFormatError, parse_paper
from briefings.markup import BodyValidationError, parse_revision, plain_claim_text, section_label
from briefings.rendering import claim_html
from briefings.selectors.content import SnapshotClaim, SnapshotRef, SnapshotSectionRef
from tests.conftest import PAPER

SEED = PAPER.read_text(encoding="utf-8")


def _section(paper, key):  # type: ignore[no-untyped-def]
    return next(section for section in paper.sections if section.key == key)


def test_the_parser_links_a_reference_to_a_section_when_asked():
    # when
    linked = parse_paper(SEED, link_sections=True)
    plain = parse_paper(SEED)
    # then
    assert _section(linked, "ch7-2").paragraphs[-2].endswith("確認されている[^p92]（[[sec:ch4-1]]参照）。")
    assert _section(plain, "ch7-2").paragraphs[-2].endswith("確認されている[^p92]（４．（１）参照）。")
    body = _section(linked, "ch7-2").body(linked.notes)
    keys = {section.key for section in linked.sections}
    assert parse_revision(heading="北朝鮮の対外関係", body=body, sections=keys).section_refs == {"ch4-1"}


def test_every_reference_to_a_section_in_the_paper_is_linked():
    # given: every reference to a section the paper's text makes (「（４．（１）参照）」, 「（３．参照）」)
    pattern = re.compile(r"（[０-９]+．(?:（[０-９]+）)?参照）")
    printed = pattern.findall(SEED.replace("\n", ""))
    # when
    linked = parse_paper(SEED, link_sections=True)
    bodies = "".join(section.body(linked.notes) for section in linked.sections)
    # then: each is a link, none is left as text
    assert printed == ["（４．（１）参照）"]
    assert re.findall(r"\[\[sec:([^\]]+)\]\]", bodies) == ["ch4-1"]
    assert not pattern.search(bodies)


def test_a_reference_to_a_section_the_paper_does_not_have_is_refused_at_its_line():
    damaged = SEED.replace("確認されている92（４．（１）参照）", "確認されている92（８．（１）参照）")
    line = next(n for n, text in enumerate(damaged.split("\n"), 1) if "（８．（１）参照）" in text)
    with pytest.raises(PaperFormatError) as error:
        parse_paper(damaged, link_sections=True)
    assert error.value.line == line
    assert "「（８．（１）参照）」が参照する節「８．（１）」がありません" in error.value.message


def test_section_references_are_accepted_in_paragraphs_only():
    body = "詳しくは（[[sec:ch4-1]]参照）。"
    assert parse_revision(heading="見出し", body=body).paragraphs[0][0].text == body
    with pytest.raises(BodyValidationError) as note:
        parse_revision(heading="見出し", body="本文[^a]。\n\n[^a]: （[[sec:ch4-1]]参照）")
    assert "3行" in note.value.message and "注記では使えません" in note.value.message
    with pytest.raises(BodyValidationError) as heading:
        parse_revision(heading="見出し（[[sec:ch4-1]]）", body="本文。")
    assert "見出し: " in heading.value.message and "見出しでは使えません" in heading.value.message


def test_a_reference_to_a_section_the_briefing_does_not_have_is_refused_at_its_line_and_column():
    # given: a paragraph over two lines, the bad reference on the second
    body = "最初の段落（[[sec:ch4-1]]参照）。\n\n二つ目の段落は\nここで（[[sec:ch9-9]]参照）、終わる。"
    # when
    with pytest.raises(BodyValidationError) as error:
        parse_revision(heading="見出し", body=body, sections={"ch4-1", "ch7-2"})
    # then: every error located, in Japanese
    assert [str(e) for e in error.value.errors] == [
        "4行5列: 節への参照 [[sec:ch9-9]] の節「ch9-9」はこのブリーフィングにありません"
    ]
    assert error.value.extra["errors"]["body"] == [str(error.value.errors[0])]


def test_plain_text_writes_the_label_and_moves_only_the_offsets_after_it():
    # given: a marker before and after the reference
    text = "派兵し（[[sec:ch4-1]]参照）、確認されている。"
    before, after = text.index("（"), text.index("、")
    # when
    read = plain_claim_text(text, [before, after], {"ch4-1": section_label(["４．", "（１）"])})
    # then
    assert read.text == "派兵し（４．（１）参照）、確認されている。"
    assert read.offsets == [read.text.index("（"), read.text.index("、")]
    assert read.sections == [("ch4-1", read.text.index("４"), len("４．（１）"))]
    missing = plain_claim_text("（[[sec:gone]]参照）", [], {})
    assert (missing.text, missing.offsets, missing.sections) == ("（?参照）", [], [])


def test_a_section_reference_renders_as_a_link_to_the_section_with_its_label():
    # given
    text = "確認されている（４．（１）参照）<b>。"
    claim = SnapshotClaim(
        id=1, text=text, refs=(SnapshotRef("p92", 92, text.index("（")),),
        sections=(SnapshotSectionRef("ch4-1", text.index("４"), 5),),
    )
    # when
    html = str(claim_html(claim))
    elsewhere = str(claim_html(claim, section_page="/briefings/world-2025/releases/1/"))
    # then
    assert html == (
        '確認されている<sup class="fnref">'
        '<a href="#fn-92" id="fnref-92" aria-describedby="footnotes-label">92</a></sup>'
        '（<a href="#sec-ch4-1" class="secref">４．（１）</a>参照）&lt;b&gt;。'
    )
    assert '<a href="/briefings/world-2025/releases/1/#sec-ch4-1" class="secref">４．（１）</a>' in elsewhere
