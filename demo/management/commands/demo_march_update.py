"""``manage.py demo_march_update``: the March 2025 update of the demo, done through the product.

Replays, on its real date (2025-03-10, Asia/Tokyo), what an editor and a
reviewer do after the events of demo/events_2025-03.yaml were recorded: start
drafts of the stale sections 4(1), 7(2) and 3(2) from the staleness dashboard
(events pre-linked), write the new sentences and notes, cite the defence
ministry deck, submit, and approve the three as release 2. The reviewer also
marks the joint statement as "no change needed" for 2(2), whose notes already
quote it. Only services are called; the clock is set to the day of the update.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser

from briefings.models import Briefing, RevisionStatus, Section
from briefings.services import Action, revision_cite, revision_transition, revision_update, revisions_approve
from core.dates import TOKYO
from events.models import Event
from events.services import draft_from_stale_section, event_dismiss, revision_cover_events
from releases.models import Release
from sources.models import Source

UPDATE_AT = dt.datetime(2025, 3, 10, 17, 0, tzinfo=TOKYO)
CUTOFF = dt.date(2025, 3, 10)
# The defence ministry's decks, by title (sources of demo/events_2025-03.yaml, published by 防衛省).
DECK_PUBLISHER = "防衛省"
DECK_UKRAINE = "ロシアによるウクライナ侵略の状況（3月10日現在）"
DECK_TAIWAN = "台湾をめぐる最近の動向"


@dataclass(frozen=True)
class Insertion:
    after: str
    text: str


@dataclass(frozen=True)
class Note:
    key: str
    text: str
    source: str
    locator: str


@dataclass(frozen=True)
class SectionUpdate:
    key: str
    summary: str
    insertions: tuple[Insertion, ...]
    notes: tuple[Note, ...]
    extra_events: tuple[str, ...] = ()


UPDATES = (
    SectionUpdate(
        key="ch4-1",
        summary="2025年3月10日までの戦況（クルスク州・東部）、イスカンデルMによる攻撃、英国防省の死傷者推計、ゼレンスキー大統領の停戦に関する表明を追記。",
        insertions=(
            Insertion(
                "[^p36]。",
                "2025年２月28日にはロシア国防省がクルスク州の２集落の奪還を発表し、３月に入ってもドネツク州で集落の制圧を"
                "主張するなど、ロシアはクルスク方面と東部で攻勢を続けている[^u2025-03-front]。３月１日には子弾を散布する型の"
                "弾道ミサイル「イスカンデルＭ」がドニプロペトロウシク州のウクライナ陸軍の演習場を攻撃し、死傷者が出た"
                "[^u2025-03-iskander]。英国防省は３月５日、侵略開始以来のロシア軍の死傷者を87万人以上と推計した[^u2025-03-casualties]。",
            ),
            Insertion(
                "米英仏が相次いで容認したとされる。",
                "2025年３月６日には、ゼレンスキー大統領が、エネルギー・民間インフラへの攻撃の停止と黒海での停戦を、ロシアに"
                "戦争を終わらせる意思があるかを確かめる最初の措置として挙げた[^u2025-03-ceasefire]。",
            ),
        ),
        notes=(
            Note("u2025-03-front", "ロシア国防省の発表による（２月28日にニコリスキー及びノヴァヤ・ソロチナ、３月１日にスクドネ、"
                 "６日にアンドリイウカ）。", DECK_UKRAINE, "露国防省発表"),
            Note("u2025-03-iskander", "ウクライナ軍総司令官の表明による。ロシア国防省も３月４日に攻撃の実施を発表した。",
                 DECK_UKRAINE, "ウクライナ軍総司令官の表明、露国防省発表（3月4日）"),
            Note("u2025-03-casualties", "英国防省は、2025年２月のロシア軍の死傷者を約3.5万人と、１月より約1.3万人少なく"
                 "見積もり、ロシアの攻勢の減少を映している可能性があるとした。", DECK_UKRAINE, "英国防省（25年3月5日）"),
            Note("u2025-03-ceasefire", "ミサイル、爆弾及び長距離無人機による攻撃の停止と、黒海における軍事作戦の停止を指す。",
                 DECK_UKRAINE, "ゼレンスキー大統領の表明（3月6日）"),
        ),
    ),
    SectionUpdate(
        key="ch7-2",
        summary="ロシアに派遣された北朝鮮兵の死傷者と第２陣の派遣に関する2025年３月の報道を追記。",
        insertions=(
            Insertion(
                "ロシアの戦闘作戦への参加が確認されている[^p92]（[[sec:ch4-1]]参照）。",
                "2025年３月には、派遣された北朝鮮兵の死者が約400人、負傷者が約3,600人に上るほか、約1,500人が第２陣として"
                "送られたと報じられている[^u2025-03-dprk]。",
            ),
        ),
        notes=(
            Note("u2025-03-dprk", "ウクライナ情報総局長らと面会した韓国の国会議員の話として韓国メディアが報じたもの（2025年"
                 "３月５日）。このほか約3,500人がロシア極東の５か所で訓練中とされる。", DECK_UKRAINE, "韓国メディア報道（3月5日）"),
        ),
    ),
    SectionUpdate(
        key="ch3-2",
        summary="台湾周辺における中国軍機の活動（2024年の延べ進入機数）を追記。",
        insertions=(
            Insertion(
                "それぞれ台湾を包囲する形で軍事演習を実施した[^p33]。",
                "台湾国防部によれば、台湾の防空識別圏に進入した中国軍機は2024年に延べ3,070機と、前年の1,703機から大きく"
                "増えた[^u2025-03-taiwan-aircraft]。",
            ),
        ),
        notes=(
            Note("u2025-03-taiwan-aircraft", "台湾国防部の発表による延べ数（2024年12月末時点）。2020年は380機であった。",
                 DECK_TAIWAN, "台湾国防部発表（24年12月末時点）"),
        ),
        extra_events=("2024-taiwan-pla-aircraft-total-3070",),
    ),
)


RELEASE_NOTE = (
    "防衛省「ロシアによるウクライナ侵略の状況」（2025年3月10日現在）などを基に、2025年3月10日までの動きを反映しました。"
    "ウクライナ情勢（クルスク州・東部の戦況、英国防省の死傷者推計、停戦をめぐる表明）、ロシアに派遣された北朝鮮兵、"
    "台湾周辺での中国軍機の活動について追記し、出典の注を6件加えました。"
)


class Command(BaseCommand):
    help = "Publish the demo's March 2025 update (release 2, dated 2025-03-10) through the editorial workflow."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--briefing", default="world-2025")
        parser.add_argument("--editor", default="editor")
        parser.add_argument("--reviewer", default="reviewer")

    def handle(self, *args: Any, **options: Any) -> None:
        briefing = Briefing.objects.filter(slug=options["briefing"]).first()
        if briefing is None:
            raise CommandError(f"ブリーフィング「{options['briefing']}」がありません。先に load_demo を実行してください。")
        if Release.objects.filter(briefing=briefing, number__gte=2).exists():
            self.stdout.write("March 2025 update: already published (release 2 exists); nothing to do.")
            return
        users = get_user_model().objects
        try:
            editor = users.get(username=options["editor"])
            reviewer = users.get(username=options["reviewer"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"利用者がいません: {exc}") from exc
        if not Event.objects.filter(links__section__briefing=briefing).exists():
            raise CommandError("出来事がありません。先に import_events demo/events_2025-03.yaml を実行してください。")
        with mock.patch("django.utils.timezone.now", return_value=UPDATE_AT.astimezone(dt.timezone.utc)):
            self._update(briefing, editor, reviewer)

    def _update(self, briefing: Briefing, editor: Any, reviewer: Any) -> None:
        drafts: list[int] = []
        # Each step is its own transaction, as it is for a person in the admin.
        for update in UPDATES:
            section = Section.objects.get(briefing=briefing, key=update.key)
            draft = draft_from_stale_section(section_id=section.pk, actor=editor)
            body = draft.body
            for insertion in update.insertions:
                if body.count(insertion.after) != 1:
                    raise CommandError(f"{update.key}: 挿入位置「{insertion.after}」が本文に一つだけありません。")
                body = body.replace(insertion.after, insertion.after + insertion.text)
            body = body.rstrip("\n") + "\n" + "".join(f"[^{note.key}]: {note.text}\n" for note in update.notes)
            revision_update(
                revision_id=draft.pk, actor=editor,
                data={"body": body, "information_as_of": CUTOFF, "change_summary": update.summary},
            )
            for note in update.notes:
                source = Source.objects.filter(publisher=DECK_PUBLISHER, title=note.source, is_current=True).first()
                if source is None:
                    raise CommandError(
                        f"出典 {DECK_PUBLISHER}「{note.source}」がありません（import_events で登録されます）。"
                    )
                revision_cite(revision_id=draft.pk, footnote_key=note.key, source=source, locator=note.locator,
                              actor=editor)
            if update.extra_events:
                covered = list(draft.covered_events.values_list("event_id", flat=True))
                extra = list(Event.objects.filter(key__in=update.extra_events).values_list("pk", flat=True))
                revision_cover_events(revision_id=draft.pk, event_ids=covered + extra, actor=editor)
            revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor, comment=update.summary)
            drafts.append(draft.pk)
        published = revisions_approve(
            revision_ids=drafts, actor=reviewer, comment="2025年3月10日時点の情勢を反映", release_note=RELEASE_NOTE
        )
        statement = Event.objects.get(key="2025-02-japan-us-joint-statement-taiwan")
        event_dismiss(
            event_id=statement.pk, section_id=Section.objects.get(briefing=briefing, key="ch2-2").pk,
            reason="日米首脳共同声明は脚注18～20で既に引用しており、本文の変更は不要。", actor=reviewer,
        )
        cache.clear()  # a release dated in the past: as-of pages cached before now resolve differently
        release = Release.objects.filter(briefing=briefing).order_by("-number").first()
        assert release is not None and all(r.status == RevisionStatus.PUBLISHED for r in published)
        self.stdout.write(
            f"March 2025 update: release {release.number} published {release.published_at.astimezone(TOKYO):%Y-%m-%d %H:%M} "
            f"(cutoff {release.information_as_of}), sections {', '.join(u.key for u in UPDATES)}"
        )
