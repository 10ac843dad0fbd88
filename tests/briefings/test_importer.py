"""Import fidelity: the paper's structure, notes, markers, URLs and sources."""
import datetime as dt

import pytest

from briefings.importers.paper import PaperFormatError, parse_paper
from briefings.models import Briefing, Citation, Footnote, Section, SectionRevision
from releases.selectors.history import artefact_of, release_latest
from briefings.services import briefing_import_paper
from core.errors import Conflict
from sources.models import Source, SourceKind
from releases.models import Release

JETRO_URL = "https://www.jetro.go.jp/biznews/2025/02/3c47421538fdd400.html"


def test_paper_parses_into_seven_chapters_and_their_subsections_in_order(paper_text):
    # when
    paper = parse_paper(paper_text)
    # then
    chapters = [(s.number, s.heading) for s in paper.sections if s.parent_key is None and s.key != "lead"]
    assert chapters == [
        ("１．", "2025年の国際情勢"),
        ("２．", "日米関係"),
        ("３．", "日中関係"),
        ("４．", "ウクライナ情勢と日露関係"),
        ("５．", "イスラエル・パレスチナ情勢"),
        ("６．", "日韓関係"),
        ("７．", "北朝鮮情勢"),
    ]
    subsections = {s.key: (s.number, s.heading) for s in paper.sections if s.parent_key}
    assert len(subsections) == 14
    assert subsections["ch2-1"] == ("（１）", "第２次トランプ政権")
    assert subsections["ch4-1"] == ("（１）", "ロシア・ウクライナの攻防と国際社会の動き")
    assert subsections["ch5-3"] == ("（３）", "日本の対応[^p73]")
    assert subsections["ch7-3"] == ("（３）", "日朝関係と拉致問題")
    assert paper.author == "みやざき まさし"
    assert paper.publication == "立法と調査　2025.2　No.473"
    assert paper.information_as_of.start == dt.date(2025, 2, 9)


def test_all_96_notes_are_read_whole_with_page_furniture_removed(paper_text):
    paper = parse_paper(paper_text)
    assert sorted(paper.notes) == list(range(1, 97))
    # a note split across a page end and across pages
    assert paper.raw_notes[44].endswith("（『旬刊中国内外動向』No.1563（2024年第26号）107～108頁）。")
    assert paper.raw_notes[84] == (
        "邦人避難（非戦闘員退避活動）、災害救難等を対象とした日韓ＡＣＳＡ（物品役務相互提供協定）の交渉に"
        "着手すべきとの指摘がある（日本国際問題研究所『戦略アウトルック2025』15頁）。"
    )
    assert paper.raw_notes[90] == "前掲脚注45参照"
    assert not any("立法と調査" in note for note in paper.raw_notes.values())
    # the body after the page furniture continues the paragraph it belongs to
    ch7_2 = next(s for s in paper.sections if s.key == "ch7-2")
    assert any("北朝鮮との軍事技術協力を発展させることに言及した。" in p for p in ch7_2.paragraphs)


def test_urls_broken_across_lines_are_rejoined_exactly(paper_text):
    paper = parse_paper(paper_text)
    assert f"<{JETRO_URL}>" in paper.raw_notes[4]
    assert "<https://www.npi.or.jp/research/data/npi_commentary_japan_us_alliance_20241218.pdf>" in paper.raw_notes[5]
    assert (
        "<http://www.kcna.kp/jp/article/q/c5c5780439e362678b7db993c6a53cceaeef8496140b878f475fb2f456a06838.kcmsf>"
        in paper.raw_notes[88]
    )


def test_markers_are_placed_where_the_paper_has_them(briefing):
    # given
    snapshot = artefact_of(release=release_latest(briefing=briefing)).content
    sections = {s.key: s for s in snapshot.sections}
    # then: marker 4 glued to 「賦課」 in the first sentence of chapter 1
    first = sections["ch1"].paragraphs[0][0]
    assert [(r.number, first.text[: r.offset][-4:]) for r in first.refs] == [(4, "税の賦課")]
    # marker 8 was pushed to the start of the next line in the PDF
    claim = next(c for p in sections["ch1"].paragraphs for c in p if "インドネシアが新たに加盟" in c.text)
    assert [(r.number, claim.text[: r.offset][-6:]) for r in claim.refs] == [(8, "インドネシア")]
    # marker 86 is not the 86 of 「約86分間」
    claim = next(c for p in sections["ch7-1"].paragraphs for c in p if "最終完結版" in c.text)
    assert "約86分間" not in claim.text
    assert [r.number for r in claim.refs] == [86]
    # a heading carries note 73
    assert sections["ch5-3"].heading.text == "日本の対応"
    assert [(r.number, r.offset) for r in sections["ch5-3"].heading.refs] == [(73, 5)]
    # every note is referenced once, numbered 1..96 in reading order
    headings = [s.heading for s in snapshot.sections if s.heading]
    claims = headings + [c for s in snapshot.sections for p in s.paragraphs for c in p]
    numbers = [r.number for c in claims for r in c.refs]
    assert sorted(numbers) == list(range(1, 97))
    assert [n.number for n in snapshot.footnotes] == list(range(1, 97))


def test_sources_are_parsed_with_kind_and_date(briefing):
    nikkei = Source.objects.get(citation="『日本経済新聞』（2025.1.23）")
    assert (nikkei.kind, nikkei.issued_on, nikkei.issued_precision) == ("newspaper", dt.date(2025, 1, 23), "day")
    reiwa = Source.objects.get(citation="『日本経済新聞』（令7.1.8）")
    assert (reiwa.issued_on, reiwa.issued_text) == (dt.date(2025, 1, 8), "令7.1.8")
    diet = Source.objects.get(citation="第217回国会参議院本会議録第１号（2025.1.24）")
    assert diet.kind == SourceKind.DIET_RECORD
    assert Citation.objects.filter(source=diet).count() == 3  # notes 2, 15 and 95 share it
    article = Source.objects.get(author="近藤正規")
    assert article.kind == SourceKind.JOURNAL_ARTICLE
    assert (article.container, article.volume, article.issued_precision) == ("『外交』", "Vol.88", "month")
    assert (article.issued_on, article.issued_until) == (dt.date(2024, 11, 1), dt.date(2024, 12, 1))
    assert Citation.objects.get(source=article).locator == "84頁"
    jetro = Source.objects.get(url=JETRO_URL)
    assert (jetro.kind, jetro.url_domain, jetro.accessed_on) == ("website", "jetro.go.jp", dt.date(2025, 2, 9))
    assert Source.objects.get(url__contains="mofa.go.jp/mofaj/press").kind == SourceKind.GOVERNMENT_DOCUMENT
    assert Source.objects.get(publisher="日本国際問題研究所").kind == SourceKind.BOOK


def test_cross_references_become_links_to_the_target_note(briefing):
    note = Footnote.objects.get(key="p13")
    assert "前掲脚注[[fn:p12]]参照" in note.text
    # 「錦田愛子（前掲脚注12参照）33頁」 cites note 12's article again, at page 33
    citation = Citation.objects.get(footnote=note)
    assert (citation.source.author, citation.locator) == ("錦田愛子", "33頁")
    assert Footnote.objects.get(key="p23").text == "前掲脚注[[fn:p4]]参照"


def test_release_one_is_published_at_the_papers_cutoff(briefing):
    release = Release.objects.get(briefing=briefing)
    assert release.number == 1
    assert release.published_at.isoformat() == "2025-02-08T15:00:00+00:00"
    assert release.information_as_of == dt.date(2025, 2, 9)
    assert release.entries.count() == Section.objects.filter(briefing=briefing).count() == 22
    assert len(release.footnote_numbers) == 96


def test_importing_twice_duplicates_nothing(briefing, paper_text):
    models = (Briefing, SectionRevision, Source, Release)
    counts = [model.objects.count() for model in models]
    # when
    result = briefing_import_paper(text=paper_text, slug=briefing.slug)
    # then
    assert result.created is False
    assert [model.objects.count() for model in models] == counts


def test_importing_different_text_under_an_existing_slug_is_refused(briefing, paper_text):
    changed = paper_text.replace("肩書はいずれも当時のものである。", "肩書は当時のものである。")
    with pytest.raises(Conflict, match="lead"):
        briefing_import_paper(text=changed, slug=briefing.slug)


@pytest.mark.django_db
def test_a_corrupted_file_names_the_line_and_writes_nothing(paper_text):
    # given: the marker of note 45 is lost from the body
    corrupted = paper_text.replace("パートナーシップ条約45」", "パートナーシップ条約」")
    # when
    with pytest.raises(PaperFormatError) as error:
        briefing_import_paper(text=corrupted, slug="broken", title="壊れたファイル")
    # then
    assert "脚注45" in error.value.message
    assert error.value.line == 556
    assert not Briefing.objects.exists() and not Source.objects.exists()


@pytest.mark.django_db
def test_a_file_without_notes_is_refused_with_its_line():
    with pytest.raises(PaperFormatError, match="脚注が一つも見つかりません"):
        briefing_import_paper(text="１．見出し \n\n本文。 \n", slug="empty", title="空")
