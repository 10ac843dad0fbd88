-- benchmarks/run.py's wrk script: one summary line per run, and with WRK_COUNT_STATUSES=1
-- the responses counted by status. wrk's own "Non-2xx or 3xx responses" counts only
-- statuses above 399, so it cannot tell a 304 from a 200; counting needs response(),
-- which makes wrk keep every header (and body) for Lua, so it is defined only where the
-- answers are small (the conditional requests) and the cost to wrk is small.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

if os.getenv("WRK_COUNT_STATUSES") == "1" then
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("summary requests=%d bytes=%d socket_errors=%d status_errors=%d\n", summary.requests,
    summary.bytes, errors.connect + errors.read + errors.write + errors.timeout, errors.status))
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  for status, count in pairs(counts) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
