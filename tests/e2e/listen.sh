#!/usr/bin/env bash
# --listen: while a run goes, GET /status, /metrics (checked by a strict parser of the
# Prometheus text format 0.0.4) and /report answer; bad requests get a 4xx; the run still
# ends with exit 0 and the same numbers as without --listen. A non-loopback address is
# refused (exit 2) without --listen-any. --linger keeps serving the final numbers.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || fail "python3 is needed"
storm=$SRC/scenarios/migration-storm.json
# Several wall seconds, so that requests land while it runs; under the sanitizers a
# simulated second costs ~10x more wall time, so a fifth of it lasts longer still.
export LONG_S=4000
[ -z "${VSWITCHSIM_SANITIZED:-}" ] || LONG_S=800
long=(--set run.duration=${LONG_S}s)

now_ms() { date +%s%3N; }

# start_listening NAME ARGS...: runs the binary in the background with --listen
# 127.0.0.1:0, sets `pid` and `port` (read from stderr, retried for up to 60 s).
start_listening() {
  local name=$1; shift
  "$VSWITCHSIM_BIN" run "$@" --listen 127.0.0.1:0 2> "$WORK/$name.err" &
  pid=$!
  local deadline=$(( $(now_ms) + 60000 ))
  port=
  while [ -z "$port" ]; do
    port=$(sed -n 's|^vswitchsim: listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$WORK/$name.err")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "$name: ended before listening ($(cat "$WORK/$name.err"))"
    [ "$(now_ms)" -lt "$deadline" ] || { kill -KILL "$pid"; fail "$name: no listening line"; }
    sleep 0.05
  done
}

# wait_exit PID SECONDS: sets `code`; fails if still running after SECONDS.
wait_exit() {
  local p=$1 deadline=$(( $(now_ms) + $2 * 1000 ))
  while kill -0 "$p" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || { kill -KILL "$p"; fail "pid $p still running after $2 s"; }
    sleep 0.05
  done
  set +e; wait "$p"; code=$?; set -e
}

# The probe: every check against the live server, in Python (urllib and raw sockets).
cat > "$WORK/probe.py" <<'PY'
import json, math, os, re, socket, struct, sys, time, urllib.request, urllib.error

port = int(sys.argv[1])
mode = sys.argv[2]
long_s = int(os.environ["LONG_S"])
base = "http://127.0.0.1:%d" % port

def get(path, timeout=30):
    t = time.monotonic()
    with urllib.request.urlopen(base + path, timeout=timeout) as r:
        return r.status, r.headers, r.read().decode(), time.monotonic() - t

def status_of(path, method="GET"):
    req = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code

def raw(data, timeout=30):
    """Sends bytes, returns the response's status code (0: closed without one)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        buf = b""
        while b"\r\n" not in buf:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", buf)
    return int(m.group(1)) if m else 0

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s)(?:,%s)*\})? (\S+)$" % (NAME, LABEL, LABEL))

def parse_prometheus(text):
    """A strict reader of text format 0.0.4: returns {series: value}."""
    assert text.endswith("\n"), "no final newline"
    types, helps, series = {}, set(), {}
    for n, line in enumerate(text[:-1].split("\n"), 1):
        where = "line %d: %r" % (n, line)
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) (%s) (.+)$" % NAME, line)
            assert m, "bad comment " + where
            kind, name, rest = m.groups()
            if kind == "HELP":
                assert name not in helps, "second HELP " + where
                assert not re.search(r"\\[^\\n]", rest), "bad escape in HELP " + where
                helps.add(name)
            else:
                assert name not in types, "second TYPE " + where
                assert rest in ("counter", "gauge", "summary", "histogram", "untyped"), where
                assert not any(s.split("{")[0] == name for s in series), "TYPE after samples " + where
                types[name] = rest
            continue
        m = SAMPLE.match(line)
        assert m, "bad sample " + where
        name, labels, value = m.groups()
        fam = name
        if fam not in types:
            fam = re.sub(r"_(sum|count)$", "", name)
            assert types.get(fam) == "summary", "sample before its TYPE " + where
        assert fam in helps, "no HELP " + where
        assert name.startswith("vswitchsim_"), where
        v = float(value)  # raises on a bad float; NaN and +Inf are allowed
        if types[fam] == "counter":
            assert v >= 0 and not math.isnan(v), "bad counter " + where
        if types[fam] == "summary" and name == fam:
            assert labels and 'quantile="' in labels, "summary sample without quantile " + where
        key = name + (labels or "")
        assert key not in series, "duplicate series " + where
        series[key] = v
    assert set(types) == helps, "HELP without TYPE or TYPE without HELP"
    return series

if mode == "live":
    code, h, body, took = get("/status")
    st = json.loads(body)
    assert code == 200 and h["Content-Type"].startswith("application/json"), (code, h)
    assert st["state"] == "running", st
    assert 0 <= st["progress"] < 1 and st["run_duration_s"] == long_s, st
    for k in ("sim_time_s", "events", "wall_time_s", "migrations_in_flight", "saves_in_flight",
              "pending_completions"):
        assert isinstance(st[k], (int, float)), k
    lat = [took]
    # A few scrapes: each parses, counters never go down while the run goes.
    prev = None
    for i in range(3):
        code, h, body, took = get("/metrics")
        lat.append(took)
        assert code == 200, code
        assert h["Content-Type"].startswith("text/plain; version=0.0.4"), h["Content-Type"]
        s = parse_prometheus(body)
        for k in ("vswitchsim_saves_issued_total", "vswitchsim_migrations_started_total",
                  "vswitchsim_callbacks_total", "vswitchsim_events_total",
                  "vswitchsim_verifier_violations_total", "vswitchsim_sim_time_seconds",
                  "vswitchsim_migrations_in_flight", "vswitchsim_pending_completions",
                  'vswitchsim_blackout_seconds{quantile="0.99"}',
                  "vswitchsim_blackout_seconds_count", "vswitchsim_save_seconds_sum"):
            assert k in s, "missing " + k
        assert any(k.startswith('vswitchsim_plugin_saves_total{plugin="') for k in s)
        if prev:
            assert s["vswitchsim_events_total"] >= prev["vswitchsim_events_total"]
        prev = s
        time.sleep(0.1)
    code, h, body, took = get("/report")
    lat.append(took)
    r = json.loads(body)
    assert code == 200 and h["X-Vswitchsim-State"] in ("running", "finished")
    assert r["migrations"]["started"] > 0 and 0 < r["sim_time_s"] <= long_s, r["sim_time_s"]
    assert r["interrupted"] is False and r["slo"] == []
    # Bad requests.
    assert status_of("/nope") == 404
    assert status_of("/metrics", "POST") == 405
    assert status_of("/status", "DELETE") == 405
    assert raw(b"OPTIONS /status HTTP/1.0\r\n\r\n") == 405
    # A method evhttp does not know: 501, as RFC 9110 says for an unrecognized method.
    assert raw(b"FOO /status HTTP/1.0\r\n\r\n") == 501
    assert raw(b"HEAD /metrics HTTP/1.0\r\n\r\n") == 200
    assert raw(b"GET /status?x=1 HTTP/1.0\r\n\r\n") == 200
    assert raw(b"GET /status HTTP/9.9\r\n\r\n") == 400
    assert raw(b"GET /status HTTP/1.1\r\nno colon\r\n\r\n") == 400
    c = raw(b"GARBAGE\r\n\r\n")
    assert c == 400, "malformed request line: %d" % c
    c = raw(b"GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    assert c in (400, 413, 431), "oversized header: %d" % c
    c = raw(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert c in (400, 413, 414), "oversized request line: %d" % c
    c = raw(b"GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b"a" * 100000)
    assert c in (400, 413), "oversized body: %d" % c
    # Clients that ask for the report and reset the connection at once (RST while the
    # response is written): the run goes on (no SIGPIPE).
    for i in range(10):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.sendall(b"GET /report HTTP/1.1\r\nHost: x\r\n\r\n")
        if i % 2:
            time.sleep(0.02)
        s.close()
    # A slow client that sends half a request holds nothing: others are answered.
    slow = socket.create_connection(("127.0.0.1", port), timeout=30)
    slow.sendall(b"GET /status HTTP/1.1\r\nHo")
    code, _, body, took = get("/status")
    lat.append(took)
    assert code == 200
    slow.close()
    code, _, body, _ = get("/status")
    assert json.loads(body)["state"] == "running", "the run ended during the probe: lengthen it"
    print("request latency while running: max %.1f ms, mean %.1f ms over %d requests"
          % (1000 * max(lat), 1000 * sum(lat) / len(lat), len(lat)))
elif mode == "realtime":
    st = json.loads(get("/status")[2])
    assert st["state"] == "running" and st["run_duration_s"] == 60, st
    parse_prometheus(get("/metrics")[2])
    assert json.loads(get("/report")[2])["sim_time_s"] >= 0
    print("realtime: served at %.2f s simulated" % st["sim_time_s"])
elif mode == "linger":
    deadline = time.monotonic() + 60
    while True:
        st = json.loads(get("/status")[2])
        if st["state"] == "finished":
            break
        assert time.monotonic() < deadline, "not finished"
        time.sleep(0.05)
    assert st["progress"] == 1, st
    s = parse_prometheus(get("/metrics")[2])
    assert s["vswitchsim_run_finished"] == 1
    r = json.loads(get("/report")[2])
    assert r["migrations"]["completed"] == s["vswitchsim_migrations_completed_total"]
    assert len(r["hosts"]["per_host"]) > 0 if isinstance(r["hosts"], dict) and "per_host" in r["hosts"] else True
    print("linger: finished, %d migrations" % r["migrations"]["completed"])
PY

# While running.
start_listening live "$storm" "${long[@]}" --quiet --json "$WORK/live.json"
python3 "$WORK/probe.py" "$port" live || { kill "$pid" 2>/dev/null; fail "probe failed"; }
wait_exit "$pid" 600
[ "$code" -eq 0 ] || fail "live run: exit $code ($(cat "$WORK/live.err"))"
jq_true "$WORK/live.json" '.interrupted == false'

# Same numbers as without --listen (only the wall clock differs).
"$VSWITCHSIM_BIN" run "$storm" "${long[@]}" --quiet --json "$WORK/plain.json"
strip='del(.wall_time_s, .events_per_wall_s)'
diff <(jq -S "$strip" "$WORK/live.json") <(jq -S "$strip" "$WORK/plain.json") >/dev/null ||
  fail "--listen changed the report"
echo "wall time: $(jq .wall_time_s "$WORK/live.json") s with --listen and the probe sharing the CPU, $(jq .wall_time_s "$WORK/plain.json") s without"

# The real-time clock serves from its own loop (the same event base).
if "$VSWITCHSIM_BIN" --help 2>&1 | grep -q -- '--clock'; then
  start_listening realtime "$SRC/scenarios/quickstart.json" --clock realtime --speed 20 \
    --quiet --json "$WORK/realtime.json"
  python3 "$WORK/probe.py" "$port" realtime || { kill "$pid" 2>/dev/null; fail "realtime probe failed"; }
  wait_exit "$pid" 300
  [ "$code" -eq 0 ] || fail "realtime run: exit $code ($(cat "$WORK/realtime.err"))"
fi

# --linger: the final numbers stay up for a scraper, then the run exits 0.
start_listening linger "$SRC/scenarios/quickstart.json" --quiet --linger 3 --json "$WORK/linger.json"
python3 "$WORK/probe.py" "$port" linger || { kill "$pid" 2>/dev/null; fail "linger probe failed"; }
wait_exit "$pid" 120
[ "$code" -eq 0 ] || fail "linger run: exit $code"
[ -s "$WORK/linger.json" ] || fail "linger: no report"

# Non-loopback addresses are refused without --listen-any; bad ones too.
for bad in 0.0.0.0:0 10.0.0.1:0 '[::]:0'; do
  expect_exit 2 "$VSWITCHSIM_BIN" run "$SRC/scenarios/quickstart.json" --quiet --listen "$bad" 2> "$WORK/bad.err"
  [ "$(wc -l < "$WORK/bad.err")" -eq 1 ] || fail "--listen $bad: not one line: $(cat "$WORK/bad.err")"
  grep -q -- "--listen-any" "$WORK/bad.err" || fail "--listen $bad: $(cat "$WORK/bad.err")"
done
for bad in 99999 host:80 127.0.0.1:x; do
  expect_exit 2 "$VSWITCHSIM_BIN" run "$SRC/scenarios/quickstart.json" --quiet --listen "$bad" 2>/dev/null
done
expect_exit 2 "$VSWITCHSIM_BIN" run "$SRC/scenarios/quickstart.json" --quiet --linger 1 2>/dev/null
# With --listen-any the address is taken.
expect_exit 0 "$VSWITCHSIM_BIN" run "$SRC/scenarios/quickstart.json" --quiet --listen 0.0.0.0:0 --listen-any 2>/dev/null

# A port in use: a clear error, not a crash.
start_listening busy "$storm" "${long[@]}" --quiet
expect_exit 1 "$VSWITCHSIM_BIN" run "$SRC/scenarios/quickstart.json" --quiet --listen "127.0.0.1:$port" 2> "$WORK/inuse.err"
grep -q "cannot listen" "$WORK/inuse.err" || fail "port in use: $(cat "$WORK/inuse.err")"
kill -INT "$pid"
wait_exit "$pid" 60
echo "ok"
