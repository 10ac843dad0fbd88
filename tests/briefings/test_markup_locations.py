"""Editing-format errors stand where the editor typed them, once, without follow-on errors."""
import pytest

from briefings.markup import BodyValidationError, parse_revision


def _errors(body: str, heading: str = "") -> list[str]:
    with pytest.raises(BodyValidationError) as error:
        parse_revision(heading=heading, body=body)
    return [str(e) for e in error.value.errors]


def test_an_error_late_in_a_line_names_its_column():
    # given an unclosed tag after 10 characters on line 3
    body = "一文目です。\n\nあいうえおかきくけこ<b>太字</b>。"
    # then
    assert _errors(body) == ["3行11列: HTMLやタグは使えません（URLは <https://…> の形で書きます）"]


def test_an_error_on_the_second_line_of_a_paragraph_names_that_line():
    # given a paragraph over lines 1-2 (joined without a space), the error on line 2
    body = "一行目の文は続き\n二行目で[[fn:a]]を使う。"
    assert _errors(body) == ["2行5列: 脚注への相互参照 [[fn:…]] は注記の中でのみ使えます"]


def test_an_indented_line_counts_its_indent():
    assert _errors("　　字下げ<x>。") == ["1行6列: HTMLやタグは使えません（URLは <https://…> の形で書きます）"]


def test_an_undefined_reference_names_where_the_reference_stands():
    body = "前の文。\n\n段落の途中の文[^zz]。"
    assert _errors(body) == ["3行8列: 未定義の脚注 [^zz] が参照されています"]


def test_an_error_in_a_note_is_located_on_the_notes_line():
    body = "文[^a]。\n\n[^a]: 注の<b>中</b>"
    assert _errors(body) == ["3行9列: HTMLやタグは使えません（URLは <https://…> の形で書きます）"]


def test_an_unclosed_reference_does_not_cascade_into_an_unreferenced_note():
    # given a reference missing its bracket, and the note it means
    body = "文[^a。\n\n[^a]: 注"
    # then one error, not also 「[^a] は定義されていますが本文で参照されていません」
    assert _errors(body) == ["1行2列: 閉じていない脚注参照です（[^key] の形で書きます）"]


def test_a_definition_with_a_full_width_colon_is_one_clear_error():
    # given 「：」 (a Japanese keyboard's colon) instead of 「:」
    body = "文[^a]。\n\n[^a]：注"
    # then one error saying how to write it, not 「未定義」+「複数回参照」 follow-ons
    errors = _errors(body)
    assert len(errors) == 1 and errors[0].startswith("3行1列: 脚注 [^a] の定義は") and "半角のコロン" in errors[0]


def test_errors_are_listed_in_the_order_of_the_text():
    body = "文[^b]。\n\n<i>二</i>。\n\n[^b]: 注\n[^c]: 注"
    assert [e.split(":")[0] for e in _errors(body)] == ["3行1列", "6行1列"]


def test_reference_columns_count_the_markers_before_them():
    parsed = parse_revision(heading="", body="文[^a]と文[^b]。\n\n[^a]: 注A\n[^b]: 注B")
    refs = parsed.paragraphs[0][0].refs
    assert [(r.key, r.offset, r.line, r.column) for r in refs] == [("a", 1, 1, 2), ("b", 3, 1, 8)]
