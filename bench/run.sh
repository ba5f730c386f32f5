#!/usr/bin/env bash
# ClinicApi benchmark: one command, everything on loopback, everything it starts is stopped at the end.
#   bench/run.sh                       10,000 patients, 10 s per scenario
#   PATIENTS=100000 DURATION=20 bench/run.sh
#   SCALING="1000 10000 100000" bench/run.sh   cohort report scaling sizes (default "1000 10000")
#   SCENARIOS=0 SCALING="100000" bench/run.sh   only the cohort report scaling
# Starts a throwaway PostgreSQL (Debian's postgresql-15), seeds a clinic with set-based SQL (bench/seed.sql),
# starts the API (Release) and the raw Npgsql baseline (bench/Baseline), runs each scenario with wrk against
# 127.0.0.1 for both, and writes bench/results/<date>-<commit>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PATIENTS=${PATIENTS:-10000}
THERAPISTS=${THERAPISTS:-40}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-5}
WARMUP_ALL=${WARMUP_ALL:-10}
SCALING=${SCALING:-"1000 10000"}
SCENARIOS=${SCENARIOS:-1}   # 0: only the cohort scaling (e.g. SCENARIOS=0 SCALING="100000")
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
command -v wrk >/dev/null || { as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
# The benchmark's server runs on the host (no container between wrk, the API and PostgreSQL): Debian's package.
# CI no longer installs it (the test suite's PostgreSQL is a container since issue 19).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)

WORK=$(mktemp -d /tmp/clinicapi-bench-XXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  as_root runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "bench: building (Release)"
dotnet publish src/ClinicApi -c Release -o "$WORK/api" -v quiet -nologo >/dev/null
dotnet publish bench/Baseline -c Release -o "$WORK/baseline" -v quiet -nologo >/dev/null

echo "bench: starting PostgreSQL"
PGPORT=$((20000 + RANDOM % 20000))
mkdir -p "$WORK/pg" && as_root chown postgres "$WORK/pg"
as_root runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_root runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w start \
  -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=512MB -c synchronous_commit=on" >/dev/null
psql_() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

# prepare_db NAME PATIENTS: a migrated, seeded database; prints its connection string.
prepare_db() {
  psql_ -d postgres -c "CREATE DATABASE $1" >/dev/null
  local cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=$1;Maximum Pool Size=200"
  Database__Provider=Postgres Database__ConnectionString="$cs" ASPNETCORE_ENVIRONMENT=Production Logging__WriteToConsole=false \
    dotnet "$WORK/api/ClinicApi.dll" migrate >/dev/null
  local started=$(date +%s.%N)
  psql_ -d "$1" -v patients="$2" -v therapists="$THERAPISTS" -f bench/seed.sql >/dev/null
  psql_ -d "$1" -c "VACUUM ANALYZE" >/dev/null  # what autovacuum does for a running clinic (index-only scans)
  echo "bench: seeded $1 with $2 patients in $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s" >&2
  echo "$cs"
}

# start_api CONNECTION PORT: the API in Release (Development only for its token endpoint), limits lifted.
start_api() {
  (cd "$WORK/api" && exec env ASPNETCORE_ENVIRONMENT=Development Database__Provider=Postgres Database__ConnectionString="$1" \
    Database__MigrateOnStartup=false Logging__WriteToConsole=false Security__PermitsPerMinute=100000000 Security__Burst=100000000 \
    dotnet ClinicApi.dll --urls "http://127.0.0.1:$2") >"$WORK/api-$2.log" 2>&1 &
  PIDS+=($!)
  API_PID=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$2/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "bench: the API did not start" >&2; exit 1
}

CS=$(prepare_db clinic_bench "$PATIENTS")
start_api "$CS" 5090
APIPID=$API_PID
ConnectionString="$CS" dotnet "$WORK/baseline/Baseline.dll" --urls http://127.0.0.1:5091 >"$WORK/baseline.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:5091/reports/cohort" && break; sleep 0.5; done

token() { curl -sf -X POST http://127.0.0.1:5090/auth/dev-token -H 'Content-Type: application/json' -d "{\"role\":\"$1\"}" \
  | python3 -c "import sys, json; print(json.load(sys.stdin)['accessToken'])"; }
ADMIN=$(token admin)
MANAGER=$(token manager)

echo "bench: writing request files"
R="$WORK/requests"; mkdir -p "$R"
psql_ -d clinic_bench -c "SELECT id FROM patients ORDER BY random() LIMIT 2000" > "$R/patient-ids"
psql_ -d clinic_bench -c "SELECT id FROM therapists" > "$R/therapist-ids"
DEEP=$(psql_ -d clinic_bench -F $'\t' -c "SELECT family_name, given_name, id FROM patients WHERE status='Active' ORDER BY family_name, given_name, id OFFSET $((PATIENTS / 2)) LIMIT 1")
DEEP_CURSOR=$(python3 -c "import sys, json, base64; f, g, i = sys.argv[1].split('\t'); print(base64.urlsafe_b64encode(json.dumps([f, g, i]).encode()).decode().rstrip('='))" "$DEEP")
IFS=$'\t' read -r DEEP_F DEEP_G DEEP_I <<<"$DEEP"
WEEK_FROM=2023-03-06; WEEK_TO=2023-03-12
awk '{print "GET\t/patients/" $1}' "$R/patient-ids" > "$R/api-get-patient"; cp "$R/api-get-patient" "$R/raw-get-patient"
printf 'GET\t/patients?limit=25\n' > "$R/api-list-first"; printf 'GET\t/patients\n' > "$R/raw-list-first"
printf 'GET\t/patients?limit=25&cursor=%s\n' "$DEEP_CURSOR" > "$R/api-list-deep"
printf 'GET\t/patients?family=%s&given=%s&id=%s\n' "$DEEP_F" "$DEEP_G" "$DEEP_I" > "$R/raw-list-deep"
awk -v f=$WEEK_FROM -v t=$WEEK_TO '{print "GET\t/therapists/" $1 "/calendar?from=" f "&to=" t}' "$R/therapist-ids" > "$R/api-calendar"
awk '{print "GET\t/therapists/" $1 "/calendar?from=2023-03-06T00:00:00Z&to=2023-03-13T00:00:00Z"}' "$R/therapist-ids" > "$R/raw-calendar"
awk '{print "GET\t/therapists/" $1 "/free-slots?from=2031-03-03&to=2031-03-09&durationMinutes=45&stepMinutes=15"}' "$R/therapist-ids" > "$R/api-free-slots"
awk '{print "GET\t/therapists/" $1 "/free-slots?from=2031-03-03T00:00:00Z&to=2031-03-10T00:00:00Z"}' "$R/therapist-ids" > "$R/raw-free-slots"
awk '{print "GET\t/patients/" $1 "/trajectory?instrument=pain-nrs"}' "$R/patient-ids" > "$R/api-trajectory"
awk '{print "GET\t/patients/" $1 "/trajectory"}' "$R/patient-ids" > "$R/raw-trajectory"
NOW=$(date -u -d '-1 hour' +%FT%TZ)
awk -v now="$NOW" '{print "POST\t/patients/" $1 "/measurements\t{\"instrument\":\"pain-nrs\",\"takenAt\":\"" now "\",\"score\":4}"}' "$R/patient-ids" > "$R/api-measurement"
for i in $(seq 1 50000); do printf 'POST\t/patients\t\n'; done > "$R/raw-insert"
printf 'GET\t/reports/cohort\n' > "$R/api-cohort"; cp "$R/api-cohort" "$R/raw-cohort"
# Bookings: distinct free 45-minute slots in 2031, each with the patient's own therapist (50-minute steps, 26 a day
# from 00:00 UTC, so that even in British summer time every session ends before the 23:45 local end of day).
psql_ -d clinic_bench -F $'\t' -c "
  SELECT e.patient_id, e.primary_therapist_id, e.id,
         to_char(timestamp '2031-01-06 00:00' + (k / 26) * interval '1 day' + (k % 26) * interval '50 minutes', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
  FROM (SELECT e.*, row_number() OVER (PARTITION BY e.primary_therapist_id ORDER BY e.id) - 1 + r * 1000 AS k
        FROM episodes e CROSS JOIN generate_series(0, 4) r) e
  ORDER BY k, e.primary_therapist_id" |
  awk -F'\t' '{print "POST\t/sessions\t{\"patientId\":\"" $1 "\",\"therapistId\":\"" $2 "\",\"episodeId\":\"" $3 "\",\"kind\":\"physiotherapy\",\"startsAt\":\"" $4 "\",\"durationMinutes\":45}"}' > "$R/api-booking"

# run PORT FILE TOKEN CONNECTIONS [SECONDS [warmup]]: wrk, then "rps p50_ms p99_ms errors"
run() {
  local out
  out=$(wrk -t2 -c"$4" -d"${5:-$DURATION}s" --timeout 10s -s bench/wrk/requests.lua -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$1" -- "$2" 2 "${6:-}" | grep '^RESULT')
  python3 - "$out" <<'PY'
import sys, re
kv = dict(re.findall(r'(\w+)=(\d+)', sys.argv[1]))
rps = int(kv['requests']) / (int(kv['duration_us']) / 1e6)
print(f"{rps:.0f} {int(kv['p50_us'])/1000:.1f} {int(kv['p99_us'])/1000:.1f} {int(kv['errors']) + int(kv['non2xx'])}")
PY
}

RESULTS="$WORK/results.md"
printf '| scenario | API req/s | p50 ms | p99 ms | errors | baseline req/s | baseline p50 ms | ratio | target |\n|---|---|---|---|---|---|---|---|---|\n' > "$RESULTS"
scenario() { # NAME API_FILE RAW_FILE TOKEN TARGET [CONNECTIONS]
  local connections=${6:-$CONNECTIONS}
  # Warm-up first (JIT, tiered compilation, EF's compiled queries, connection pools), not measured.
  run 5090 "$R/$2" "$4" "$connections" "$WARMUP" warmup >/dev/null
  run 5091 "$R/$3" none "$connections" "$WARMUP" warmup >/dev/null
  read -r a_rps a_p50 a_p99 a_err <<<"$(run 5090 "$R/$2" "$4" "$connections")"
  read -r b_rps b_p50 _ _ <<<"$(run 5091 "$R/$3" none "$connections")"
  local ratio; ratio=$(python3 -c "print(f'{$a_rps / max($b_rps, 1):.2f}')")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$a_rps" "$a_p50" "$a_p99" "$a_err" "$b_rps" "$b_p50" "$ratio" "$5" | tee -a "$RESULTS"
}
if [ "$SCENARIOS" = 1 ]; then
  # Steady state first: .NET compiles hot code again with optimisations (tiered compilation, dynamic PGO) only
  # after it has run a while, and on two busy cores that takes about a minute of load. Measuring before it would
  # measure the JIT, not the API. Each read scenario runs WARMUP_ALL seconds, unmeasured, before anything is.
  echo "bench: warming up the API ($WARMUP_ALL s per read scenario)"
  for f in api-get-patient api-list-first api-list-deep api-calendar api-free-slots api-trajectory; do
    run 5090 "$R/$f" "$ADMIN" "$CONNECTIONS" "$WARMUP_ALL" warmup >/dev/null
  done
  run 5090 "$R/api-cohort" "$MANAGER" 4 "$WARMUP_ALL" warmup >/dev/null
  echo "bench: scenarios ($DURATION s each, $CONNECTIONS connections)"
  scenario "get patient by id" api-get-patient raw-get-patient "$ADMIN" ">= 0.8"
  scenario "list patients, first page" api-list-first raw-list-first "$ADMIN" ">= 0.8"
  scenario "list patients, deep cursor page" api-list-deep raw-list-deep "$ADMIN" ">= 0.8"
  scenario "therapist week calendar" api-calendar raw-calendar "$ADMIN" ">= 0.8"
  scenario "free slots (a week)" api-free-slots raw-free-slots "$ADMIN" ">= 0.8"
  scenario "patient trajectory" api-trajectory raw-trajectory "$ADMIN" ">= 0.8"
  scenario "record a measurement (vs raw insert)" api-measurement raw-insert "$ADMIN" ">= 0.5"
  scenario "book a session (vs raw insert)" api-booking raw-insert "$ADMIN" ">= 0.5"
  # A report, not a hot path: four managers at once (64 would only queue behind two cores).
  scenario "cohort report (4 connections)" api-cohort raw-cohort "$MANAGER" ">= 0.5" 4
  read -r h_rps h_p50 h_p99 h_err <<<"$(run 5090 "$R/api-get-patient" "$ADMIN" 256)"
  PEAK=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$APIPID/status")
fi

echo "bench: cohort report scaling"
SCALE="$WORK/scaling.md"
printf '| patients | cohort report (API) ms | same aggregate, one SQL statement, ms | ratio | reading its rows once, ms | ratio | week-22-only SQL ms |\n|---|---|---|---|---|---|---|\n' > "$SCALE"
sql_of() { sed -n "/$1 = \"\"\"/,/\"\"\"/p" bench/Baseline/Program.cs | sed '1d;$d'; }
# The median of five runs of the SQL (its statements' times added up), rows fetched by psql and discarded.
median_sql() { for _ in 1 2 3 4 5; do psql_ -d "$1" -c '\timing on' -c "$2" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk '{s += $1} END {print s}'; done | sort -n | sed -n 3p; }
port=5100
for size in $SCALING; do
  port=$((port + 1))
  cs=$(prepare_db "clinic_scale_$size" "$size")
  start_api "$cs" $port
  manager=$(curl -sf -X POST "http://127.0.0.1:$port/auth/dev-token" -H 'Content-Type: application/json' -d '{"role":"manager"}' | python3 -c "import sys, json; print(json.load(sys.stdin)['accessToken'])")
  # Warm until steady (tiered JIT: 20 reports were not enough), at least 40 reports or 60 s, then the median of five.
  warm_until=$((SECONDS + 60)); warmed=0
  while [ "$warmed" -lt 40 ] && [ "$SECONDS" -lt "$warm_until" ]; do
    curl -sf -o /dev/null "http://127.0.0.1:$port/reports/cohort" -H "Authorization: Bearer $manager"; warmed=$((warmed + 1))
  done
  api_ms=$(for _ in 1 2 3 4 5; do curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/reports/cohort" -H "Authorization: Bearer $manager"; done | sort -n | sed -n 3p)
  raw_ms=$(median_sql "clinic_scale_$size" "$(sql_of CohortSql)")
  narrow_ms=$(median_sql "clinic_scale_$size" "$(sql_of Week22Sql)")
  rows_ms=$(median_sql "clinic_scale_$size" "$(sql_of RowsSql)")
  kill "$API_PID" 2>/dev/null || true
  python3 -c "a=$api_ms*1000; r=$raw_ms; w=$rows_ms; print(f'| $size | {a:.0f} | {r:.0f} | {a/max(r,0.001):.1f} | {w:.0f} | {a/max(w,0.001):.1f} | {$narrow_ms:.0f} |')" | tee -a "$SCALE"
done

COMMIT=$(git rev-parse --short HEAD)
OUT="bench/results/$(date -u +%F)-$COMMIT$([ "$SCENARIOS" = 1 ] || echo -cohort-scaling).md"
{
  echo "# Benchmark $(date -u +%FT%TZ), commit $COMMIT"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on loopback."
  if [ "$SCENARIOS" = 1 ]; then
    echo "Clinic: $PATIENTS patients, $THERAPISTS therapists, one episode each, 24 sessions and up to 8 measurements per episode."
    echo "Load: wrk, 2 threads, $CONNECTIONS connections, $DURATION s per scenario after $WARMUP_ALL s per read scenario and $WARMUP s per scenario of unmeasured warm-up; the baseline is bench/Baseline (same SQL through Npgsql, no EF/validation/auth/audit)."
    echo
    cat "$RESULTS"
    echo
    echo "256 connections, get patient by id: $h_rps req/s, p50 $h_p50 ms, p99 $h_p99 ms, errors $h_err."
    echo "API peak memory (VmHWM) over the run: $PEAK MB."
  else
    echo "Clinics: each size seeded as below ($THERAPISTS therapists, one episode per patient, 24 sessions and up to 8 measurements per episode)."
    echo "Cohort report scaling only (SCENARIOS=0): no throughput scenarios in this run."
  fi
  echo
  echo "## Cohort report scaling"
  echo
  cat "$SCALE"
} > "$OUT"
echo "bench: results in $OUT"
cat "$OUT"
