"""The change lists editors work from show what they need, at a cost that does not grow with the rows."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.admin_desk.data import add_rows

LISTS = {
    "/admin/briefings/sectionrevision/": ["節", "状態", "情報の基準日", "作成者", "更新日時"],
    "/admin/briefings/section/": ["節", "情報の基準日（公開中）", "作業中の版"],
    "/admin/sources/source/": ["出典", "種別"],
    "/admin/events/event/": ["日付", "見出し", "関係する節"],
}


@pytest.mark.parametrize("url", list(LISTS))
def test_a_change_list_shows_its_columns_with_constant_queries(client, small_briefing, editor, url,
                                                               django_assert_max_num_queries):
    # given a few rows
    add_rows(small_briefing, editor, 2)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    for column in LISTS[url]:
        assert f">{column}<" in html or f">{column}</a>" in html, column
    # when there are many more
    add_rows(small_briefing, editor, 12)
    # then the page costs no more queries
    with django_assert_max_num_queries(len(few)):
        client.get(url)
