"""Dates as this product uses them: Japanese date text, precision, Tokyo days.

* ``parse_japanese_date`` turns the date forms found in Japanese policy papers
  (「2025年２月９日」, 「2025.1.23」, 「令7.1.8」, 「2024.11/12」, 「24年12月末時点」 …)
  into a ``PartialDate``: a first day, an optional last day for ranges, a
  precision and the original text. Text it cannot read raises ``DateParseError``
  carrying the original text; it never guesses.
* ``format_partial_date`` shows a date at its precision (「2024年8月」).
* ``end_of_day_tokyo`` / ``today_tokyo`` own the business-day boundary: a date D
  means everything up to D 23:59:59.999999 in Asia/Tokyo.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

TOKYO = ZoneInfo("Asia/Tokyo")


class DatePrecision(models.TextChoices):
    YEAR = "year", "年"
    MONTH = "month", "月"
    DAY = "day", "日"


class DateParseError(ValueError):
    """The text is not a date this parser understands; ``text`` keeps the original."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"「{text}」は日付として解釈できません: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class PartialDate:
    """A date known to a precision, possibly a range of such dates."""

    start: dt.date
    precision: str
    text: str = ""
    until: dt.date | None = None

    @property
    def earliest(self) -> dt.date:
        """Return the first day the date can stand for."""
        return self.start

    @property
    def latest(self) -> dt.date:
        """Return the last day the date can stand for."""
        return period_end(self.until or self.start, self.precision)

    def display(self) -> str:
        return format_partial_date(self.start, self.precision, until=self.until)


# --- Tokyo business days -----------------------------------------------------


def end_of_day_tokyo(day: dt.date) -> dt.datetime:
    """Return the last instant of ``day`` in Asia/Tokyo, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=TOKYO)


def start_of_day_tokyo(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TOKYO)


def today_tokyo() -> dt.date:
    return timezone.now().astimezone(TOKYO).date()


def to_tokyo(value: dt.datetime) -> dt.datetime:
    return value.astimezone(TOKYO)


def is_future_day(day: dt.date) -> bool:
    """Whether ``day`` has not begun yet in Asia/Tokyo (nothing can be "as of" it)."""
    return day > today_tokyo()


def day_has_ended(day: dt.date) -> bool:
    """Whether ``day`` is over in Asia/Tokyo (what was in force at its end can no longer change)."""
    return day < today_tokyo()


def parse_iso_day(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date from a URL or query string, else ``None``."""
    if len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# --- Formatting -----------------------------------------------------------------


def period_end(day: dt.date, precision: str) -> dt.date:
    if precision == DatePrecision.YEAR:
        return dt.date(day.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def format_partial_date(day: dt.date, precision: str, *, until: dt.date | None = None) -> str:
    """Format a date at its precision, e.g. 「2024年8月」 or 「2024年11月～12月」."""
    first = _format_one(day, precision)
    if until is None or until == day:
        return first
    if precision == DatePrecision.DAY and until.year == day.year and until.month == day.month:
        return f"{first}～{until.day}日"
    if precision == DatePrecision.MONTH and until.year == day.year:
        return f"{first}～{until.month}月"
    return f"{first}～{_format_one(until, precision)}"


def format_date_ja(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def format_datetime_ja(value: dt.datetime) -> str:
    local = to_tokyo(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _format_one(day: dt.date, precision: str) -> str:
    if precision == DatePrecision.YEAR:
        return f"{day.year}年"
    if precision == DatePrecision.MONTH:
        return f"{day.year}年{day.month}月"
    return format_date_ja(day)


# --- Parsing --------------------------------------------------------------------

# (name, abbreviations, first day, last day or None)
_ERAS: tuple[tuple[str, tuple[str, ...], dt.date, dt.date | None], ...] = (
    ("令和", ("令", "R"), dt.date(2019, 5, 1), None),
    ("平成", ("平", "H"), dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    ("昭和", ("昭", "S"), dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
)
_ERA_BY_TOKEN = {token: era for era in _ERAS for token in (era[0], *era[1])}
_ERA_TOKENS = "|".join(sorted(_ERA_BY_TOKEN, key=len, reverse=True))

_Y = r"(?P<y>\d{4}|\d{2})"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"^{pattern}$"))
    for name, pattern in (
        # 2025.1.23 / 2025.1.23/24 ; 2024.11/12 ; 2025.2 ; 2025.1/2
        ("dot_day", rf"{_Y}\.(?P<m>\d{{1,2}})\.(?P<d>\d{{1,2}})(?:/(?P<d2>\d{{1,2}}))?"),
        ("dot_month", rf"{_Y}\.(?P<m>\d{{1,2}})(?:/(?P<m2>\d{{1,2}}))?"),
        # 2025年2月9日 ; 2025年2月9日～10日 ; 2024年11月29日・30日 (consecutive days: a span)
        ("kanji_day", rf"{_Y}年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日(?:[～~\-・](?P<d2>\d{{1,2}})日)?"),
        # 22/2/24 (year/month/day with slashes)
        ("slash_day", rf"{_Y}/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})"),
        # 2024年12月末 (the last day of the month)
        ("kanji_month_end", rf"{_Y}年(?P<m>\d{{1,2}})月末"),
        # 2024年8月 ; 24年10月～12月 ; 24年9～10月 ; 24年10月～25年1月
        (
            "kanji_month",
            rf"{_Y}年(?P<m>\d{{1,2}})(?:月)?(?:[～~-](?:(?P<y2>\d{{4}}|\d{{2}})年)?(?P<m2>\d{{1,2}}))?月",
        ),
        # 2024年 ; 2024年第16号 (an issue number within a year)
        ("kanji_year", rf"{_Y}年(?:第\d+号)?"),
    )
)
_ERA_PATTERN = re.compile(
    rf"^(?P<era>{_ERA_TOKENS})(?P<ey>元|\d{{1,2}})"
    rf"(?:(?:年|\.)(?P<m>\d{{1,2}})(?:(?:月|\.)(?P<d>\d{{1,2}})日?|月)?|年)?$"
)
_ERA_WITH_YEAR = re.compile(rf"^(?P<era>(?:{_ERA_TOKENS})(?:元|\d{{1,2}})年)[（(](?P<g>\d{{4}})年[）)](?P<rest>.*)$")
_QUALIFIERS = ("時点", "現在", "頃", "ごろ", "以前", "以降")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．／～－", "0123456789./～-")


def normalize_date_text(text: str) -> str:
    """Return ``text`` with full-width digits and punctuation folded, spaces removed."""
    folded = unicodedata.normalize("NFKC", text).translate(_FULLWIDTH)
    folded = folded.replace("〜", "～").replace("~", "～")
    return re.sub(r"\s+", "", folded)


def parse_japanese_date(text: str) -> PartialDate:
    """Parse Japanese date text into a ``PartialDate``.

    Two-digit years are read as 20xx (the convention of the papers we import).
    Raises ``DateParseError`` for anything else, including impossible dates and
    era years outside their era.
    """
    original = text.strip()
    if not original:
        raise DateParseError(text, "空の文字列です")
    normalized = normalize_date_text(original).strip("（）()")
    for qualifier in _QUALIFIERS:
        if normalized.endswith(qualifier):
            normalized = normalized[: -len(qualifier)]
    gregorian = None
    if pair := _ERA_WITH_YEAR.match(normalized):  # 令和７年（2025年）２月
        gregorian = int(pair["g"])
        normalized = pair["era"] + pair["rest"]
    if era_match := _ERA_PATTERN.match(normalized):
        parsed = _from_era(original, era_match)
        if gregorian is not None and parsed.start.year != gregorian:
            raise DateParseError(original, f"元号の年と西暦（{gregorian}年）が一致しません")
        return parsed
    for name, pattern in _PATTERNS:
        if match := pattern.match(normalized):
            return _from_match(original, name, match)
    raise DateParseError(original, "未対応の書式です")


def _year(raw: str) -> int:
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


def _make(original: str, y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError as exc:
        raise DateParseError(original, f"存在しない日付です（{y}年{m}月{d}日）") from exc


def _from_match(original: str, name: str, match: re.Match[str]) -> PartialDate:
    g = match.groupdict()
    year = _year(g["y"])
    if name == "kanji_year":
        return PartialDate(_make(original, year, 1, 1), DatePrecision.YEAR, original)
    month = int(g["m"])
    if name == "kanji_month_end":
        start = _make(original, year, month, 1)
        last = calendar.monthrange(year, month)[1]
        return PartialDate(start.replace(day=last), DatePrecision.DAY, original)
    if name in {"dot_month", "kanji_month"}:
        start = _make(original, year, month, 1)
        until = None
        if g.get("m2"):
            until_year = _year(g["y2"]) if g.get("y2") else year
            until = _make(original, until_year, int(g["m2"]), 1)
            if until <= start:
                raise DateParseError(original, "期間の終わりが始まりより前です")
        return PartialDate(start, DatePrecision.MONTH, original, until)
    start = _make(original, year, month, int(g["d"]))
    until = None
    if g.get("d2"):
        until = _make(original, year, month, int(g["d2"]))
        if until <= start:
            raise DateParseError(original, "期間の終わりが始まりより前です")
    return PartialDate(start, DatePrecision.DAY, original, until)


def _from_era(original: str, match: re.Match[str]) -> PartialDate:
    name, _abbreviations, first, last = _ERA_BY_TOKEN[match["era"]]
    era_year = 1 if match["ey"] == "元" else int(match["ey"])
    if era_year < 1:
        raise DateParseError(original, f"{name}0年は存在しません")
    year = first.year + era_year - 1
    if match["d"]:
        value = _make(original, year, int(match["m"]), int(match["d"]))
        precision, earliest, latest = DatePrecision.DAY, value, value
    elif match["m"]:
        value = _make(original, year, int(match["m"]), 1)
        precision, earliest, latest = DatePrecision.MONTH, value, period_end(value, "month")
    else:
        value = dt.date(year, 1, 1)
        precision, earliest, latest = DatePrecision.YEAR, value, period_end(value, "year")
    if latest < first or (last is not None and earliest > last):
        raise DateParseError(original, f"{name}の期間外です")
    if precision == DatePrecision.YEAR and value < first:
        value = first  # 令和元年 begins on 2019-05-01
    return PartialDate(value, precision, original)
