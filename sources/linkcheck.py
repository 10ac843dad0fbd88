"""Fetch a URL politely and classify the answer. No database here.

GET (many sites refuse HEAD) with a timeout and a User-Agent naming the
product; at most ``MAX_BODY`` bytes are read, enough to recognise a "soft 404"
(a 200 page that says the document is gone). Redirects are followed and the
final URL is compared with the original: same site, or another site.
"""
from __future__ import annotations

import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from sources.models import LinkOutcome
from sources.parsing import url_domain

MAX_BODY = 64 * 1024
_SOFT_404 = re.compile(
    r"<title[^>]*>[^<]*(?:404|not\s+found|page\s+not\s+found|見つかりません|存在しません|削除されました|エラー)[^<]*</title>",
    re.IGNORECASE,
)
_SOFT_404_URL = re.compile(r"(?:/404(?:\.html?)?$|notfound|not-found|/error(?:\.html?)?$)", re.IGNORECASE)


@dataclass(frozen=True)
class FetchResult:
    outcome: str
    http_status: int | None = None
    final_url: str = ""
    error: str = ""
    elapsed_ms: int = 0


def fetch(url: str, *, timeout: float, user_agent: str) -> FetchResult:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "text/html,*/*;q=0.8"})
    began = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - began) * 1000)

    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only (checked on save)
            body = response.read(MAX_BODY)
            status, final = response.status, response.geturl()
    except urllib.error.HTTPError as exc:
        outcome = LinkOutcome.NOT_FOUND if exc.code in (404, 410) else (
            LinkOutcome.SERVER_ERROR if exc.code >= 500 else LinkOutcome.CLIENT_ERROR
        )
        return FetchResult(outcome, exc.code, exc.geturl() if exc.geturl() != url else "", str(exc.reason)[:500], elapsed())
    except (TimeoutError, socket.timeout):
        return FetchResult(LinkOutcome.TIMEOUT, error=f"{timeout:g}秒以内に応答がありません", elapsed_ms=elapsed())
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            return FetchResult(LinkOutcome.TIMEOUT, error=f"{timeout:g}秒以内に応答がありません", elapsed_ms=elapsed())
        return FetchResult(LinkOutcome.CONNECTION_ERROR, error=str(exc.reason)[:500], elapsed_ms=elapsed())
    except (OSError, ValueError) as exc:
        return FetchResult(LinkOutcome.CONNECTION_ERROR, error=str(exc)[:500], elapsed_ms=elapsed())
    moved = final if final != url else ""
    text = body.decode("utf-8", errors="replace")
    if _SOFT_404.search(text) or (moved and _SOFT_404_URL.search(moved)):
        return FetchResult(LinkOutcome.SOFT_404, status, moved, "本文が「見つかりません」を示しています", elapsed())
    if moved:
        same = url_domain(moved) == url_domain(url)
        return FetchResult(LinkOutcome.REDIRECT_SAME_SITE if same else LinkOutcome.REDIRECT_OTHER_SITE, status, moved,
                           elapsed_ms=elapsed())
    return FetchResult(LinkOutcome.OK, status, elapsed_ms=elapsed())
