"""The HTTP half of scripts/prod-smoke: a newsroom day through nginx only.

    python scripts/lib/prod_smoke.py flow    --origin https://localhost:61443 --cacert cert.pem --maildir mail.mbox …
    python scripts/lib/prod_smoke.py survive --origin https://localhost:61443 --cacert cert.pem

``flow``: probes, static files, the HTTP->HTTPS redirect, an editor's session login
(CSRF) and a reviewer's token, a draft created, edited and submitted, approved for
``--ahead`` seconds later, the emails of the reviewer and the author in the SMTP sink
(times in Asia/Tokyo, links on SITE_URL), beat publishing it, the new release through
the cache and the old one at its as-of URL; with ``--web`` (each web process's own
address), the same page, release and ETag from every web process, before and after the
publication (a purge reaches each process's memory, not only the one that published).
``survive``: every kind of page still
answers after one web process was killed. Each step prints one line; the first failure
exits 1.
"""
from __future__ import annotations

import argparse
import datetime as dt
import email.message
import json
import mailbox
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from email.header import decode_header, make_header
from typing import Any
from zoneinfo import ZoneInfo

import requests

TOKYO = ZoneInfo("Asia/Tokyo")
STARTED = time.monotonic()


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class StepFailed(Exception):
    pass


def step(title: str, check: Callable[[], str | None]) -> Any:
    """Run one check and print its outcome; stop the run on the first failure."""
    began = time.monotonic()
    try:
        detail = check()
    except (StepFailed, requests.RequestException, AssertionError, KeyError, ValueError) as exc:
        say(f"  FAIL  {title}: {type(exc).__name__}: {exc}")
        raise SystemExit(1) from exc
    note = f" ({detail})" if detail else ""
    if os.environ.get("SMOKE_STEPS_FILE"):  # scripts/prod-smoke counts the steps that passed
        with open(os.environ["SMOKE_STEPS_FILE"], "a", encoding="utf-8") as steps:
            steps.write(title + "\n")
    say(f"  ok    {title}{note} [{time.monotonic() - began:.1f}s, t={time.monotonic() - STARTED:.0f}s]")
    return detail


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def wait_for(condition: Callable[[], Any], *, seconds: float, every: float = 1.0, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise StepFailed(f"{what}: not within {seconds:.0f} s")
        time.sleep(every)


class Site:
    def __init__(self, origin: str, cacert: str) -> None:
        self.origin = origin.rstrip("/")
        self.cacert = cacert

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxy, no CA bundle from the environment: this host and this certificate
        session.verify = self.cacert
        return session

    def url(self, path: str) -> str:
        return self.origin + path


def direct(web: str, path: str) -> requests.Response:
    """GET ``path`` from one web process itself (gunicorn, no nginx, no Varnish), as nginx would ask."""
    session = requests.Session()
    session.trust_env = False
    return session.get(web.rstrip("/") + path, headers={"X-Forwarded-Proto": "https", "Host": "localhost"},
                       allow_redirects=False, timeout=15)


def same_everywhere(site: Site, webs: list[str], path: str) -> tuple[str, str]:
    """The page at ``path`` from each web process (twice: the second from its memory) and through the cache.

    Returns its ETag and body; fails unless every answer is a 200 with the same ETag and bytes.
    """
    answers = {}
    for web in webs:
        for attempt in (1, 2):
            response = direct(web, path)
            expect(response.status_code == 200, f"{web}{path} answered {response.status_code}")
            answers[f"{web} ({attempt})"] = response
    through = site.session().get(site.url(path), timeout=15)
    expect(through.status_code == 200, f"{path} through the cache answered {through.status_code}")
    answers["Varnish"] = through
    # nginx compresses what goes out through it, which makes the ETag weak (W/"…"): the same validator
    etags = {name: response.headers.get("ETag", "").removeprefix("W/") for name, response in answers.items()}
    expect(len(set(etags.values())) == 1 and all(etags.values()), f"{path}: different ETags {etags}")
    bodies = {response.content for response in answers.values()}
    expect(len(bodies) == 1, f"{path}: {len(bodies)} different bodies for one ETag")
    return next(iter(etags.values())), through.text


# --- emails ------------------------------------------------------------------------

def _header(message: email.message.Message, name: str) -> str:
    return str(make_header(decode_header(message.get(name, ""))))


def _parts(message: email.message.Message) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            parts[part.get_content_type()] = payload.decode(part.get_content_charset() or "utf-8")
    return parts


def find_mail(path: str, *, to: str, subject_contains: str, body_contains: str = "") -> dict[str, str] | None:
    for message in mailbox.Maildir(path, create=False):
        if to in _header(message, "To") and subject_contains in _header(message, "Subject"):
            parts = _parts(message)
            if body_contains in parts.get("text/plain", ""):
                return {"subject": _header(message, "Subject"), **parts}
    return None


def tokyo_label(value: dt.datetime) -> str:
    local = value.astimezone(TOKYO)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（日本時間）"


# --- the flow ----------------------------------------------------------------------

def flow(args: argparse.Namespace) -> None:
    site = Site(args.origin, args.cacert)
    anon = site.session()
    slug, key = args.slug, args.section

    def probes() -> str:
        health = anon.get(site.url("/healthz"), timeout=5)
        expect(health.status_code == 200 and health.json()["status"] == "ok", f"/healthz: {health.status_code}")
        ready = anon.get(site.url("/readyz"), timeout=10)
        body = ready.json()
        expect(ready.status_code == 200, f"/readyz {ready.status_code}: {body}")
        expect("no-store" in ready.headers.get("Cache-Control", ""), "/readyz may be cached")
        checks = ", ".join(f"{name} {check['status']}" for name, check in body["checks"].items())
        expect(body["scheduler"]["status"] == "running", f"scheduler: {body['scheduler']}")
        return f"{checks}; scheduler {body['scheduler']['status']}"

    step("health: /healthz and /readyz through nginx", probes)

    def redirect() -> str:
        response = anon.get(args.http_origin + f"/briefings/{slug}/", allow_redirects=False, timeout=5)
        expect(response.status_code == 301, f"plain HTTP answered {response.status_code}")
        expect(response.headers["Location"] == site.url(f"/briefings/{slug}/"), response.headers["Location"])
        return f"http -> {response.headers['Location']}"

    step("TLS: plain HTTP redirects to SITE_URL", redirect)

    def tls_headers() -> str:
        response = anon.get(site.url(f"/briefings/{slug}/"), timeout=10)
        expect(response.status_code == 200, f"latest page {response.status_code}")
        hsts = response.headers.get("Strict-Transport-Security", "")
        expect("max-age=31536000" in hsts, f"HSTS missing: {hsts!r}")
        expect(len(response.headers.get("X-Request-ID", "")) == 32, "no X-Request-ID from nginx")
        return f"HSTS '{hsts}'"

    step("TLS: reader page over HTTPS with HSTS and a request id", tls_headers)

    def static() -> str:
        page = anon.get(site.url(f"/briefings/{slug}/"), timeout=10).text
        match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
        expect(match is not None, "the page links no hashed stylesheet (collectstatic with the manifest?)")
        response = anon.get(site.url(match.group(1)), headers={"Accept-Encoding": "gzip"}, timeout=5)
        expect(response.status_code == 200, f"static {response.status_code}")
        expect(response.headers.get("Content-Encoding") == "gzip", "hashed CSS not served compressed")
        cache_control = response.headers.get("Cache-Control", "")
        expect("max-age=31536000" in cache_control and "immutable" in cache_control, cache_control)
        expect(response.headers.get("Server", "").startswith("nginx"), "static not served by nginx")
        return f"{match.group(1)}: gzip, '{cache_control}'"

    step("static: hashed files compressed with far-future caching", static)

    before = anon.get(site.url(f"/api/briefings/{slug}/"), timeout=10).json()
    old_number = max(release["number"] for release in before["releases"])
    old_day = dt.date.fromisoformat(
        dt.datetime.fromisoformat(
            next(r for r in before["releases"] if r["number"] == old_number)["published_at"]
        ).astimezone(TOKYO).date().isoformat()
    )

    editor = site.session()

    def editor_login() -> str:
        login = editor.get(site.url("/admin/login/"), timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        expect(token is not None, "no CSRF token on the login page")
        response = editor.post(
            site.url("/admin/login/?next=/admin/"),
            data={"username": args.editor, "password": args.editor_password, "csrfmiddlewaretoken": token.group(1),
                  "next": "/admin/"},
            headers={"Referer": site.url("/admin/login/")}, allow_redirects=False, timeout=10,
        )
        expect(response.status_code == 302, f"login answered {response.status_code}")
        cookie = next((c for c in editor.cookies if c.name == "sessionid"), None)
        expect(cookie is not None and cookie.secure, "no Secure session cookie")
        return "session cookie Secure, CSRF checked"

    step(f"login: editor '{args.editor}' through the admin login form", editor_login)

    def api(session: requests.Session, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if session is editor:
            headers |= {"X-CSRFToken": session.cookies.get("csrftoken", ""), "Referer": site.url("/admin/")}
        return session.request(method, site.url(path), headers=headers, timeout=20, **kwargs)

    reviewer = site.session()
    reviewer.headers["Authorization"] = f"Token {args.reviewer_token}"

    def reviewer_token() -> str:
        response = api(reviewer, "GET", "/api/revisions/?status=submitted")
        expect(response.status_code == 200, f"token rejected: {response.status_code}")
        return "DRF token accepted"

    step("login: reviewer with a DRF token", reviewer_token)

    stamp = dt.datetime.now(TOKYO).strftime("%H時%M分%S秒")
    sentence = f"本節は運用確認のため{stamp}に更新された。"
    state: dict[str, Any] = {}

    def draft() -> str:
        created = api(editor, "POST", f"/api/sections/{key}/revisions/", json={})
        expect(created.status_code == 201, f"create draft {created.status_code}: {created.text[:300]}")
        revision = created.json()
        state["id"] = revision["id"]
        edited = api(editor, "PATCH", f"/api/revisions/{revision['id']}/",
                     json={"body": sentence + "\n\n" + revision["body"], "change_summary": "運用確認の追記"})
        expect(edited.status_code == 200, f"edit {edited.status_code}: {edited.text[:300]}")
        submitted = api(editor, "POST", f"/api/revisions/{revision['id']}/submit/", json={})
        expect(submitted.status_code == 200 and submitted.json()["status"] == "submitted",
               f"submit {submitted.status_code}: {submitted.text[:300]}")
        return f"revision {revision['id']} of {key}: created, edited, submitted"

    step("editor: draft, edit and submit through the API (session + CSRF)", draft)
    revision_id = state["id"]

    publish_at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=args.ahead)).replace(microsecond=0)

    def approve() -> str:
        response = api(reviewer, "POST", f"/api/revisions/{revision_id}/approve/",
                       json={"publish_at": publish_at.astimezone(TOKYO).isoformat()})
        expect(response.status_code == 200, f"approve {response.status_code}: {response.text[:300]}")
        expect(response.json()["status"] == "scheduled", f"status {response.json()['status']}")
        return f"scheduled for {publish_at.astimezone(TOKYO):%H:%M:%S} Asia/Tokyo"

    step(f"reviewer: approve, scheduled {args.ahead} s ahead", approve)

    # At once, while the time is surely still ahead (the emails below wait for the worker).
    def not_yet() -> str:
        page = anon.get(site.url(f"/briefings/{slug}/"), timeout=10).text
        expect(sentence not in page, "the scheduled text is already public")
        response = anon.get(site.url(f"/briefings/{slug}/releases/{old_number + 1}/"), timeout=10)
        expect(response.status_code == 404, f"release {old_number + 1} answered {response.status_code}")
        return f"release {old_number + 1} is 404, the text not on the latest page"

    step("reader: nothing of the scheduled revision is public before its time", not_yet)

    etags_before: dict[str, str] = {}

    def horizontal_before() -> str:
        for path in (f"/briefings/{slug}/", f"/briefings/{slug}/releases/{old_number}/"):
            etags_before[path], page = same_everywhere(site, args.web, path)
            expect(sentence not in page, f"{path} shows the scheduled text early")
        return f"{len(args.web)} web processes and Varnish: the same latest page and release {old_number}, same ETags"

    if args.web:
        step("horizontal: every web process answers the same (each keeps the pages in memory)", horizontal_before)

    review_link = f"{args.site_url}/admin/briefings/sectionrevision/{revision_id}/review/"

    def reviewer_mail() -> str:
        mail = wait_for(lambda: find_mail(args.maildir, to=args.reviewer_email, subject_contains="審査依頼",
                                          body_contains=f"版{revision_id}"),
                        seconds=30, what="the reviewer's email")
        expect(review_link in mail["text/plain"], f"no SITE_URL review link in: {mail['text/plain']}")
        expect(f'href="{review_link}"' in mail.get("text/html", ""), "no HTML part with the link")
        expect("（日本時間）" in mail["text/plain"], "submission time not in Asia/Tokyo")
        return f"'{mail['subject']}' with {review_link}"

    step("email: the reviewers are asked to review (text + HTML, SITE_URL link)", reviewer_mail)

    def author_scheduled_mail() -> str:
        label = tokyo_label(publish_at)
        mail = wait_for(lambda: find_mail(args.maildir, to=args.editor_email, subject_contains="審査結果",
                                          body_contains=f"版{revision_id}）は承認され"),
                        seconds=30, what="the author's email")
        expect(label in mail["text/plain"], f"the scheduled time {label} is not in: {mail['text/plain']}")
        expect(review_link in mail["text/plain"] and "text/html" in mail, "link or HTML part missing")
        return f"'{label}' in the author's email"

    step("email: the author learns the time of publication in Asia/Tokyo", author_scheduled_mail)

    def published() -> str:
        def status() -> str | None:
            revision = api(reviewer, "GET", f"/api/revisions/{revision_id}/").json()
            return revision["published_at"] if revision["status"] == "published" else None

        published_at = wait_for(status, seconds=args.ahead + args.beat_interval + 45, every=2,
                                what="beat publishing the revision")
        at = dt.datetime.fromisoformat(published_at)
        expect(at >= publish_at, f"published at {at}, before its time {publish_at}")
        return f"published at {at.astimezone(TOKYO):%H:%M:%S}, {(at - publish_at).total_seconds():.0f} s after its time"

    step("beat: the revision is published by itself when due", published)

    def author_published_mail() -> str:
        mail = wait_for(lambda: find_mail(args.maildir, to=args.editor_email, subject_contains="審査結果",
                                          body_contains="予約どおり"),
                        seconds=30, what="the author's publication email")
        expect(f"{args.site_url}/briefings/{slug}/" in mail["text/plain"], "no SITE_URL link to the briefing")
        return mail["subject"]

    step("email: the author is told it went out", author_published_mail)

    new_number = old_number + 1

    def through_cache() -> str:
        latest = anon.get(site.url(f"/briefings/{slug}/"), timeout=10)
        expect(latest.status_code == 200 and sentence in latest.text, "the latest page lacks the new text")
        expect(f"第{new_number}版" in latest.text, f"the latest page is not release {new_number}")
        first = anon.get(site.url(f"/briefings/{slug}/releases/{new_number}/"), timeout=10)
        second = anon.get(site.url(f"/briefings/{slug}/releases/{new_number}/"), timeout=10)
        expect(first.status_code == 200 and sentence in first.text, f"release {new_number}: {first.status_code}")
        # release pages show live information, so Varnish keeps them and revalidates (a 304, no rendering)
        cached = second.headers.get("X-Cache")
        expect(cached in ("HIT", "REVALIDATED"), f"second read not from the cache: {cached}")
        expect("no-cache" in second.headers.get("Cache-Control", "") and second.headers.get("ETag"),
               f"release page not revalidated by ETag: {second.headers.get('Cache-Control')}")
        time.sleep(1.5)  # Varnish keeps it fresh for a second, then asks the application (a 304)
        third = anon.get(site.url(f"/briefings/{slug}/releases/{new_number}/"), timeout=10)
        expect(third.headers.get("X-Cache") == "REVALIDATED" and third.headers.get("ETag") == second.headers.get("ETag")
               and sentence in third.text, f"third read after a second: X-Cache {third.headers.get('X-Cache')}")
        return (f"latest = release {new_number}; /releases/{new_number}/ X-Cache {first.headers.get('X-Cache')}, "
                f"then {cached}, after a second REVALIDATED (304 from the application)")

    step("reader: the new release through the cache (Varnish)", through_cache)

    def horizontal_after() -> str:
        checked = []
        for path in (f"/briefings/{slug}/", f"/briefings/{slug}/releases/{old_number}/",
                     f"/briefings/{slug}/releases/{new_number}/"):
            etag, page = same_everywhere(site, args.web, path)
            expect(etag != etags_before.get(path), f"{path}: still the ETag from before the publication")
            expect(path.endswith(f"/releases/{old_number}/") or sentence in page, f"{path} lacks the new text")
            expect(f'/briefings/{slug}/releases/{new_number}/"' in page, f"{path} does not point to release {new_number}")
            checked.append(path)
        return (f"published by the worker; {len(args.web)} web processes and Varnish agree on {len(checked)} pages: "
                f"release {new_number}, new ETags (the old release page's newer-release notice too)")

    if args.web:
        step("horizontal: the publication reached every web process and Varnish", horizontal_after)

    def pdf() -> str:
        response = anon.get(site.url(f"/briefings/{slug}/releases/{new_number}/pdf"), timeout=60)
        expect(response.status_code == 200, f"PDF {response.status_code}: {response.text[:200]}")
        expect(response.content.startswith(b"%PDF-"), "not a PDF")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
            pdf_file.write(response.content)
            pdf_file.flush()
            fonts = subprocess.run(["pdffonts", pdf_file.name], capture_output=True, text=True, check=True).stdout
            text = subprocess.run(["pdftotext", pdf_file.name, "-"], capture_output=True, text=True, check=True).stdout
        embedded = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
        expect(any("CJK" in name for name in embedded), f"no CJK font embedded: {embedded}")
        expect(sentence in text.replace("\n", ""), "the new text is not in the PDF")
        return f"{len(response.content) // 1024} KiB, fonts {sorted({name.split('+')[-1] for name in embedded})}"

    step("reader: the PDF of the new release, Japanese fonts embedded", pdf)

    def old_release() -> str:
        response = anon.get(site.url(f"/briefings/{slug}/as-of/{old_day.isoformat()}/"), timeout=10)
        expect(response.status_code == 200, f"as-of {old_day}: {response.status_code}")
        edition = "初版" if old_number == 1 else f"第{old_number}版"  # release 1 is 「初版」
        expect(sentence not in response.text and f'class="release-number">{edition}' in response.text,
               f"as-of {old_day} is not release {old_number}")
        again = anon.get(site.url(f"/briefings/{slug}/as-of/{old_day.isoformat()}/"), timeout=10)
        expect(again.headers.get("X-Cache") in ("HIT", "REVALIDATED"),
               f"the past as-of page is not from the cache: {again.headers.get('X-Cache')}")
        return f"/as-of/{old_day}/ = release {old_number}, without the new text, cached"

    step("reader: the old release at its as-of URL", old_release)
    say("  " + json.dumps({"revision": revision_id, "release": new_number, "sentence": sentence}, ensure_ascii=False))


def survive(args: argparse.Namespace) -> None:
    site = Site(args.origin, args.cacert)
    anon = site.session()
    paths = [
        "/", f"/briefings/{args.slug}/", f"/briefings/{args.slug}/releases/1/", f"/briefings/{args.slug}/changes/"
        "?from=2025-02-09&to=2025-03-10", "/events/", "/sources/", f"/api/briefings/{args.slug}/", "/api/revisions/",
        "/admin/login/", "/healthz", "/readyz",
    ]

    def every_page() -> str:
        answers = []
        for _round in range(3):  # enough to reach both upstreams several times
            for path in paths:
                response = anon.get(site.url(path), timeout=15)
                expect(response.status_code == 200, f"{path} answered {response.status_code} with one web process down")
                answers.append(response.status_code)
        return f"{len(answers)} requests, all 200"

    step("one web process killed: every kind of page still answers", every_page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("flow", "survive"))
    parser.add_argument("--origin", required=True)
    parser.add_argument("--http-origin", default="")
    parser.add_argument("--web", action="append", default=[], help="a web process's own address (repeat)")
    parser.add_argument("--site-url", default="")
    parser.add_argument("--cacert", required=True)
    parser.add_argument("--maildir", default="")
    parser.add_argument("--slug", default="world-2025")
    parser.add_argument("--section", default="ch4-3")
    parser.add_argument("--editor", default="editor")
    parser.add_argument("--editor-password", default="editor")
    parser.add_argument("--editor-email", default="editor@example.org")
    parser.add_argument("--reviewer-email", default="reviewer@example.org")
    parser.add_argument("--reviewer-token", default="")
    parser.add_argument("--ahead", type=int, default=60)
    parser.add_argument("--beat-interval", type=int, default=60)
    args = parser.parse_args()
    args.site_url = (args.site_url or args.origin).rstrip("/")
    flow(args) if args.command == "flow" else survive(args)


if __name__ == "__main__":
    main()
