-- wrk script: a mixed workload on the demo data — about 80% suggestions, 15% newcomer upserts, 5% match transitions
-- (propose a match with an override, then decline it, so no capacity leaks and the run can go on for minutes).
-- Every answer's status is counted per thread; done() prints them, and any 5xx or unexpected 4xx as errors.
local worker_key = "demo-case-worker-key-0002"
local cms_key = "demo-case-management-key-0001"
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(42 + id)
  counts = {}
  errors = 0
  pending = {}
  upsert_body = '{"dutchLevel":"A2","languages":["ar","en"],"interests":["football","cooking"],"location":{"place":"Gent"},'
    .. '"maxTravelKm":15,"availability":[{"day":"tue","from":"18:00","to":"21:00"},{"day":"wed","from":"14:00","to":"17:00"}],'
    .. '"birthYear":1994,"gender":"female","goals":["work"],"trajectoryEnd":"2027-06-30"}'
end

request = function()
  local r = math.random(100)
  if r <= 80 then
    local nc = string.format("nc-%06d", math.random(1, 2000))
    return wrk.format("GET", "/api/v1/newcomers/" .. nc .. "/suggestions?limit=10", { ["X-Api-Key"] = worker_key })
  elseif r <= 95 then
    local nc = string.format("load-%d-%03d", id, math.random(1, 200))
    return wrk.format("PUT", "/api/v1/newcomers/" .. nc, { ["X-Api-Key"] = cms_key, ["Content-Type"] = "application/json" }, upsert_body)
  elseif #pending > 0 then
    local m = table.remove(pending)
    return wrk.format("PATCH", "/api/v1/matches/" .. m, { ["X-Api-Key"] = worker_key, ["Content-Type"] = "application/json" },
      '{"status":"declined","reason":"other"}')
  else
    local body = string.format('{"newcomerId":"nc-%06d","offerId":"offer-%06d","override":{"reason":"load test"}}',
      math.random(1, 2000), math.random(1, 600))
    return wrk.format("POST", "/api/v1/matches", { ["X-Api-Key"] = worker_key, ["Content-Type"] = "application/json" }, body)
  end
end

response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  -- Answers of a thread's connections interleave, so a proposal is recognised by its body, not by the last request.
  if status == 201 then
    local m = string.match(body, '"id":"(m%-%x+)"')
    if m then table.insert(pending, m) end
  end
  -- 409 is an expected answer to proposing a pair that already has an open match; anything else >= 400 is an error.
  if status >= 500 or (status >= 400 and status ~= 409) then errors = errors + 1 end
end

done = function(summary, latency, requests)
  local total = {}
  local errs = 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do total[status] = (total[status] or 0) + n end
    errs = errs + t:get("errors")
  end
  local line = "statuses:"
  for status, n in pairs(total) do line = line .. string.format(" %d=%d", status, n) end
  io.write(line .. "\n")
  io.write(string.format("errors (5xx or unexpected 4xx): %d\n", errs))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, %.0f requests/s\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
