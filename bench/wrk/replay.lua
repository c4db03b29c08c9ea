-- Replays prepared requests, one per line: METHOD, PATH, COOKIE, CSRF TOKEN, JSON BODY
-- (tab-separated, empty fields allowed). Each wrk thread takes its own share of the lines,
-- in order, so requests that must differ (one submit per open attempt) never repeat unless
-- the file runs out, which done() reports as "wrapped".
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  prepared, next_index, wrapped = {}, 1, 0
  local count, n = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    if n % count == id then
      local method, path, cookie, token, body =
        line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if token ~= "" then headers["X-CSRF-Token"] = token end
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      table.insert(prepared, wrk.format(method, path, headers, body))
    end
    n = n + 1
  end
end

function request()
  local chosen = prepared[next_index]
  next_index = next_index + 1
  if next_index > #prepared then
    next_index, wrapped = 1, wrapped + 1
  end
  return chosen
end

function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do wraps = wraps + thread:get("wrapped") end
  local errors = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, '
      .. '"p99_ms": %.2f, "socket_errors": %d, "non_2xx_3xx": %d, "wrapped": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status, wraps))
end
