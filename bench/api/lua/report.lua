-- Shared by the bench/api wrk scripts (loaded with dofile).
-- setup() numbers the threads and keeps them so done() can collect their
-- counters; done() prints one machine-readable line that run.sh parses:
--   @@BENCH {"requests":...,"duration_us":...,"rps":...,"p50_us":...,...}

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function done(summary, latency, requests)
   local e = summary.errors
   -- Counters a script may keep per thread (e.g. non-201 answers while seeding).
   local created, bad, first, last = 0, 0, nil, nil
   for _, t in ipairs(threads) do
      created = created + (t:get("created") or 0)
      bad = bad + (t:get("bad") or 0)
      local f, l = t:get("t_first") or 0, t:get("t_last") or 0
      if f > 0 and (first == nil or f < first) then first = f end
      if l > 0 and (last == nil or l > last) then last = l end
   end
   local seed_seconds = (first and last) and (last - first) or 0
   local secs = summary.duration / 1e6
   local fields = {
      string.format('"requests":%d', summary.requests),
      string.format('"duration_us":%d', summary.duration),
      string.format('"rps":%.1f', summary.requests / secs),
      string.format('"bytes":%d', summary.bytes),
      string.format('"lat_mean_us":%.1f', latency.mean),
      string.format('"lat_max_us":%d', latency.max),
      string.format('"p50_us":%d', latency:percentile(50)),
      string.format('"p90_us":%d', latency:percentile(90)),
      string.format('"p99_us":%d', latency:percentile(99)),
      string.format('"p999_us":%d', latency:percentile(99.9)),
      string.format('"err_connect":%d', e.connect),
      string.format('"err_read":%d', e.read),
      string.format('"err_write":%d', e.write),
      string.format('"err_status":%d', e.status),
      string.format('"err_timeout":%d', e.timeout),
      string.format('"created":%d', created),
      string.format('"bad":%d', bad),
      string.format('"seed_seconds":%.4f', seed_seconds),
   }
   io.write("@@BENCH {" .. table.concat(fields, ",") .. "}\n")
end
