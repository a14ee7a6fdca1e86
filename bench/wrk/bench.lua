-- wrk script for every bench scenario (bench/load.py runs it; see bench/scenarios.py).
--
-- BENCH_MODE picks how each request is built from the URL wrk was given:
--   plain   the URL as is (headers from -H, e.g. the bearer token)
--   list    the URL + "&page=N", N uniform in 1..10 (deep enough to matter, same for app and baseline)
--   detail  the URL (a prefix ending in "/") + a random active product slug from $BENCH_STATE/slugs.txt
--   orders  POST of 3 distinct random lines from $BENCH_STATE/order_items.jsonl (one JSON item per
--           line, priced by bench.fixtures) with a unique X-Idempotency-Key per request
-- done() prints one line "BENCH_JSON {...}": throughput inputs, latency percentiles, errors
-- and the count of every HTTP status, which bench/load.py parses.

local mode = os.getenv("BENCH_MODE") or "plain"
local state_dir = os.getenv("BENCH_STATE") or "."
local run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function read_lines(path)
  local lines = {}
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    if line ~= "" then table.insert(lines, line) end
  end
  file:close()
  assert(#lines > 0, path .. " is empty")
  return lines
end

local base_path, slugs, items
local counter = 0
statuses = {}  -- global: done() reads it from each thread
sample = nil   -- the first error body this thread saw, for the report

function init(args)
  math.randomseed(os.time() + id * 7919)
  base_path = wrk.path
  if mode == "detail" then slugs = read_lines(state_dir .. "/slugs.txt") end
  if mode == "orders" then
    items = read_lines(state_dir .. "/order_items.jsonl")
    assert(#items >= 3, "orders need at least 3 stocked products")
  end
end

local order_headers = { ["Content-Type"] = "application/json" }

local function three_items()
  local picked, chosen = {}, {}
  while #chosen < 3 do
    local index = math.random(#items)
    if not picked[index] then
      picked[index] = true
      table.insert(chosen, items[index])
    end
  end
  return table.concat(chosen, ",")
end

function request()
  if mode == "list" then
    return wrk.format(nil, base_path .. "&page=" .. math.random(1, 10))
  elseif mode == "detail" then
    return wrk.format(nil, base_path .. slugs[math.random(#slugs)])
  elseif mode == "orders" then
    counter = counter + 1
    order_headers["X-Idempotency-Key"] = "bench-" .. run_id .. "-" .. id .. "-" .. counter
    local body = '{"phone":"+380971112233","clientId":"bench-' .. run_id .. '-' .. id ..
      '","items":[' .. three_items() .. ']}'
    return wrk.format("POST", base_path, order_headers, body)
  end
  return wrk.format(nil, base_path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 400 and sample == nil then sample = string.sub(body or "", 1, 400) end
end

local function json_string(text)
  if text == nil then return "null" end
  return '"' .. string.gsub(text, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local codes, error_sample = {}, nil
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses") or {}) do codes[code] = (codes[code] or 0) + n end
    error_sample = error_sample or thread:get("sample")
  end
  local parts = {}
  for code, n in pairs(codes) do table.insert(parts, string.format('"%d":%d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d},' ..
    '"statuses":{%s},"error_sample":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max,
    table.concat(parts, ","), json_string(error_sample)))
end
