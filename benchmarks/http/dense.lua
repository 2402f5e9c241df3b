-- wrk script for the dense scenario: GET suggestions rotating over the stored demo newcomers nc-000001 … nc-<count>
-- (count from the NEWCOMERS environment variable, 200 by default), each connection starting at its own place.
-- wrk prints "Non-2xx or 3xx responses" itself when any answer is not a success.
local count = tonumber(os.getenv("NEWCOMERS") or "200")
local next_id = 0
wrk.headers["X-Api-Key"] = "demo-case-worker-key-0002"
init = function(args)
  next_id = math.random(0, count - 1)
end
request = function()
  next_id = (next_id + 1) % count
  return wrk.format("GET", string.format("/api/v1/newcomers/nc-%06d/suggestions?limit=10", next_id + 1))
end
