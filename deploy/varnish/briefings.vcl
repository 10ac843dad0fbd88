# Varnish in front of the reader pages (docs/operations.md); nginx terminates TLS and
# sends only reader URLs here. The application decides what is cached:
# * "public, max-age=31536000, immutable" (a release, a past as-of day): kept a year;
# * "public, no-cache" with an ETag (the latest release, today's as-of page): kept, but
#   revalidated with the application on every request (a 304 costs no rendering), so a
#   new release is visible at once, with no purge;
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
    if (beresp.status == 200 && beresp.http.ETag && beresp.http.Cache-Control ~ "no-cache"
        && !beresp.http.Set-Cookie) {
        set beresp.ttl = 0s;
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
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
