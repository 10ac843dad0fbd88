"""``/api/claims/`` pages by cursor: no ``COUNT(*)`` over a table that grows with every release."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings.models import Claim


@pytest.mark.django_db
def test_following_next_lists_every_claim_once_in_order_without_counting(client, briefing):
    # given the claims of the imported paper (several pages of 50)
    expected = list(Claim.objects.order_by("revision_id", "position").values_list("pk", flat=True))
    assert len(expected) > 100
    # when a client follows `next` to the end
    seen, url, pages = [], "/api/claims/", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        pages.append(queries.captured_queries)
        assert "count" not in body and set(body) == {"next", "previous", "results"}
        seen += [claim["id"] for claim in body["results"]]
        url = body["next"]
    # then it got each claim once, in order, and no page counted the table
    assert seen == expected
    assert not [q["sql"] for page in pages for q in page if "COUNT(" in q["sql"].upper()]
    # and every page costs the same queries (claims, their references; no per-row query)
    assert len({len(page) for page in pages}) == 1, [len(page) for page in pages]


@pytest.mark.django_db
def test_a_page_number_is_a_clear_400_not_the_first_page_again(client, briefing):
    response = client.get("/api/claims/", {"page": "2"})
    assert response.status_code == 400
    problem = response.json()
    assert [error["field"] for error in problem["errors"]] == ["page"] and "cursor" in problem["detail"]  # names it
    assert client.get("/api/claims/", {"cursor": "garbage"}).status_code == 404  # DRF: invalid cursor
