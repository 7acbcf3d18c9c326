-- One request per node, every node exactly once, with retries: the fleet
-- benchmark's load generator (see bench/README.md, bench/fleet).
--
-- usage: wrk -tT -cT ... -s provision.lua http://host:port -- MODE LIST STOP_DIR THREADS [TARGET]
--   MODE provision: PUT /v1/nodes/{uuid}/states/provision {"target": TARGET}
--                   for every UUID in LIST (one a line); 202 = accepted.
--   MODE create:    POST /v1/nodes for every name in LIST (one a line), a
--                   fake-hardware node with IPMI-style driver_info; 201 = accepted.
-- Thread k (1..T) takes lines k, k+T, k+2T, ... Run it with exactly one
-- connection per thread (-c equal to -t): answers then come back in the order
-- the requests went out, so each answer is matched to its node. 409 and 503
-- answers put the node back at the end of the thread's queue and delay that
-- connection's next request (1 ms, doubling to 32 ms; reset by a success).
-- Any other answer is counted as "bad" and not retried. When every thread has
-- had an accepted answer for each of its nodes, the last one sends SIGINT to
-- wrk, which ends the run at once and reports.
--
-- Per thread (summed by done()): created (accepted), conflict (409),
-- unavailable (503), bad, t_first / t_last (CLOCK_REALTIME of the first
-- request and of the last accepted answer, seconds).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } fleet_timespec;
int clock_gettime(int clk, fleet_timespec *ts);
int getpid(void);
int kill(int pid, int sig);
]]
local ts = ffi.new("fleet_timespec")
local function now()
   ffi.C.clock_gettime(0, ts)   -- CLOCK_REALTIME: compared with the server's timestamps
   return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

local mode, stop_dir, threads_total, target
local queue, head, tail = {}, 1, 0
local pending, pause, finished = nil, 0, false
local headers = {}
-- Read by done() through thread:get.
created, conflict, unavailable, bad, t_first, t_last, bad_sample = 0, 0, 0, 0, 0, 0, ""

local function push(item) tail = tail + 1; queue[tail] = item end

local function file_exists(path)
   local f = io.open(path, "r")
   if f then f:close() return true end
   return false
end

local function finish()
   finished = true
   t_last = now()
   wrk.thread:stop()
   local mine = io.open(string.format("%s/done.%d", stop_dir, tid), "w")
   mine:write("done\n")
   mine:close()
   for i = 1, threads_total do
      if not file_exists(string.format("%s/done.%d", stop_dir, i)) then return end
   end
   ffi.C.kill(ffi.C.getpid(), 2)   -- SIGINT: wrk stops sleeping and reports
end

function init(args)
   mode = assert(args[1], "usage: -- MODE LIST STOP_DIR THREADS [TARGET]")
   local list = assert(args[2], "no list file")
   stop_dir = assert(args[3], "no stop dir")
   threads_total = assert(tonumber(args[4]), "no thread count")
   target = args[5]
   assert(mode == "create" or (mode == "provision" and target), "MODE is create, or provision with a TARGET")
   for k, v in pairs(wrk.headers) do headers[k] = v end
   headers["Content-Type"] = "application/json"
   local i = 0
   for line in io.lines(list) do
      if #line > 0 then
         i = i + 1
         if (i - 1) % threads_total == tid - 1 then push(line) end
      end
   end
end

local function body_for(item)
   if mode == "provision" then return string.format('{"target":"%s"}', target) end
   local n = tonumber(item:match("(%d+)$")) or 0
   return string.format(
      '{"driver":"fake-hardware","name":"%s","resource_class":"baremetal.gold",' ..
      '"driver_info":{"ipmi_address":"10.%d.%d.%d","ipmi_username":"admin","ipmi_password":"s3cr3t"},' ..
      '"properties":{"cpus":64,"memory_mb":524288,"local_gb":1788,"cpu_arch":"x86_64"},' ..
      '"extra":{"rack":"r%02d","datacenter":"dc1"}}',
      item, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256, n % 40)
end

function request()
   if t_first == 0 then t_first = now() end
   if pending then push(pending) end   -- a request lost without an answer (the connection broke)
   if head > tail then
      -- Nothing left for this thread (only reachable when the thread had no
      -- nodes at all): finish, and send something harmless meanwhile.
      if not finished then finish() end
      return wrk.format("GET", "/")
   end
   pending = queue[head]
   queue[head] = nil
   head = head + 1
   if mode == "provision" then
      return wrk.format("PUT", "/v1/nodes/" .. pending .. "/states/provision", headers, body_for(pending))
   end
   return wrk.format("POST", "/v1/nodes", headers, body_for(pending))
end

function delay()
   return pause
end

function response(status, hdrs, body)
   if finished or not pending then return end
   local item = pending
   pending = nil
   if status == 202 or status == 201 then
      created = created + 1
      pause = 0
   elseif status == 409 or status == 503 then
      if status == 409 then conflict = conflict + 1 else unavailable = unavailable + 1 end
      push(item)
      pause = (pause == 0) and 1 or math.min(pause * 2, 32)
   else
      bad = bad + 1
      if bad_sample == "" then bad_sample = string.format("%d %s: %s", status, item, (body or ""):sub(1, 300)) end
   end
   if head > tail then finish() end
end

function done(summary, latency, requests)
   local e = summary.errors
   local sum = { created = 0, conflict = 0, unavailable = 0, bad = 0 }
   local first, last, sample = nil, nil, ""
   for _, t in ipairs(threads) do
      for k, _ in pairs(sum) do sum[k] = sum[k] + (t:get(k) or 0) end
      local f, l = t:get("t_first") or 0, t:get("t_last") or 0
      if f > 0 and (first == nil or f < first) then first = f end
      if l > 0 and (last == nil or l > last) then last = l end
      local s = t:get("bad_sample") or ""
      if sample == "" and s ~= "" then sample = s end
   end
   local fields = {
      string.format('"requests":%d', summary.requests),
      string.format('"duration_us":%d', summary.duration),
      string.format('"p50_us":%d', latency:percentile(50)),
      string.format('"p90_us":%d', latency:percentile(90)),
      string.format('"p99_us":%d', latency:percentile(99)),
      string.format('"lat_max_us":%d', latency.max),
      string.format('"err_connect":%d', e.connect),
      string.format('"err_read":%d', e.read),
      string.format('"err_write":%d', e.write),
      string.format('"err_timeout":%d', e.timeout),
      string.format('"accepted":%d', sum.created),
      string.format('"conflict":%d', sum.conflict),
      string.format('"unavailable":%d', sum.unavailable),
      string.format('"bad":%d', sum.bad),
      string.format('"t_first":%.6f', first or 0),
      string.format('"t_last":%.6f', last or 0),
      string.format('"bad_sample":"%s"', sample:gsub('[%c"\\]', " ")),
   }
   io.write("@@FLEET {" .. table.concat(fields, ",") .. "}\n")
end
