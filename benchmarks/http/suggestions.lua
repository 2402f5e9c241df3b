-- wrk script: GET suggestions for a random demo newcomer (nc-000001 … nc-002000), with the case worker's demo key.
-- wrk prints "Non-2xx or 3xx responses" itself when any answer is not a success.
math.randomseed(42)
wrk.headers["X-Api-Key"] = "demo-case-worker-key-0002"
request = function()
  local id = string.format("nc-%06d", math.random(1, 2000))
  return wrk.format("GET", "/api/v1/newcomers/" .. id .. "/suggestions?limit=10")
end
