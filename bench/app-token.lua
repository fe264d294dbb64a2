-- app-token: client-credentials AppJWT requests, credentials in the form body (faas-client-node's shape).
local account = os.getenv("GH_ACCOUNT")
wrk.method = "POST"
wrk.path = "/sentinel/api/account/" .. account .. "/app/token?v=1.0"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. os.getenv("GH_CLIENT_ID") .. "&client_secret=" .. os.getenv("GH_CLIENT_SECRET")
