"""What a release page view costs in requests: measured in Chromium, not assumed.

A view loads the page, its stylesheet and script, and one small JSON list (the
dead links among the release's sources). That list is cacheable
(``max-age``): viewing a release page again within it costs no request for it
at all, and nothing a page's script asks for is an uncached API call.
"""
from __future__ import annotations

import pytest

from tests.e2e.conftest import needs_chromium

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _resources(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Resource Timing: what the page fetched, and over the network (``transferSize`` > 0) or from the cache."""
    return page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => "
        "({name: e.name, initiator: e.initiatorType, transferSize: e.transferSize}))"
    )


@needs_chromium
def test_a_release_page_view_makes_one_cacheable_script_request(page, live_server, briefing):
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    url = f"{live_server.url}/briefings/world-2025/releases/1/"

    # first view: the page, its assets and the release's dead-link list, nothing else asked by the script
    page.goto(url)
    page.wait_for_load_state("networkidle")
    fetched = [entry for entry in _resources(page) if entry["initiator"] == "fetch"]
    assert [entry["name"] for entry in fetched] == [f"{live_server.url}/briefings/world-2025/releases/1/dead-links.json"]
    assert not [request for request in sent if "/api/" in request], sent
    first_view = len(sent)

    # second view within max-age: the list comes from the browser's cache, no network at all
    sent.clear()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    fetched = [entry for entry in _resources(page) if entry["initiator"] == "fetch"]
    assert len(fetched) == 1 and fetched[0]["transferSize"] == 0, fetched
    assert len(sent) <= first_view, (first_view, sent)
