-- post.lua - wrk script: POST the article named by $NEWSTAG_BENCH_ARTICLE to /v1/tag.
local f = assert(io.open(os.getenv("NEWSTAG_BENCH_ARTICLE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
