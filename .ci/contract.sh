#!/usr/bin/env bash
# The API contract gate (issue 16): the API in Development on loopback, Stoplight Prism in validating proxy mode
# (--errors) in front of it, and a whole clinic workflow (api-spec/client/workflow.ts, typed by openapi-typescript,
# sent with openapi-fetch) driven through it, once on SQLite and once on PostgreSQL; then `redocly lint`. Any
# request or response violation Prism reports, any Prism-generated answer, any unexpected status or lint problem
# fails it; each violation is listed (operation, request/response, where, message) at the end.
#
# Traffic:  workflow -> Prism --errors (requests and answers validated) ----------+-> tap -> API
#           workflow -> Prism --errors --validate-request=false (answers only) ---+
# The second proxy carries the requests a front end gets wrong on purpose (no If-Match, an empty object,
# text/plain): a validating proxy would refuse them itself and the server's 428/400/415 would go unchecked.
# The tap (api-spec/client/tap.ts) keeps the API's own answer where Prism replaced it by its 500, so the workflow
# goes on and reports every violation, not only the first of each chain. A request without any token cannot
# reach the API through Prism (it answers 401 itself, always), so the 401 case sends a token the API did not sign.
#
# Needs: dotnet, node 20 and npm, curl, jq, python3, and for PostgreSQL a Docker engine with the image
# $CLINICAPI_TEST_POSTGRES_IMAGE (CI sources .ci/prepare.sh first, which starts dockerd and builds it).
# Everything listens on 127.0.0.1 only; every process and the container are removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

POSTGRES_IMAGE=${CLINICAPI_TEST_POSTGRES_IMAGE:-clinicapi-local/postgres:15}
# Attendance can be recorded only after a session's start, and booking refuses the past: the workflow books
# from next Monday, then the API is restarted on the same database with its clock this far ahead (time has
# passed: Clinic:ClockOffset, Development only), six weeks, so the end-of-treatment outcomes fall in their window.
OFFSET_DAYS=42
work=$(mktemp -d)
run=clinicapi-contract-$$
pids=()
api_pid=
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  docker rm -f "$run-db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "contract: [$(($(date +%s) - started)) s] $*"; }
fail() { echo "contract: FAILED: $*" >&2; exit 1; }
started=$(date +%s)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if ! command -v curl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
  say "installing curl and jq"
  if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl jq >/dev/null
fi
if [ ! -x api-spec/node_modules/.bin/prism ]; then
  npm ci --prefix api-spec --no-audit --no-fund --loglevel=error
fi
say "building the API and the workflow"
dotnet build src/ClinicApi/ClinicApi.csproj -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "dotnet build"; }
app=$(pwd)/src/ClinicApi/bin/Debug/net10.0
npm run --prefix api-spec --silent gate:build

# PostgreSQL starts now, so that it is ready when the SQLite pass is over.
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
pg_port=$(free_port)
docker run -d --name "$run-db" -p "127.0.0.1:$pg_port:5432" -e POSTGRES_USER=clinic -e POSTGRES_PASSWORD="$password" \
  -e POSTGRES_DB=clinic "$POSTGRES_IMAGE" >/dev/null || fail "cannot start $POSTGRES_IMAGE (a Docker engine and the image: source .ci/prepare.sh)"

api_port=$(free_port)
tap_port=$(free_port)
proxy_port=$(free_port)
lenient_port=$(free_port)
node api-spec/client/dist/tap.js "$tap_port" "http://127.0.0.1:$api_port" >"$work/tap.log" 2>&1 &
pids+=($!)
# --verbose-level info: Prism logs headers and bodies (patients' names) only at debug. One process each
# (no --multiprocess fork, whatever NODE_ENV says), so that the pid is the server's.
# Called with & (a subshell of its own): cd, then exec, so that $! is Prism's pid.
prism() { cd api-spec && exec node_modules/.bin/prism proxy --errors "$@" --host 127.0.0.1 --verbose-level info --multiprocess=false; }
prism openapi.json "http://127.0.0.1:$tap_port" --port "$proxy_port" >"$work/prism.log" 2>&1 &
pids+=($!)
prism --validate-request=false openapi.json "http://127.0.0.1:$tap_port" --port "$lenient_port" >"$work/prism-lenient.log" 2>&1 &
pids+=($!)
# Ready when it says so (a probe request would be a "no path matched" error in the log the gate reads).
for log in prism prism-lenient; do
  for _ in $(seq 1 60); do
    grep -q 'Prism is listening' "$work/$log.log" && break
    sleep 0.5
  done
  grep -q 'Prism is listening' "$work/$log.log" || { cat "$work/$log.log" >&2; fail "Prism ($log) did not start"; }
done

# The API from its build output (the content root holds appsettings*.json), on the given database settings.
start_api() {
  (cd "$app" && exec env ASPNETCORE_URLS="http://127.0.0.1:$api_port" ASPNETCORE_ENVIRONMENT=Development "$@" \
    dotnet ClinicApi.dll) >>"$work/api.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$api_port/health/ready")" = 200 ] && return 0
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 20 "$work/api.log" >&2
  fail "the API did not become ready ($*)"
}
stop_api() {
  kill "$api_pid" && wait "$api_pid" 2>/dev/null || true
  api_pid=
}

# One provider: book with the clinic's clock as it is, then attend with it OFFSET_DAYS ahead. Prints the
# workflow's lines with the provider's name; sets status when anything failed.
status=0
pass() {
  local name=$1 phase
  shift
  for phase in book attend; do
    if [ "$phase" = book ]; then start_api "$@"; else start_api "$@" Clinic__ClockOffset="$OFFSET_DAYS.00:00:00"; fi
    say "$name: $phase"
    node api-spec/client/dist/workflow.js "$phase" "http://127.0.0.1:$proxy_port" "http://127.0.0.1:$lenient_port" \
      "http://127.0.0.1:$tap_port" "$work/$name.state" "$OFFSET_DAYS" >"$work/$name-$phase.out" 2>&1 || status=1
    sed "s/^/[$name $phase] /" "$work/$name-$phase.out"
    stop_api
    [ -s "$work/$name.state" ] || { say "$name: no state after booking; attendance skipped"; status=1; return; }
  done
}

pass sqlite Database__Provider=Sqlite Database__SqlitePath="$work/clinic.db"

for _ in $(seq 1 60); do
  docker exec "$run-db" pg_isready -h 127.0.0.1 -U clinic -d clinic >/dev/null 2>&1 && break
  sleep 1
done
docker exec "$run-db" pg_isready -h 127.0.0.1 -U clinic -d clinic >/dev/null || fail "PostgreSQL did not become ready"
pass postgres Database__Provider=Postgres \
  Database__ConnectionString="Host=127.0.0.1;Port=$pg_port;Database=clinic;Username=clinic;Password=$password"

say "redocly lint (recommended ruleset, api-spec/redocly.yaml)"
npm run --prefix api-spec --silent lint:redocly >"$work/redocly.log" 2>&1 || status=1
# (without redocly's banner that Node.js 20 support is ending)
grep -vE '^ *[║╔╚]|^\s*$' "$work/redocly.log" || true

# The violations, one line per operation and place, with the providers that showed them. Prism's own logs are
# read as well: with --errors it logs a request it refused or an answer it replaced only as "terminated".
echo
say "Prism findings (operation, where, severity, message; providers):"
for name in sqlite postgres; do
  cat "$work/$name"-*.out 2>/dev/null | grep -E '^(VIOLATION|PRISM-ERROR)' | sed "s/^/$name\t/" || true
done | sort -u | awk -F'\t' '{ key = $0; sub(/^[^\t]*\t/, "", key); seen[key] = seen[key] (seen[key] ? "," : "") $1 }
  END { for (k in seen) print k "\t" seen[k] }' | sort >"$work/findings.tsv"
while IFS=$'\t' read -r kind method path rest; do
  operation=$(jq -r --arg p "$path" --arg m "${method,,}" '.paths[$p][$m].operationId // "?"' api-spec/openapi.json)
  printf '  %-12s %-28s %-6s %s\t%s\n' "$kind" "$operation" "$method" "$path" "$rest"
done <"$work/findings.tsv"
# Prism's logs, as a check on the workflow's reading of its answers: each violation or terminated request
# under the request it belongs to (the workflow sends one request at a time), ids as {id}.
logged=$(cat "$work/prism.log" "$work/prism-lenient.log" | awk '
  /\[HTTP SERVER\] .* Request received/ { route = $0; sub(/.*\[HTTP SERVER\] /, "", route); sub(/ [^ ]+ +info .*/, "", route) }
  /Violation:|Request terminated with error:/ { line = $0; sub(/.*(Violation:|Request terminated with error:) */, "", line); print route "\t" line }' |
  sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/{id}/g; s/\?[^ \t]*//' | sort | uniq -c)
say "$(wc -l <"$work/findings.tsv") distinct findings"
if [ -n "$logged" ]; then
  say "Prism's logs (count, request, message):"
  echo "$logged"
fi
if [ -n "$logged" ] || [ -s "$work/findings.tsv" ]; then
  status=1
fi
if [ "$status" -ne 0 ]; then
  fail "the API and api-spec/openapi.json disagree (above)"
fi
say "passed: 0 violations on SQLite and PostgreSQL, redocly lint clean"
