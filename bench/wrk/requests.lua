-- Replays requests from a file, one per line: METHOD<TAB>PATH[<TAB>JSON BODY]. Each wrk thread takes every
-- n-th line from its own offset, so no two requests of a run are the same line (distinct booking slots).
-- Arguments: FILE THREADS [warmup].
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  nthreads = tonumber(args[2]) or 1
  position = id
  if args[3] == "warmup" then
    -- The warm-up takes lines from the second half, so the measured run's bookings are still free.
    position = id + nthreads * math.floor(#lines / (2 * nthreads))
  end
end

function request()
  local line = lines[(position % #lines) + 1]
  position = position + nthreads
  local method, path, body = line:match("^(%S+)\t([^\t]+)\t?(.*)$")
  if body == "" then body = nil end
  return wrk.format(method, path, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
