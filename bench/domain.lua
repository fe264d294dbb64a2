-- domain: Domain API GETs (one service).
wrk.method = "GET"
wrk.path = "/api/account/" .. os.getenv("GH_ACCOUNT") .. "/service/idp/baseURI.json?version=1.0"
