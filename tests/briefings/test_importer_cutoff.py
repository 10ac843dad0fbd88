"""The information cutoff is found by content (「…現在の情報に基づき…」), wherever it stands."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from briefings.importers.paper import PaperFormatError, parse_paper
from briefings.models import Briefing
from briefings.services import briefing_import_paper
from sources.models import Source
from tests.conftest import PAPER

SEED = PAPER.read_text(encoding="utf-8")
CUTOFF_NOTE = "3 本稿は 2025 年２月９日現在の情報に基づき執筆している（参照ＵＲＬの最終アクセス日も同日）。 "
WITHOUT_CUTOFF = SEED.replace(CUTOFF_NOTE, "3 本稿は筆者の見解をまとめたものである。 ")


def _line(fragment: str, text: str) -> int:
    return next(number for number, line in enumerate(text.split("\n"), 1) if fragment in line)


def test_the_cutoff_is_read_from_the_note_that_states_it():
    paper = parse_paper(SEED)
    assert paper.information_as_of.start == dt.date(2025, 2, 9)
    assert paper.cutoff_line == _line("本稿は 2025 年２月９日現在", SEED)


def test_the_cutoff_is_found_in_any_note_not_by_its_number():
    # given: the sentence moved from note 3 to the last note
    moved = WITHOUT_CUTOFF.replace(
        "96 第 217 回国会衆議院予算委員会議録第２号（2025.1.31） ",
        "96 第 217 回国会衆議院予算委員会議録第２号（2025.1.31）。本稿は令和７年２月８日現在の情報に基づく。 ",
    )
    # when
    paper = parse_paper(moved)
    # then
    assert (paper.information_as_of.start, paper.information_as_of.text) == (dt.date(2025, 2, 8), "令和７年２月８日")
    assert paper.cutoff_line == _line("96 第 217 回国会衆議院", moved)


def test_the_cutoff_is_found_in_the_body():
    # given
    in_body = WITHOUT_CUTOFF.replace("肩書はいずれも当時のもの", "本稿は2025年２月９日現在の情報に基づくもの")
    # when
    paper = parse_paper(in_body)
    # then
    assert paper.information_as_of.start == dt.date(2025, 2, 9)
    assert paper.cutoff_line == _line("本稿は2025年２月９日現在", in_body)


def test_an_unreadable_cutoff_in_another_note_names_that_notes_line():
    # given: the old importer looked only at note 3 (a KeyError elsewhere)
    broken = WITHOUT_CUTOFF.replace("6 アラブ首長国連邦、", "6 本稿は2025年13月１日現在の情報に基づき、アラブ")
    # when
    with pytest.raises(PaperFormatError) as error:
        parse_paper(broken)
    # then
    assert error.value.line == _line("6 本稿は2025年13月１日", broken)
    assert "基準日を読めません" in error.value.message


def test_a_paper_without_a_cutoff_is_refused_with_a_message_naming_the_option():
    with pytest.raises(PaperFormatError) as error:
        parse_paper(WITHOUT_CUTOFF)
    assert error.value.message == (
        "論文中に「…現在の情報に基づき…」の形で基準日を記した文が見つかりません。"
        "基準日を --information-as-of YYYY-MM-DD で指定してください。"
    )


def test_a_supplied_cutoff_must_agree_with_the_papers_own():
    # when
    with pytest.raises(PaperFormatError) as error:
        parse_paper(SEED, information_as_of=dt.date(2025, 2, 10))
    # then
    assert error.value.line == _line("本稿は 2025 年２月９日現在", SEED)
    assert "「2025年２月９日現在」と記していますが" in error.value.message
    assert parse_paper(SEED, information_as_of=dt.date(2025, 2, 9)).information_as_of.start == dt.date(2025, 2, 9)


@pytest.mark.django_db
def test_the_command_imports_a_paper_without_a_cutoff_only_with_information_as_of(tmp_path):
    # given
    path = tmp_path / "paper.txt"
    path.write_text(WITHOUT_CUTOFF, encoding="utf-8")
    # when: without the option
    with pytest.raises(CommandError, match="--information-as-of YYYY-MM-DD で指定してください"):
        call_command("import_briefing", str(path), "--slug", "no-cutoff", "--title", "基準日のない論文")
    with pytest.raises(CommandError, match="not a date"):
        call_command("import_briefing", str(path), "--slug", "no-cutoff", "--information-as-of", "2025-02-30")
    assert not Briefing.objects.exists()
    # when: with it
    call_command(
        "import_briefing", str(path), "--slug", "no-cutoff", "--title", "基準日のない論文",
        "--information-as-of", "2025-02-07",
    )
    # then
    release = Briefing.objects.get(slug="no-cutoff").releases.get()
    assert release.information_as_of == dt.date(2025, 2, 7)
    assert release.published_at.isoformat() == "2025-02-06T15:00:00+00:00"
    assert set(Source.objects.exclude(url="").values_list("accessed_on", flat=True)) == {dt.date(2025, 2, 7)}


@pytest.mark.django_db
def test_the_service_takes_the_cutoff_for_a_paper_without_one():
    result = briefing_import_paper(
        text=WITHOUT_CUTOFF, slug="no-cutoff", title="基準日のない論文", information_as_of=dt.date(2025, 2, 9)
    )
    assert result.briefing.releases.get(number=result.release_number).information_as_of == dt.date(2025, 2, 9)
