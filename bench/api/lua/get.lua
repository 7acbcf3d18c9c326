-- GET of the URL given on the wrk command line (a static request); only adds
-- the machine-readable summary.
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua")
