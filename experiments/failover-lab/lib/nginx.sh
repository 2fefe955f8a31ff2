# nginx upstream cases (sourced by run.sh): nginx with 3 upstreams (tiny python servers), one of which
# is SIGKILLed (or SIGSTOPped) while a client sends a request every 10 ms.

NGINX_PORT=17401
BACKEND_PORTS=(17411 17412 17413)
NGINX_OBSERVE_S=${NGINX_OBSERVE_S:-75}   # > 2 x fail_timeout for the 30 s case, 7 periods for the 10 s cases

http_200() { [[ $(curl -s -m 2 -o /dev/null -w '%{http_code}' "$1") == 200 ]]; }

# case_nginx MAX_FAILS FAIL_TIMEOUT kill|stop ; empty values keep nginx's defaults (max_fails=1 fail_timeout=10s)
case_nginx() {
  local max_fails=$1 fail_timeout=$2 mode=$3
  local life=$((STEADY_S + NGINX_OBSERVE_S + 120))
  require_free_ports $NGINX_PORT "${BACKEND_PORTS[@]}"
  local p i=0 params=""
  [[ -n $max_fails ]] && params+=" max_fails=$max_fails"
  [[ -n $fail_timeout ]] && params+=" fail_timeout=$fail_timeout"
  for p in "${BACKEND_PORTS[@]}"; do
    i=$((i + 1))
    start_bg "backend-$p" "$life" "$RUN_DIR/backend-$p.log" "$PY" "$LAB_DIR/clients/http_backend.py" "$p" "b$i"
  done
  mkdir -p "$RUN_TMP/nginx"
  {
    echo "worker_processes 1;   # one worker: without a shared zone each worker keeps its own failure counts"
    echo "error_log $RUN_DIR/nginx-error.log warn;   # 'temporarily disabled' is logged at warn"
    echo "pid $RUN_TMP/nginx/nginx.pid;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    echo "  log_format lab '\$msec \$request_method \$request_uri \$status \"\$upstream_addr\" \"\$upstream_status\" \$upstream_response_time \$request_time';"
    echo "  access_log $RUN_DIR/nginx-access.log lab;"
    local t
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $RUN_TMP/nginx/$t;"; done
    echo "  upstream backends {"
    for p in "${BACKEND_PORTS[@]}"; do echo "    server 127.0.0.1:$p$params;"; done
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$NGINX_PORT;"
    echo "    location / {"
    echo "      proxy_pass http://backends;"
    echo "      add_header X-Upstream \$upstream_addr always;"
    if [[ $mode == stop ]]; then
      echo "      proxy_connect_timeout 1s;"
      echo "      proxy_read_timeout 2s;"
    fi
    echo "    }"
    echo "  }"
    echo "}"
  } >"$RUN_TMP/nginx/nginx.conf"
  cp "$RUN_TMP/nginx/nginx.conf" "$RUN_DIR/nginx.conf"
  start_bg nginx "$life" "$RUN_DIR/nginx.stdout" nginx -p "$RUN_TMP/nginx" -e "$RUN_DIR/nginx-error.log" \
    -c "$RUN_TMP/nginx/nginx.conf" -g 'daemon off;'
  for p in "${BACKEND_PORTS[@]}"; do wait_until 10 "backend $p" http_200 "http://127.0.0.1:$p/"; done
  wait_until 10 "nginx" http_200 "http://127.0.0.1:$NGINX_PORT/" || return 1

  start_bg load "$life" "$RUN_DIR/load.stderr" "$PY" "$LAB_DIR/clients/http_load.py" --port $NGINX_PORT \
    --out "$RUN_DIR/requests.tsv" --seconds $((STEADY_S + NGINX_OBSERVE_S + 30))
  sleep "$STEADY_S"

  local victim=${BACKEND_PORTS[0]} vpid kill_t sig=KILL ft=${fail_timeout:-10s}
  [[ $mode == stop ]] && sig=STOP
  vpid=$(ps -o pid= --ppid "$(<"$RUN_TMP/pids/backend-$victim.pid")" | tr -d ' ' | head -1)
  [[ -n $vpid ]] || { log "no backend pid"; return 1; }
  kill "-$sig" "$vpid"
  kill_t=$(now)
  write_meta "$RUN_DIR" "kill_time=$kill_t" "victim=127.0.0.1:$victim" "victim_pid=$vpid" "signal=SIG$sig" \
    "fail_timeout_s=${ft%s}" "max_fails=${max_fails:-1}" "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  log "SIG$sig upstream 127.0.0.1:$victim (pid $vpid); observing for ${NGINX_OBSERVE_S}s"
  sleep "$NGINX_OBSERVE_S"

  local lpid
  lpid=$(<"$RUN_TMP/pids/load.pid")
  kill -TERM -- "-$lpid" 2>/dev/null || true
  for i in $(seq 1 300); do kill -0 "$lpid" 2>/dev/null || break; sleep 0.1; done
  [[ $mode == stop ]] && kill -KILL "$vpid" 2>/dev/null
  return 0
}
