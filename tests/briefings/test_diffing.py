"""Character-level diffs readable for Japanese, and block alignment."""
from briefings.diffing import Block, Comparable, Segment, comparable_from_body, diff_comparables, diff_text
from briefings.rendering import diff_html


def _edits(segments):
    return [(s.op, s.text) for s in segments if s.op != "equal"]


def test_a_two_character_edit_in_a_japanese_sentence_stays_two_characters():
    old = "トランプ大統領は2025年1月20日に就任し、同日に多数の大統領令に署名した。"
    new = "トランプ大統領は2025年1月20日に再び就任し、同日に多数の大統領令に署名した。"
    assert _edits(diff_text(old, new)) == [("insert", "再び")]


def test_a_changed_number_is_shown_as_delete_then_insert_of_just_that_number():
    old = "中国軍機の台湾周辺への進入は2023年に1,709機であった。"
    new = "中国軍機の台湾周辺への進入は2024年に3,070機であった。"
    edits = _edits(diff_text(old, new))
    assert ("delete", "3") in edits and ("insert", "4") in edits
    assert sum(len(text) for op, text in edits if op == "insert") <= 6  # never the whole clause


def test_a_one_character_equal_run_between_larger_edits_is_folded():
    segments = diff_text("北朝鮮兵の派遣", "ロシア兵の派遣")
    assert _edits(segments) == [("delete", "北朝鮮"), ("insert", "ロシア")]


def test_identical_and_empty_texts():
    assert diff_text("同じ", "同じ") == (Segment("equal", "同じ"),)
    assert diff_text("", "") == ()
    assert _edits(diff_text("", "新")) == [("insert", "新")]


def test_diff_html_escapes_every_segment():
    html = diff_html(diff_text("<b>a</b>", "<script>x</script>"))
    assert "<script" not in html and "<b>" not in html and "&lt;" in html
    assert "<del class=\"diff-del\">" in html and "<ins class=\"diff-ins\">" in html


def test_paragraphs_align_by_content_and_footnotes_by_key():
    old = comparable_from_body(number="（１）", heading="見出し", body=(
        "第一段落である。[^a]\n\n第二段落である。\n\n[^a]: 注Aの本文\n"
    ), labels={})
    new = comparable_from_body(number="（１）", heading="見出し", body=(
        "新しい段落である。[^b]\n\n第一段落である。[^a]\n\n第二段落だった。\n\n[^a]: 注Aの本文（訂正）\n[^b]: 注B\n"
    ), labels={})
    diff = diff_comparables(old, new)
    statuses = [(b.kind, b.status) for b in diff.blocks]
    assert statuses == [
        ("heading", "unchanged"),
        ("paragraph", "added"),
        ("paragraph", "unchanged"),
        ("paragraph", "changed"),
        ("footnote", "changed"),
        ("footnote", "added"),
    ]
    note_a = diff.blocks[4]
    assert _edits(note_a.segments) == [("insert", "（訂正）")]
    assert diff.has_changes and len(diff.changed) == 4


def test_a_removed_footnote_and_a_whole_new_section():
    old = Comparable(None, (), (Block("footnote", "脚注", "消える注", key="x"),))
    diff = diff_comparables(old, Comparable(None, (), ()))
    assert [(b.status, b.deleted) for b in diff.blocks] == [("removed", 4)]
    added = diff_comparables(None, Comparable(Block("heading", "見出し", "新節"), (), ()))
    assert [(b.status, b.inserted) for b in added.blocks] == [("added", 2)]
