-- GET /v1/nodes/{uuid} with a random UUID of the seeded set per request.
-- usage: wrk ... -s get_node.lua http://host:port -- <file with one UUID a line>
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua")

local requests = {}

function init(args)
   local file = assert(args[1], "usage: -- <uuid file>")
   for line in io.lines(file) do
      if #line > 0 then
         -- Pre-built: wrk.format with no headers uses wrk.headers (the -H ones).
         requests[#requests + 1] = wrk.format("GET", "/v1/nodes/" .. line)
      end
   end
   assert(#requests > 0, "no UUIDs in " .. file)
   math.randomseed(os.time() * 100 + (tid or 0))
end

function request()
   return requests[math.random(#requests)]
end
