-- wrk: POST /api/v1/session for a new citizen per request.  Input lines:
-- "national_id serial captcha_id" (answer 7); each wrk thread takes every
-- THREADS-th line so no login repeats.
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local lines, n, step = {}, 1, 1
function init(args)
  for l in io.lines(args[1]) do lines[#lines + 1] = l end
  step = tonumber(args[2])
  n = tid + 1
end

function request()
  local l = lines[n]
  n = n + step
  if not l then
    -- out of citizens: the run was longer than planned
    return wrk.format("GET", "/api/v1/nothing-left")
  end
  local nid, serial, cid = l:match("(%d+) (%d+) (%S+)")
  local body = '{"national_id":"' .. nid .. '","serial":"' .. serial ..
    '","captcha_id":"' .. cid .. '","captcha_answer":"7"}'
  return wrk.format("POST", "/api/v1/session", { ["Content-Type"] = "application/json" }, body)
end
