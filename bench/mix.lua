-- mix: a connector's traffic, for the soak and the multi-node run. Of every ten requests one asks
-- Sentinel for an AppJWT, four ask the IDP for a ConsumerJWS for a consumer never seen before and
-- five for one of 1,000 known consumers. GH_DELAY_MS (default 0, may have a fraction) paces each
-- connection: wrk waits that long after each response before the next request, which holds the load
-- below the peak (wrk counts whole milliseconds, so a fraction is the share of pauses one longer).
local account = os.getenv("GH_ACCOUNT")
local consumer_path = "/api/account/" .. account .. "/consumer?v=1.0"
local consumer_headers = { ["Content-Type"] = "application/json", ["Authorization"] = os.getenv("GH_APP_JWT") }
local token_path = "/sentinel/api/account/" .. account .. "/app/token?v=1.0"
local token_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local token_body = "grant_type=client_credentials&client_id=" .. os.getenv("GH_CLIENT_ID") .. "&client_secret=" .. os.getenv("GH_CLIENT_SECRET")
local run = os.getenv("GH_RUN") or tostring(os.time())
local pause = tonumber(os.getenv("GH_DELAY_MS") or "0")
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

local counter = 0
function request()
  counter = counter + 1
  local k = counter % 10
  if k == 0 then
    return wrk.format("POST", token_path, token_headers, token_body)
  elseif k <= 4 then
    return wrk.format("POST", consumer_path, consumer_headers,
      '{"ext_consumer_id":"new-' .. run .. "-" .. tostring(tid) .. "-" .. counter .. '"}')
  end
  return wrk.format("POST", consumer_path, consumer_headers, '{"ext_consumer_id":"repeat-' .. (counter % 1000) .. '"}')
end

if pause > 0 then
  local whole = math.floor(pause)
  local frac = pause - whole
  function delay()
    if math.random() < frac then
      return whole + 1
    end
    return whole
  end
end
