"""The editing format: claims, references and located errors."""
import pytest

from briefings.markup import BodyValidationError, parse_revision


def test_body_splits_into_paragraphs_claims_and_references():
    parsed = parse_revision(
        heading="見出し[^h]",
        body="第一文[^a]。「引用。」を含む第二文。\n\n次の段落[^b]。\n\n[^a]: 注A\n[^b]: 注Bは[[fn:a]]を参照\n[^h]: 見出しの注",
    )
    assert [[c.text for c in p] for p in parsed.paragraphs] == [["第一文。", "「引用。」を含む第二文。"], ["次の段落。"]]
    assert [(r.key, r.offset) for r in parsed.paragraphs[0][0].refs] == [("a", 3)]
    assert parsed.heading.text == "見出し" and parsed.heading.refs[0].key == "h"
    assert parsed.cross_refs == {"a"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("文[^x]。", "未定義の脚注 [^x]"),
        ("文。\n\n[^x]: 注", "参照されていません"),
        ("文[^x]。\n\n[^x]: 注1\n[^x]: 注2", "重複"),
        ("文[^x。", "閉じていない脚注参照"),
        ("<script>alert(1)</script>。", "HTML"),
        ("文[[fn:x]]。", "注記の中でのみ"),
    ],
)
def test_invalid_bodies_are_refused_with_a_located_message(body, message):
    with pytest.raises(BodyValidationError) as error:
        parse_revision(heading="", body=body)
    assert message in error.value.message
    assert "行" in error.value.message
