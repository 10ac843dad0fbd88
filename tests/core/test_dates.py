import datetime as dt

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
