# Sourced by scripts/test and scripts/bench: a throw-away PostgreSQL (and Redis) on
# loopback ports, removed on exit. PostgreSQL refuses root, so it runs as "postgres".
# Needs: SUDO set ("" or "sudo"); sets RUN, PGPORT_LOCAL, REDIS_PORT_LOCAL.
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
RUN="$(mktemp -d /tmp/briefings-run.XXXXXX)"; chmod 755 "$RUN"
PGDIR="$RUN/pg"; mkdir -p "$PGDIR"; $SUDO chown postgres:postgres "$PGDIR"; $SUDO chmod 700 "$PGDIR"
services_cleanup() {
  $SUDO su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGDIR/data -m fast -w stop" >/dev/null 2>&1 || true
  [ -f "$RUN/redis.pid" ] && kill "$(cat "$RUN/redis.pid")" 2>/dev/null || true
  $SUDO rm -rf "$RUN"
}
trap services_cleanup EXIT

start_postgres() {  # start_postgres PORT
  PGPORT_LOCAL="$1"
  $SUDO su postgres -s /bin/sh -c "$PGBIN/initdb -D $PGDIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
  # A busy host may hold the port for a moment as the local end of another connection: retry.
  local attempt
  for attempt in 1 2 3 4 5 6; do
    $SUDO su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGDIR/data -l $PGDIR/pg.log -w -o '-p $PGPORT_LOCAL -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start >/dev/null" && return 0
    [ "$attempt" -lt 6 ] && { echo "PostgreSQL could not start on port $PGPORT_LOCAL (attempt $attempt); retrying" >&2; sleep 3; }
  done
  return 1
}

start_redis() {  # start_redis PORT
  REDIS_PORT_LOCAL="$1"
  redis-server --port "$REDIS_PORT_LOCAL" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" --dir "$RUN"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT_LOCAL" ping >/dev/null 2>&1 && break; sleep 0.2; done
}
