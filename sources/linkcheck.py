"""Fetch a URL politely and safely, and classify the answer. No database here.

GET (many sites refuse HEAD) with a User-Agent naming the product; at most
``MAX_BODY`` bytes are read, enough to recognise a "soft 404" (a 200 page that
says the document is gone). Redirects are followed (at most ``MAX_REDIRECTS``)
and the final URL is compared with the original: same site, or another site.

**No SSRF.** A source URL is written by an editor or imported from a paper; the
checker runs inside our network. At every hop (the URL and each redirect):

* only ``http`` and ``https``;
* the host name is resolved once, and **every** address it resolves to must be
  public (``is_global``, not multicast): loopback, private, link-local (the
  cloud metadata address 169.254.169.254), shared, reserved and unspecified
  ranges are refused, including IPv4 hidden in IPv6 (mapped, 6to4, NAT64, Teredo);
* the connection goes to the address that was checked (the socket is opened
  to the IP; Host and TLS SNI carry the name), so DNS cannot answer differently
  between the check and the connection (rebinding);
* the whole fetch, redirects included, has one time budget (``timeout``,
  checked between reads; one read waits at most what was left of it when
  the connection opened), so a server dripping one byte at a time cannot hold
  a worker for more than twice the timeout.

``allow_loopback`` admits 127.0.0.0/8 and ::1 only: the tests' local servers
(the ``LINK_CHECK_ALLOW_LOOPBACK`` setting, off by default).

``send`` is the same vetted connection for one request of another kind (the
webhooks' signed POSTs): no redirect is followed, the answer is returned as it is.
"""
from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

from sources.models import LinkOutcome
from sources.parsing import url_domain

MAX_BODY = 64 * 1024
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
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


class Refused(Exception):
    """The URL may not be fetched (scheme, address, too many redirects); the message says why, in Japanese."""


def fetch(url: str, *, timeout: float, user_agent: str, allow_loopback: bool = False) -> FetchResult:
    """Fetch ``url`` (following safe redirects) within ``timeout`` seconds in all, and classify the answer."""
    began = time.monotonic()
    deadline = began + timeout

    def elapsed() -> int:
        return int((time.monotonic() - began) * 1000)

    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            status, location, body = _get(current, deadline=deadline, user_agent=user_agent,
                                          allow_loopback=allow_loopback)
            if status in REDIRECTS and location:
                current = urljoin(current, location)
                continue
            break
        else:
            raise Refused(f"リダイレクトが{MAX_REDIRECTS}回を超えました")
    except Refused as exc:
        return FetchResult(LinkOutcome.CONNECTION_ERROR, final_url=current if current != url else "",
                           error=str(exc)[:500], elapsed_ms=elapsed())
    except (TimeoutError, socket.timeout):
        return FetchResult(LinkOutcome.TIMEOUT, error=f"{timeout:g}秒以内に応答がありません", elapsed_ms=elapsed())
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return FetchResult(LinkOutcome.CONNECTION_ERROR, error=(str(exc) or type(exc).__name__)[:500],
                           elapsed_ms=elapsed())
    moved = current if current != url else ""
    if status >= 400:
        outcome = LinkOutcome.NOT_FOUND if status in (404, 410) else (
            LinkOutcome.SERVER_ERROR if status >= 500 else LinkOutcome.CLIENT_ERROR
        )
        return FetchResult(outcome, status, moved, http.client.responses.get(status, "")[:500], elapsed())
    text = body.decode("utf-8", errors="replace")
    if _SOFT_404.search(text) or (moved and _SOFT_404_URL.search(moved)):
        return FetchResult(LinkOutcome.SOFT_404, status, moved, "本文が「見つかりません」を示しています", elapsed())
    if moved:
        same = url_domain(moved) == url_domain(url)
        return FetchResult(LinkOutcome.REDIRECT_SAME_SITE if same else LinkOutcome.REDIRECT_OTHER_SITE, status, moved,
                           elapsed_ms=elapsed())
    return FetchResult(LinkOutcome.OK, status, elapsed_ms=elapsed())


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    body: bytes


def send(
    method: str, url: str, *, timeout: float, headers: dict[str, str], body: bytes | None = None,
    allow_loopback: bool = False, max_body: int = MAX_BODY,
) -> Response:
    """Send one request to a vetted public address of ``url`` within ``timeout`` seconds; follow no redirect.

    Raises ``Refused`` (scheme, address), ``TimeoutError`` and ``OSError`` or
    ``http.client.HTTPException`` (no connection, a broken answer).
    """
    return _request(method, url, deadline=time.monotonic() + timeout, headers=headers, body=body,
                    allow_loopback=allow_loopback, max_body=max_body)


def refusal(url: str, *, allow_loopback: bool = False) -> str:
    """Say why ``url`` may not be requested (scheme, host, a non-public address), or ``""`` if it may today.

    DNS can answer differently later: ``send`` checks again at every request.
    """
    try:
        _vetted(url, allow_loopback=allow_loopback)
    except Refused as exc:
        return str(exc)
    except (OSError, ValueError) as exc:
        return f"{urlsplit(url).hostname} のアドレスを確認できません（{exc}）"
    return ""


def _get(url: str, *, deadline: float, user_agent: str, allow_loopback: bool) -> tuple[int, str, bytes]:
    """GET one URL from a vetted address; return (status, Location, at most MAX_BODY bytes of body)."""
    response = _request("GET", url, deadline=deadline, allow_loopback=allow_loopback, max_body=MAX_BODY,
                        headers={"User-Agent": user_agent, "Accept": "text/html,*/*;q=0.8"})
    return response.status, response.location, response.body


def _request(
    method: str, url: str, *, deadline: float, headers: dict[str, str], allow_loopback: bool, max_body: int,
    body: bytes | None = None,
) -> Response:
    """Send one request to a vetted address; read at most ``max_body`` bytes of the answer (none of a redirect)."""
    parts, host, port, addresses = _vetted(url, allow_loopback=allow_loopback)
    https = parts.scheme.lower() == "https"
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    kwargs = {"context": ssl.create_default_context()} if https else {}
    conn = connection_class(host, port, timeout=_remaining(deadline), **kwargs)  # type: ignore[arg-type]
    conn._create_connection = lambda _address, timeout, source_address=None: _connect(  # type: ignore[attr-defined]
        addresses, port, deadline
    )
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers={**headers, "Accept-Encoding": "identity"})
        response = conn.getresponse()
        data = b""
        if response.status not in REDIRECTS:
            while len(data) < max_body:
                _remaining(deadline)  # each read waits at most the socket timeout; the budget is checked between
                chunk = response.read1(max_body - len(data))
                if not chunk:
                    break
                data += chunk
        return Response(response.status, response.getheader("Location", ""), data)
    finally:
        conn.close()


def _vetted(url: str, *, allow_loopback: bool) -> tuple[SplitResult, str, int, list[str]]:
    """Return the parts, host, port and public addresses of ``url``; raise ``Refused`` if it may not be requested."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("http", "https"):
        raise Refused(f"http/https以外のURL（{scheme or '形式不明'}）には接続しません")
    if not host:
        raise Refused("URLにホスト名がありません")
    port = parts.port or (443 if scheme == "https" else 80)
    return parts, host, port, _resolve(host, port, allow_loopback=allow_loopback)


def _resolve(host: str, port: int, *, allow_loopback: bool) -> list[str]:
    """Return the addresses of ``host``, refusing unless every one of them is public."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    else:
        addresses = [str(literal)]
    if not addresses:
        raise Refused(f"{host} のアドレスが見つかりません")
    for address in addresses:
        if not _is_public(ipaddress.ip_address(address.split("%", 1)[0]), allow_loopback=allow_loopback):
            raise Refused(f"公開されていないアドレス（{host} → {address}）には接続しません")
    return addresses


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _is_public(embedded, allow_loopback=allow_loopback)
    if address.is_loopback:
        return allow_loopback
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _connect(addresses: list[str], port: int, deadline: float) -> socket.socket:
    """Open a TCP connection to the first vetted address that answers, within the time left."""
    error: OSError = OSError("接続できません")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=_remaining(deadline))
        except (TimeoutError, socket.timeout):
            raise
        except OSError as exc:
            error = exc
    raise error


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("time budget spent")
    return left
