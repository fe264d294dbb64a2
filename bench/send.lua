-- send: SEND (ms.PublishEvent, a text message) spread over the conversations in GH_PAIRS
-- ("conversationId|ConsumerJWS,..."), each request with both tokens verified (warm: the same tokens again).
local account = os.getenv("GH_ACCOUNT")
local path = "/api/account/" .. account .. "/messaging/consumer/conversation/send?v=3"
local app = os.getenv("GH_APP_JWT")
local pairs_ = {}
for pair in string.gmatch(os.getenv("GH_PAIRS"), "[^,]+") do
  local conv, jws = string.match(pair, "([^|]+)|(.+)")
  table.insert(pairs_, { conv = conv, jws = jws })
end
local counter = 0
function request()
  counter = counter + 1
  local p = pairs_[(counter % #pairs_) + 1]
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = app, ["X-LP-ON-BEHALF"] = p.jws }
  return wrk.format("POST", path, headers, '{"kind":"req","id":"' .. counter .. '","type":"ms.PublishEvent","body":{"dialogId":"'
    .. p.conv .. '","event":{"type":"ContentEvent","contentType":"text/plain","message":"hello ' .. counter .. '"}}}')
end
