-- POST /v1/nodes with a realistic body (fake-hardware, IPMI-style driver_info,
-- properties with root device hints, extra): about 1.2 KB per request; the
-- detail view of such a node is about 3.3 KB.
-- usage: wrk ... -s post_node.lua http://host:port/v1/nodes -- <name prefix> [quota stop_dir threads]
--   quota = 0 or absent: run for wrk's -d duration.
--   quota > 0 (seeding): each thread stops after `quota` 201 answers; requests
--   still in flight then may create a few more nodes (run.sh deletes them).
--   wrk's main thread sleeps for the whole -d whatever the threads do, so
--   the last thread to finish writes its marker in stop_dir and sends SIGINT
--   to wrk, which ends the run at once; the exact seeding time (first request
--   to last 201) is measured here with CLOCK_MONOTONIC and reported as
--   seed_seconds.
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua")

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
int getpid(void);
int kill(int pid, int sig);
]]
local ts = ffi.new("bench_timespec")
local function now()
   ffi.C.clock_gettime(1, ts)   -- CLOCK_MONOTONIC
   return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local prefix, quota, stop_dir, headers, threads_total
local n = 0
-- Globals, read by done() through thread:get.
created, bad, t_first, t_last = 0, 0, 0, 0

local function file_exists(path)
   local f = io.open(path, "r")
   if f then f:close() return true end
   return false
end

local function finish()
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

local template = table.concat({
   '{"driver":"fake-hardware","name":"%s","description":"benchmark node %s, rack %s",',
   '"resource_class":"baremetal.gold",',
   '"driver_info":{"ipmi_address":"10.%d.%d.%d","ipmi_username":"admin","ipmi_password":"s3cr3t-%d",',
   '"ipmi_port":623,"ipmi_terminal_port":%d,',
   '"deploy_kernel":"http://images.example.com/ipa/ipa-centos9-master.kernel",',
   '"deploy_ramdisk":"http://images.example.com/ipa/ipa-centos9-master.initramfs"},',
   '"properties":{"cpus":64,"memory_mb":524288,"local_gb":1800,"cpu_arch":"x86_64",',
   '"capabilities":"boot_mode:uefi,secure_boot:true",',
   '"root_device":{"serial":"S4EVNF0M%06d","model":"SAMSUNG MZ7LH1T9"},',
   '"vendor":"Dell Inc.","model":"PowerEdge R650"},',
   '"extra":{"rack":"%s","row":"b","datacenter":"dc1","asset_tag":"AT-%08d","owner_team":"bench",',
   '"bmc_mac":"b8:ca:3a:%02x:%02x:%02x","serial_number":"SN%010d",',
   '"notes":"Seeded by bench/api/run.sh. Dual-socket, 2x25GbE, 2x1.92TB NVMe, racked 2024-05."}}',
})

function init(args)
   prefix = args[1] or "bench"
   quota = tonumber(args[2] or "0")
   stop_dir = args[3]
   threads_total = tonumber(args[4] or "0")
   headers = {}
   for k, v in pairs(wrk.headers) do headers[k] = v end
   headers["Content-Type"] = "application/json"
   if quota > 0 then
      -- Defined only when seeding: wrk parses answers only if response exists.
      assert(stop_dir and threads_total > 0, "seeding needs: -- prefix quota stop_dir threads")
      response = function(status, hdrs, body)
         if t_last > 0 then return end   -- already finished; in flight
         if status == 201 then created = created + 1 else bad = bad + 1 end
         if created >= quota then finish() end
      end
   end
end

function request()
   if t_first == 0 then t_first = now() end
   n = n + 1
   local id = (tid or 0) * 10000000 + n
   local name = string.format("%s-%d-%d", prefix, tid or 0, n)
   local rack = string.format("r%02d", n % 40)
   local body = string.format(template, name, name, rack,
      math.floor(id / 65536) % 256, math.floor(id / 256) % 256, id % 256, id, 9000 + n % 1000,
      id % 1000000, rack, id % 100000000,
      math.floor(id / 65536) % 256, math.floor(id / 256) % 256, id % 256, id)
   return wrk.format("POST", nil, headers, body)
end
