-- jwks: JWKS GETs.
wrk.method = "GET"
wrk.path = "/.well-known/jwks.json"
