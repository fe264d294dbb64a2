# Shared by bench/run, bench/soak and bench/nodes (sourced, not run): free ports, starting a server
# and waiting for it, the account and app the load uses, the OpenSSL reference, reading wrk output,
# and the server's CPU time (whole process and per thread) from /proc.

bench_need() { # tools... -> installs the missing ones (Debian)
  local need=() t
  for t in "$@"; do command -v "$t" >/dev/null || need+=("$t"); done
  if [ "${#need[@]}" -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi
}

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bench_wait_ready() { # base pid log -> waits for /health/ready; prints the log and fails if the server died
  until curl -fso /dev/null "$1/health/ready"; do
    kill -0 "$2" 2>/dev/null || { cat "$3"; echo "server died" >&2; return 1; }
    sleep 0.005
  done
}

bench_admin() { # base method path [json]
  curl -fsS -X "$2" "$1$3" -H "Authorization: Bearer $GATEHOUSE_ADMIN_TOKEN" -H 'Content-Type: application/json' ${4:+-d "$4"}
}
bench_json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

bench_app() { # base account -> creates the account and an app; exports GH_ACCOUNT GH_CLIENT_ID GH_CLIENT_SECRET GH_APP_JWT
  local app
  export GH_ACCOUNT=$2
  bench_admin "$1" POST /admin/v1/accounts "{\"id\":\"$GH_ACCOUNT\",\"name\":\"Bench\"}" >/dev/null
  app=$(bench_admin "$1" POST "/admin/v1/accounts/$GH_ACCOUNT/apps" '{"name":"bench"}')
  GH_CLIENT_ID=$(echo "$app" | bench_json client_id); GH_CLIENT_SECRET=$(echo "$app" | bench_json client_secret)
  export GH_CLIENT_ID GH_CLIENT_SECRET
  GH_APP_JWT=$(curl -fsS -X POST "$1/sentinel/api/account/$GH_ACCOUNT/app/token?v=1.0&grant_type=client_credentials" \
    -d "client_id=$GH_CLIENT_ID&client_secret=$GH_CLIENT_SECRET" | bench_json access_token)
  export GH_APP_JWT
}

bench_ref() { # seconds -> sets ref (openssl RSA-2048 sign/s on all cores) and ref1 (on one core)
  ref=$(openssl speed -seconds "$1" -multi "$(nproc)" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $(NF-1)}' | tail -1)
  ref=${ref%.*}
  ref1=$(openssl speed -seconds "$1" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $(NF-1)}' | tail -1)
  ref1=${ref1%.*}
}

bench_mem_mb() { awk -v k="$2:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$1/status"; } # pid VmHWM|VmRSS -> MB

bench_java_opts() { # jfr-file -> $JAVA_OPTS, and under BENCH_PROFILE=1 a JFR recording of the server to that file (one per server)
  echo "${JAVA_OPTS:-}${BENCH_PROFILE:+ -XX:StartFlightRecording=filename=$1,settings=profile,dumponexit=true}"
}
bench_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # pid -> user + system time, clock ticks

bench_thread_ticks() { # pid -> "name ticks" per kind of thread (digits dropped from names), user + system
  local f
  for f in /proc/"$1"/task/*/stat; do cat "$f" 2>/dev/null; done |
    awk '{ n = $0; sub(/^[0-9]+ \(/, "", n); sub(/\) .*/, "", n); gsub(/[0-9]+/, "", n); gsub(/ /, "_", n);
           r = $0; sub(/^.*\) /, "", r); split(r, f, " "); t[n] += f[12] + f[13] }
         END { for (n in t) print n, t[n] }'
}

bench_thread_delta() { # before-file after-file -> "name ticks" that grew, most first
  awk 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d > 0) print $1, d }' "$1" "$2" | sort -k2,2nr
}

bench_ms() { # wrk latency (us, ms or s) -> ms
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n*=1000; printf "%.2fms", n }'
}
bench_wrk() { # file field -> rps | p50 | p99 | requests | non2xx | errors from a wrk --latency output
  case $2 in
    rps) awk '/^Requests\/sec:/ {print $2}' "$1" ;;
    p50) awk '$1=="50%" {print $2}' "$1" ;;
    p99) awk '$1=="99%" {print $2}' "$1" ;;
    requests) awk '/requests in/ {print $1}' "$1" ;;
    non2xx) awk 'BEGIN {n=0} /Non-2xx or 3xx responses:/ {n=$NF} END {print n}' "$1" ;;
    errors) awk 'BEGIN {s=0} /Socket errors:/ {for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) s+=$i} END {print s}' "$1" ;;
  esac
}
