-- consumer-repeat: ConsumerJWS requests cycling over 1,000 known consumers.
local account = os.getenv("GH_ACCOUNT")
local path = "/api/account/" .. account .. "/consumer?v=1.0"
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = os.getenv("GH_APP_JWT") }
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("POST", path, headers, '{"ext_consumer_id":"repeat-' .. (counter % 1000) .. '"}')
end
