"""Damaged copies of the seed paper: each imports exactly as the seed, or is refused at its line.

Harmless damage (line ends, a BOM, a URL broken differently, decomposed kana,
form feeds, …) must give the seed's parse. Any other damage must be refused
with a ``PaperFormatError`` naming the line at fault (None only where the
problem is the whole file: a missing footer, cutoff or trailing spaces) and
must write nothing. Parse-level checks need no database; one test imports the
seed once and then every refused variant, checking every table is unchanged.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from briefings.importers.paper import PaperFormatError, ParsedPaper, decode_paper, parse_paper
from briefings.models import Briefing
from briefings.selectors.content import SnapshotClaim
from briefings.services import briefing_import_paper
from releases.selectors.history import artefact_of, release_latest
from tests.conftest import PAPER

SEED = PAPER.read_text(encoding="utf-8")
LINES = SEED.split("\n")


def line_of(fragment: str, text: str = SEED) -> int:
    """Return the 1-based line of ``text`` holding ``fragment`` (exactly one)."""
    found = [number for number, line in enumerate(text.split("\n"), 1) if fragment in line]
    assert len(found) == 1, (fragment, found)
    return found[0]


def replaced(old: str, new: str, text: str = SEED) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def without_lines(first: int, last: int) -> str:
    """The seed without lines first..last (1-based, inclusive)."""
    return "\n".join(LINES[: first - 1] + LINES[last:])


def _page_starts() -> list[int]:
    """Return the 0-based first line of each page after the first (a body line right after a note line)."""
    return [i for i in range(1, len(LINES)) if LINES[i].startswith(" ") and LINES[i].strip() and LINES[i - 1].strip()]


def pages_swapped(first: int) -> str:
    """The seed with page ``first`` and the page after it exchanged."""
    starts = _page_starts()
    a, b, c = starts[first - 1], starts[first], starts[first + 1]
    return "\n".join(LINES[:a] + LINES[b:c] + LINES[a:b] + LINES[c:])


def summary(paper: ParsedPaper) -> tuple[object, ...]:
    return (
        [(s.key, s.number, s.heading, s.parent_key, s.body(paper.notes)) for s in paper.sections],
        paper.raw_notes,
        paper.author,
        paper.publication,
        paper.information_as_of,
    )


NOTE_45 = line_of("45 一方の国家が武力侵攻を受けて")
URL_88 = (
    "88 朝鮮中央通信ウェブサイト（2024.10.17）<http://www.kcna.kp/jp/article/q/c5c5780439e362678b7db993\n\n"
    "c6a53cceaeef8496140b878f475fb2f456a06838.kcmsf> "
)
FOOTER = "立法と調査　2025.2　No.473\n64"

HARMLESS: dict[str, Callable[[], str]] = {
    "CRLF line ends": lambda: SEED.replace("\n", "\r\n"),
    "CR line ends": lambda: SEED.replace("\n", "\r"),
    "a UTF-8 BOM": lambda: "\ufeff" + SEED,
    "BOM and CRLF": lambda: "\ufeff" + SEED.replace("\n", "\r\n"),
    "no final line end": lambda: SEED.rstrip("\n"),
    "extra empty lines at the end": lambda: SEED + "\n\n\n\n",
    "a URL broken over three lines": lambda: replaced(
        URL_88,
        "88 朝鮮中央通信ウェブサイト（2024.10.17）<http://www.kcna.kp/jp/article/q/c5c578\n\n"
        "0439e362678b7db993c6a53cceaeef8496140b\n\n878f475fb2f456a06838.kcmsf> ",
    ),
    "a URL with spaces where it was broken": lambda: replaced(
        "<https://www.jetro.go.jp/biznews/2025/02/3c47", "<https://www.jetro.go.jp/biznews/2025/ 02/3c47"
    ),
    "decomposed kana (NFD)": lambda: SEED.replace("ガ", "カ\u3099").replace("プ", "フ\u309a"),
    "form feeds at page starts": lambda: "\n".join(
        ("\f" + line if index in set(_page_starts()) else line) for index, line in enumerate(LINES)
    ),
    "an extra empty line inside a paragraph": lambda: replaced(
        "日本が展開しよう\n\nとする", "日本が展開しよう\n\n\n\nとする"
    ),
    "extraction gaps in the body too": lambda: replaced(
        "2025年は、米国第一主義", "2025 年は、米国第一主義"
    ).replace("2024年11月、米国大統領選挙", "2024 年 11 月、米国大統領選挙"),
    "a heading wrapped over two lines": lambda: replaced(
        "（１）ロシア・ウクライナの攻防と国際社会の動き ", "（１）ロシア・ウクライナの攻防と\n\n国際社会の動き "
    ),
    "a note line rewrapped": lambda: replaced(
        "6 アラブ首長国連邦、イラン、エチオピア、エジプトの４か国。 ",
        "6 アラブ首長国連邦、イラン、\n\nエチオピア、エジプトの４か国。 ",
    ),
}


@dataclass(frozen=True)
class Refused:
    make: Callable[[], str]
    line: Callable[[], int | None]
    message: str


def _at(fragment: str, damaged: Callable[[], str] | None = None) -> Callable[[], int]:
    return lambda: line_of(fragment, damaged() if damaged else SEED)


_TWICE = lambda: SEED + SEED  # noqa: E731
_NO_BYLINE = lambda: replaced("（みやざき まさし） \n", "")  # noqa: E731
_SWAPPED_PAGES = lambda: pages_swapped(4)  # noqa: E731
_ANOTHER_ISSUE = lambda: "\n".join(  # noqa: E731
    LINES[: _page_starts()[6]] + ["", "", "", "立法と調査　2025.1　No.472", "52", ""] + LINES[_page_starts()[6] :]
)

NOTE_6 = "6 アラブ首長国連邦、イラン、エチオピア、エジプトの４か国。 \n"
NOTE_95 = "95 第 217 回国会参議院本会議録第１号（2025.1.24） "
NOTE_96 = "96 第 217 回国会衆議院予算委員会議録第２号（2025.1.31） "

REFUSED: dict[str, Refused] = {
    "an empty file": Refused(lambda: "", lambda: 1, "ファイルが空です"),
    "only spaces and line ends": Refused(lambda: " \n\n \n", lambda: 1, "ファイルが空です"),
    "a NUL byte": Refused(lambda: replaced("本稿は", "本稿\x00は"), _at("本稿は"), "制御文字 U+0000"),
    "a tab": Refused(lambda: replaced("肩書は", "肩書\tは"), _at("肩書は"), "制御文字 U+0009"),
    "replacement characters from a lossy decode": Refused(
        lambda: replaced("本稿は", "本稿\ufffd\ufffdは"), _at("本稿は"), "文字化け"
    ),
    "UTF-8 read as Latin-1": Refused(lambda: SEED.encode("utf-8").decode("latin-1"), lambda: 1, "制御文字"),
    "trailing spaces stripped by an editor": Refused(
        lambda: "\n".join(line.rstrip() for line in LINES), lambda: None, "行末の空白が一行もありません"
    ),
    "a footnote removed": Refused(
        lambda: without_lines(line_of("50 現状維持のための"), line_of("51 第 217 回国会において") - 1),
        _at("50 現状維持のための"),
        "脚注50が始まるべき位置に脚注51",
    ),
    "a footnote duplicated": Refused(
        lambda: replaced(NOTE_6, NOTE_6 * 2), _at("7 インドネシア、タイ"), "脚注7が始まるべき位置に脚注6"
    ),
    "two footnotes in the wrong order": Refused(
        lambda: replaced(f"{NOTE_95}\n{NOTE_96}", f"{NOTE_96}\n{NOTE_95}"),
        _at(NOTE_95),
        "脚注95が始まるべき位置に脚注96",
    ),
    "a note number in full-width digits": Refused(
        lambda: replaced("\n45 一方の国家", "\n４５ 一方の国家"), lambda: NOTE_45, "脚注45が始まるべき位置"
    ),
    "an empty note": Refused(
        lambda: "\n".join("87 " if line.startswith("87 日米韓と豪州") else line for line in LINES),
        _at("87 日米韓と豪州"),
        "脚注87の本文が空です",
    ),
    "a note's last line lost its trailing space": Refused(
        lambda: replaced("エジプトの４か国。 \n", "エジプトの４か国。\n"),
        _at("8 他の ASEAN 諸国では"),
        "脚注7が始まるべき位置に脚注8",
    ),
    "a marker removed": Refused(
        lambda: replaced("パートナーシップ条約45」", "パートナーシップ条約」"),
        lambda: NOTE_45,
        "脚注45の参照記号が本文中に見つかりません",
    ),
    "a marker duplicated": Refused(
        lambda: replaced("賦課4やロシア", "賦課4やロシア4"), _at("賦課4やロシア"), "脚注4の参照記号が二度あります"
    ),
    "two markers out of order": Refused(
        lambda: replaced("「パートナー国7」", "「パートナー国6」", replaced("加盟し6、", "加盟し7、")),
        _at("加盟し6、"),
        "脚注7の参照記号が脚注6の参照記号より前にあります",
    ),
    "a marker moved to another page": Refused(
        lambda: replaced("求められよう10。", "求められよう。", replaced("当時のものである。", "当時のもの10である。")),
        _at("10 西側先進国と中露"),
        "脚注10の参照記号が本文中に見つかりません",
    ),
    "two pages swapped": Refused(
        _SWAPPED_PAGES, _at("（２）台湾情勢", _SWAPPED_PAGES), "節見出し「（２）台湾情勢」"
    ),
    "the second and third pages swapped": Refused(
        lambda: pages_swapped(1),
        _at("12 中東各地でイランが中心", lambda: pages_swapped(1)),
        "脚注5が始まるべき位置に脚注12",
    ),
    "the whole file twice": Refused(
        _TWICE, lambda: len(LINES) - 1 + line_of("立法と調査"), "頁番号 64 が前の頁番号 64"
    ),
    "cut in the middle of a note": Refused(
        lambda: "\n".join(LINES[: NOTE_45 + 2]), lambda: NOTE_45 + 2, "ファイルが脚注45の途中で終わっています"
    ),
    "cut in the middle of a line of a note": Refused(
        lambda: SEED[: SEED.index("（JETRO ウェブサイト「ビジネス短信 トランプ米大統領") + 6],
        _at("（JETRO ウェブサイト「ビジネス短信 トランプ米大統領"),
        "ファイルが脚注4の途中で終わっています",
    ),
    "cut in the middle of the body": Refused(lambda: "\n".join(LINES[:300]), lambda: 300, "著者名の行"),
    "cut after a complete note": Refused(
        lambda: SEED[: SEED.index("\n96 第 217 回国会衆議院予算")],
        _at("旨答弁している96"),
        "脚注は95までしかありません",
    ),
    "page furniture removed": Refused(lambda: replaced(FOOTER, ""), lambda: None, "頁の柱"),
    "page furniture of another issue": Refused(
        _ANOTHER_ISSUE, _at("立法と調査　2025.2　No.473", _ANOTHER_ISSUE), "別の号"
    ),
    "page furniture of an earlier issue": Refused(
        lambda: replaced("2025.2　No.473", "2024.12　No.471"), _at("立法と調査"), "基準日（2025年2月9日）より前"
    ),
    "a chapter heading out of sequence": Refused(
        lambda: replaced("\n３．日中関係 \n", "\n４．日中関係 \n"), _at("３．日中関係"), "章見出し「４．日中関係」"
    ),
    "a subsection heading repeated": Refused(
        lambda: replaced("（２）台湾情勢 ", "（１）台湾情勢 "), _at("（２）台湾情勢"), "節見出し「（１）台湾情勢」"
    ),
    "body text after the byline": Refused(
        lambda: replaced("（みやざき まさし） \n", "（みやざき まさし） \n\n本文の続き。 \n"),
        lambda: line_of("（みやざき まさし）") + 2,
        "著者名の行",
    ),
    "the byline removed": Refused(_NO_BYLINE, _at(NOTE_96, _NO_BYLINE), "著者名の行"),
    "a cross-reference to a note that does not exist": Refused(
        lambda: replaced("90 前掲脚注 45 参照", "90 前掲脚注 145 参照"), _at("90 前掲脚注"), "脚注145がありません"
    ),
    "the cutoff sentence removed": Refused(
        lambda: replaced("本稿は 2025 年２月９日現在の情報に基づき執筆", "本稿は筆者の見解をまとめたもの"),
        lambda: None,
        "--information-as-of",
    ),
    "an impossible cutoff date": Refused(
        lambda: replaced("２月９日現在", "２月３０日現在"), _at("２月９日現在"), "基準日を読めません"
    ),
    "two different cutoff dates": Refused(
        lambda: replaced("岩屋外務大臣が外交演説で", "本稿は2025年１月31日現在の情報に基づき、岩屋外務大臣が"),
        _at("本稿は 2025 年２月９日現在"),
        "基準日「2025年２月９日」が",
    ),
}


@pytest.fixture(scope="module")
def seed_summary() -> tuple[object, ...]:
    return summary(parse_paper(SEED))


def test_the_suite_has_at_least_30_damaged_variants():
    assert len(HARMLESS) + len(REFUSED) >= 30


@pytest.mark.parametrize("name", HARMLESS)
def test_harmless_damage_parses_exactly_as_the_seed(name, seed_summary):
    # given
    damaged = HARMLESS[name]()
    assert damaged != SEED
    # then
    assert summary(parse_paper(damaged)) == seed_summary


@pytest.mark.parametrize("name", REFUSED)
def test_damage_is_refused_with_its_line_and_problem(name):
    # given
    variant = REFUSED[name]
    # when
    with pytest.raises(PaperFormatError) as error:
        parse_paper(variant.make())
    # then
    assert variant.message in error.value.message
    assert error.value.line == variant.line()
    if error.value.line:
        assert error.value.message.startswith(f"{error.value.line}行目: ")


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_no_refused_variant_writes_anything(briefing):
    # given: the seed already imported
    before = _row_counts()
    # when / then
    for index, (name, variant) in enumerate(REFUSED.items()):
        with pytest.raises(PaperFormatError):
            briefing_import_paper(text=variant.make(), slug=f"damaged-{index}", title="壊れた論文")
        assert _row_counts() == before, name


@pytest.mark.parametrize(
    ("name", "data", "line", "message"),
    [
        ("Shift_JIS", SEED.encode("cp932", errors="replace"), 1, "UTF-8 として読めないバイト 0x94"),
        ("UTF-16", SEED.encode("utf-16"), 1, "UTF-16"),
        ("binary", bytes(range(256)) * 8, 2, "118バイト目に UTF-8 として読めないバイト 0x80"),
        ("a Shift_JIS line in a UTF-8 file", SEED.replace("肩書はいずれも", "\uffff").encode().replace(
            "\uffff".encode(), "肩書はいずれも".encode("cp932")), line_of("肩書はいずれも"), "UTF-8 として読めない"),
        ("an empty file", b"", 1, "ファイルが空です"),
        ("the PDF itself", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", 1, "PDF ファイルです"),
        ("a binary file that decodes as UTF-8", b"\x00\x01\x02 \n" * 20, 1, "制御文字 U+0000"),
    ],
)
def test_the_command_refuses_undecodable_files_with_their_line(name, data, line, message, tmp_path, db):
    # given
    path = tmp_path / "paper.txt"
    path.write_bytes(data)
    before = _row_counts()
    # when
    with pytest.raises(CommandError) as error:
        call_command("import_briefing", str(path), "--slug", "damaged", "--title", "壊れた論文")
    # then
    assert str(error.value).startswith(f"{path}: {line}行目: ")
    assert message in str(error.value)
    assert _row_counts() == before


def test_decoding_names_the_line_and_byte_of_the_first_undecodable_byte():
    data = "一行目 \n二行目 \n".encode() + "三行目".encode("cp932")
    with pytest.raises(PaperFormatError) as error:
        decode_paper(data)
    assert error.value.line == 3
    assert error.value.message == (
        "3行目: 1バイト目に UTF-8 として読めないバイト 0x8E があります"
        "（Shift_JIS など別の文字コードのファイルか、テキストではないファイルです）。UTF-8 で保存してください。"
    )


@pytest.mark.django_db
def test_a_citation_too_long_to_store_is_refused_at_its_note():
    # given: a web page title of 600 characters in note 26
    title = "長" * 600
    damaged = replaced("「ビジネス短信 習国家主席が", f"「{title}ビジネス短信 習国家主席が")
    before = _row_counts()
    # when
    with pytest.raises(PaperFormatError) as error:
        briefing_import_paper(text=damaged, slug="long", title="長い出典")
    # then
    assert error.value.line == line_of("26 JETRO ウェブサイト")
    assert "脚注26の出典の標題が長すぎます" in error.value.message
    assert _row_counts() == before


def _claim(claim: SnapshotClaim) -> tuple[str, list[tuple[int, int]]]:
    return claim.text, [(ref.number, ref.offset) for ref in claim.refs]


def _reading(briefing: Briefing) -> tuple[object, ...]:
    snapshot = artefact_of(release=release_latest(briefing=briefing)).content
    claims = [
        (s.key, s.number, s.heading and _claim(s.heading), [[_claim(c) for c in p] for p in s.paragraphs])
        for s in snapshot.sections
    ]
    notes = [
        (note.number, note.text, [(c.source.citation, c.source.url, c.locator) for c in note.citations])
        for note in snapshot.footnotes
    ]
    return claims, notes


def test_a_crlf_file_with_a_bom_imports_through_the_command_exactly_as_the_seed(briefing, tmp_path: Path):
    # given
    path = tmp_path / "paper.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.replace("\n", "\r\n").encode())
    # when
    call_command("import_briefing", str(path), "--slug", "crlf", "--title", briefing.title)
    call_command("import_briefing", str(path), "--slug", "crlf")  # again: unchanged
    # then
    copy = Briefing.objects.get(slug="crlf")
    assert (copy.publication, copy.author) == (briefing.publication, briefing.author)
    assert _reading(copy) == _reading(briefing)
    assert copy.releases.count() == 1
