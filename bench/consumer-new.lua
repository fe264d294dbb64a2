-- consumer-new: ConsumerJWS requests, every request a new ext_consumer_id (unique per run and thread).
local account = os.getenv("GH_ACCOUNT")
local path = "/api/account/" .. account .. "/consumer?v=1.0"
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = os.getenv("GH_APP_JWT") }
local run = os.getenv("GH_RUN") or tostring(os.time())
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

local counter = 0
function request()
  counter = counter + 1
  return wrk.format("POST", path, headers,
    '{"ext_consumer_id":"new-' .. run .. "-" .. tostring(tid) .. "-" .. counter .. '"}')
end
