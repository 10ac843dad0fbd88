"""The source admin edits structured fields; the citation is shown, rendered, never typed."""
import pytest

from sources.models import Source
from sources.parsing import parse_citation
from sources.services import source_ingest

pytestmark = pytest.mark.django_db


def form(source: Source, **changes: str) -> dict[str, str]:
    data = {
        name: "" if getattr(source, name) is None else str(getattr(source, name))
        for name in ("kind", "author", "title", "container", "volume", "publisher", "pages", "issued_text", "issued_on",
                     "issued_until", "issued_precision", "accessed_on", "url", "archive_url", "archive_captured_on")
    }
    data.update({"link_checks-TOTAL_FORMS": "0", "link_checks-INITIAL_FORMS": "0", "link_checks-MIN_NUM_FORMS": "0",
                 "link_checks-MAX_NUM_FORMS": "0"})
    data.update(changes)
    return data


def test_an_editor_changes_fields_and_the_citation_follows(client, editor):
    source, _ = source_ingest(parsed=parse_citation("『朝日新聞』（2025.3.7）", kind="newspaper"))
    client.force_login(editor)
    url = f"/admin/sources/source/{source.pk}/change/"
    page = client.get(url).content.decode()
    assert "『朝日新聞』（2025.3.7）" in page and 'name="citation"' not in page  # shown, not an input
    response = client.post(url, form(source, title="停戦案", citation="手で書いた表記"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.citation == "「停戦案」『朝日新聞』（2025.3.7）"


def test_an_admin_edit_that_duplicates_another_source_is_refused_with_a_message(client, editor):
    first, _ = source_ingest(parsed=parse_citation("『朝日新聞』（2025.3.7）", kind="newspaper"))
    second, _ = source_ingest(parsed=parse_citation("『朝日新聞』（2025.3.8）", kind="newspaper"))
    client.force_login(editor)
    response = client.post(f"/admin/sources/source/{second.pk}/change/",
                           form(second, issued_text="2025年3月7日", issued_on="2025-03-07"), follow=True)
    assert f"同じ出典（id {first.pk}" in response.content.decode()
    second.refresh_from_db()
    assert second.issued_text == "2025.3.8"
