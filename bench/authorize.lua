-- authorize: /gateway/authorize with both tokens (the check every SEND makes, alone), over the pairs of GH_PAIRS.
local account = os.getenv("GH_ACCOUNT")
local app = os.getenv("GH_APP_JWT")
local jwss = {}
for pair in string.gmatch(os.getenv("GH_PAIRS"), "[^,]+") do
  table.insert(jwss, string.match(pair, "[^|]+|(.+)"))
end
local counter = 0
function request()
  counter = counter + 1
  local headers = { ["Authorization"] = app, ["X-LP-ON-BEHALF"] = jwss[(counter % #jwss) + 1],
    ["X-Original-URI"] = "/api/account/" .. account .. "/messaging/consumer/conversation/send?v=3" }
  return wrk.format("GET", "/gateway/authorize", headers)
end
