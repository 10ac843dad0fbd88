import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from core.dates import (
    DateParseError,
    DatePrecision,
    end_of_day_tokyo,
    format_partial_date,
    parse_japanese_date,
)


@pytest.mark.parametrize(
    ("text", "start", "precision", "until"),
    [
        ("2025年２月９日", dt.date(2025, 2, 9), DatePrecision.DAY, None),
        ("2025.1.23", dt.date(2025, 1, 23), DatePrecision.DAY, None),
        ("（2025.1.23）", dt.date(2025, 1, 23), DatePrecision.DAY, None),
        ("25年3月5日", dt.date(2025, 3, 5), DatePrecision.DAY, None),
        ("24年8月", dt.date(2024, 8, 1), DatePrecision.MONTH, None),
        ("2024年 12 月", dt.date(2024, 12, 1), DatePrecision.MONTH, None),
        ("2025.2", dt.date(2025, 2, 1), DatePrecision.MONTH, None),
        ("2024.11/12", dt.date(2024, 11, 1), DatePrecision.MONTH, dt.date(2024, 12, 1)),
        ("24年10月～12月", dt.date(2024, 10, 1), DatePrecision.MONTH, dt.date(2024, 12, 1)),
        ("24年９～10月", dt.date(2024, 9, 1), DatePrecision.MONTH, dt.date(2024, 10, 1)),
        ("令7.1.8", dt.date(2025, 1, 8), DatePrecision.DAY, None),
        ("R7.1.8", dt.date(2025, 1, 8), DatePrecision.DAY, None),
        ("令和７年", dt.date(2025, 1, 1), DatePrecision.YEAR, None),
        ("令和元年５月１日", dt.date(2019, 5, 1), DatePrecision.DAY, None),
        ("平成31年4月30日", dt.date(2019, 4, 30), DatePrecision.DAY, None),
        ("24年12月末時点", dt.date(2024, 12, 31), DatePrecision.DAY, None),
        ("2024年第16号", dt.date(2024, 1, 1), DatePrecision.YEAR, None),
        ("平成31年", dt.date(2019, 1, 1), DatePrecision.YEAR, None),
        ("Ｈ３０．４．２時点", dt.date(2018, 4, 2), DatePrecision.DAY, None),
        ("令和７年（2025年）２月", dt.date(2025, 2, 1), DatePrecision.MONTH, None),
        ("2024年11月29日・30日", dt.date(2024, 11, 29), DatePrecision.DAY, dt.date(2024, 11, 30)),
        ("22/2/24以前", dt.date(2022, 2, 24), DatePrecision.DAY, None),
        ("2025.3.10現在", dt.date(2025, 3, 10), DatePrecision.DAY, None),
        ("24.12", dt.date(2024, 12, 1), DatePrecision.MONTH, None),
        ("24年10月～25年1月", dt.date(2024, 10, 1), DatePrecision.MONTH, dt.date(2025, 1, 1)),
    ],
)
def test_parse_japanese_date_reads_every_form_of_the_corpus(text, start, precision, until):
    # when
    parsed = parse_japanese_date(text)
    # then
    assert (parsed.start, parsed.precision, parsed.until) == (start, precision, until)
    assert parsed.text == text.strip()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("平成32年1月1日", "期間外"),
        ("令和元年4月1日", "期間外"),
        ("2025年2月30日", "存在しない日付"),
        ("2025年13月", "存在しない日付"),
        ("そのうち", "未対応の書式"),
        ("", "空"),
    ],
)
def test_parse_japanese_date_refuses_impossible_dates_with_the_original_text(text, reason):
    with pytest.raises(DateParseError) as error:
        parse_japanese_date(text)
    assert reason in str(error.value)
    assert error.value.text == text.strip() or text == ""


def test_partial_dates_are_shown_at_their_precision():
    assert format_partial_date(dt.date(2024, 8, 1), DatePrecision.MONTH) == "2024年8月"
    assert format_partial_date(dt.date(2024, 1, 1), DatePrecision.YEAR) == "2024年"
    assert format_partial_date(dt.date(2025, 2, 9), DatePrecision.DAY) == "2025年2月9日"
    assert (
        format_partial_date(dt.date(2024, 11, 1), DatePrecision.MONTH, until=dt.date(2024, 12, 1))
        == "2024年11月～12月"
    )


def test_end_of_day_is_the_last_instant_of_the_day_in_tokyo():
    end = end_of_day_tokyo(dt.date(2025, 2, 9))
    assert end.utcoffset() == dt.timedelta(hours=9)
    assert end.astimezone(dt.UTC) == dt.datetime(2025, 2, 9, 14, 59, 59, 999999, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("令和７年（2024年）２月", "一致しません"),
        ("3月10日時点", "未対応"),  # no year: never guessed
        ("23年4・9月", "未対応"),  # a list of months is not one date
        ("2025年2月30日", "存在しない日付"),
        ("平成32年", "期間外"),
        ("昭和65年", "期間外"),
        ("令和0年", "存在しません"),
    ],
)
def test_unparseable_text_is_a_clear_error_keeping_the_original(text, reason):
    with pytest.raises(DateParseError) as error:
        parse_japanese_date(text)
    assert error.value.text == text and reason in str(error.value)


# Date-shaped strings in the two seeds: each must parse, or raise DateParseError.
_CANDIDATE = re.compile(
    r"(?:令和|平成|令|R|H)(?:元|\d{1,2})[年.]\d{1,2}(?:[月.]\d{1,2}日?|月)?"
    r"|(?<![\d.])\d{2,4}年\d{1,2}(?:[・～\-]\d{1,2})*月(?:末|\d{1,2}日(?:[・～\-]\d{1,2}日)?)?(?:～(?:\d{2,4}年)?\d{1,2}月)?"
    r"|(?<![\d./])(?:19|20)\d{2}\.\d{1,2}(?:\.\d{1,2})?(?:/\d{1,2})?(?![\d.])"
)
SEEDS = [
    Path(__file__).resolve().parents[2] / "demo" / "seeds" / "paper_2025-02.txt",
    Path(__file__).resolve().parents[2] / "demo" / "seeds" / "defense_2025-03.txt",
]


def _candidates():
    for seed in SEEDS:
        text = unicodedata.normalize("NFKC", seed.read_text(encoding="utf-8"))
        for match in _CANDIDATE.finditer(text):
            yield seed.name, match[0]


def test_every_date_string_in_both_seeds_parses_or_fails_loudly():
    parsed, refused = [], []
    for seed, text in _candidates():
        try:
            value = parse_japanese_date(text)
        except DateParseError as error:
            assert error.text == text
            refused.append(text)
        else:
            assert value.text == text
            assert dt.date(1989, 1, 1) <= value.earliest <= value.latest <= dt.date(2050, 12, 31), (seed, text)
            parsed.append(text)
    assert len(parsed) > 150
    # what is refused is only lists of months (several dates, not one)
    assert all("・" in text and "日" not in text for text in refused), refused
