# Varnish in front of the reader pages (docs/operations.md); nginx terminates TLS and
# sends only reader URLs here. The application decides what is cached:
# * "public, max-age=31536000, immutable" (static files, stored PDFs): kept a year;
# * "public, no-cache" with an ETag (release and as-of pages, which show live information
#   beside the frozen release: a newer release, events not yet reflected): kept, fresh
#   for one second, then revalidated with the application (a 304 costs no rendering), so
#   a new release is visible within a second, with no purge; X-Cache says REVALIDATED;
# * anything without max-age (404s, redirects, feeds without it): not cached.
# Rendered like deploy/nginx/briefings.conf (python3 scripts/lib/render.py …).
vcl 4.1;

backend application {
    .host = "@@BACKEND_HOST@@";
    .port = "@@BACKEND_PORT@@";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .probe = {
        .url = "/healthz";
        .interval = 5s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
    }
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # BAN from this host: curl -X BAN -H 'X-Ban-Url: ^/briefings/world-2025/as-of/' http://127.0.0.1:6081/
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        ban("obj.http.x-url ~ " + req.http.X-Ban-Url);
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Reader pages are the same for everybody: a session or CSRF cookie changes nothing.
    unset req.http.Cookie;
}

sub vcl_backend_response {
    set beresp.http.x-url = bereq.url;  # for bans (lurker-friendly)
    if (beresp.was_304) {
        set beresp.http.x-revalidated = "1";  # the application answered 304: the kept body is served
    }
    if (beresp.status == 200 && beresp.http.ETag && beresp.http.Cache-Control ~ "no-cache"
        && !beresp.http.Set-Cookie) {
        set beresp.ttl = 1s;  # with 0 s Varnish never revalidates (tested): fresh for a second, then a 304
        set beresp.grace = 0s;
        set beresp.keep = 1d;
        return (deliver);
    }
    if (beresp.http.Cache-Control !~ "max-age") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    unset resp.http.x-url;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } elsif (resp.http.x-revalidated) {
        set resp.http.X-Cache = "REVALIDATED";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.x-revalidated;
}
