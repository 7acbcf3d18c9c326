-- The latency probe that runs beside each fleet phase: GET /v1/nodes/{uuid}
-- of a random node, one request at a time (-t1 -c1), PROBE_DELAY_MS apart
-- (default 10 ms, so about 100 requests/s: a light, steady load whose
-- latency shows what an API client sees while the fleet moves).
-- usage: wrk -t1 -c1 -d3600s ... -s probe.lua http://host:port -- <uuid file>
-- Stopped with SIGINT by run.sh when the phase is over; prints bench/api's
-- "@@BENCH {...}" summary (bench/api/lua/report.lua, found via BENCH_LUA_DIR).
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua")

local requests = {}
local pause = tonumber(os.getenv("PROBE_DELAY_MS") or "10")

function init(args)
   local file = assert(args[1], "usage: -- <uuid file>")
   for line in io.lines(file) do
      if #line > 0 then requests[#requests + 1] = wrk.format("GET", "/v1/nodes/" .. line) end
   end
   assert(#requests > 0, "no UUIDs in " .. file)
   math.randomseed(os.time() * 100 + (tid or 0))
end

function request()
   return requests[math.random(#requests)]
end

function delay()
   return pause
end
