#!/usr/bin/env bash
# Builds the API's container image from deploy/Dockerfile and starts it for real beside PostgreSQL, with plain
# docker commands: the migration step (`migrate`) runs to completion first, then the API starts, /health/ready
# must answer 200, and a short smoke workflow runs against it over loopback.
#
# Images: by default the ones a machine with registry access has (official .NET SDK and ASP.NET runtime, and
# postgres:15). CI here sets CLINICAPI_APP_LOCAL=1: the app is published self-contained on this machine and
# built onto the Debian base from deploy/local-images/build.sh, and PostgreSQL is the local image too.
# Everything is published on 127.0.0.1 only, and every container and the network are removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

POSTGRES_IMAGE=${CLINICAPI_TEST_POSTGRES_IMAGE:-postgres:15}
TAG=clinicapi:ci
run=clinicapi-smoke-$$
work=$(mktemp -d)
cleanup() {
  docker rm -f "$run-api" "$run-prod" "$run-db" >/dev/null 2>&1 || true
  docker network rm "$run" >/dev/null 2>&1 || true
  docker image rm "$run-build" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "app-image: $*"; }
if ! command -v curl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
  say "installing curl and jq"
  if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl jq >/dev/null
fi
fail() { echo "app-image: FAILED: $*" >&2; docker logs "$run-api" 2>&1 | tail -n 40 >&2 || true; exit 1; }

if [ "${CLINICAPI_APP_LOCAL:-0}" = 1 ]; then
  BASE_IMAGE=${CLINICAPI_LOCAL_BASE_IMAGE:-clinicapi-local/debian:bookworm}
  say "publishing the app self-contained (the Debian base has no .NET runtime)"
  dotnet publish src/ClinicApi/ClinicApi.csproj -c Release -r linux-x64 --self-contained -o "$work/app" -v quiet -nologo
  printf 'FROM %s\nCOPY app /app\n' "$BASE_IMAGE" >"$work/Dockerfile"
  docker build -q -t "$run-build" "$work" >/dev/null
  say "building $TAG on $BASE_IMAGE"
  docker build -q -f deploy/Dockerfile --build-arg BUILD_IMAGE="$run-build" --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$TAG" . >/dev/null
else
  say "building $TAG on the official .NET images"
  docker build -q -f deploy/Dockerfile -t "$TAG" . >/dev/null
fi

docker network create "$run" >/dev/null
say "starting PostgreSQL ($POSTGRES_IMAGE)"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
docker run -d --name "$run-db" --network "$run" --network-alias db \
  -e POSTGRES_USER=clinic -e POSTGRES_PASSWORD="$password" -e POSTGRES_DB=clinic "$POSTGRES_IMAGE" >/dev/null
for _ in $(seq 1 60); do
  docker exec "$run-db" pg_isready -h 127.0.0.1 -U clinic -d clinic >/dev/null 2>&1 && break
  sleep 1
done
docker exec "$run-db" pg_isready -h 127.0.0.1 -U clinic -d clinic >/dev/null || fail "PostgreSQL did not become ready"

connection="Host=db;Database=clinic;Username=clinic;Password=$password"
say "migration step"
docker run --rm --network "$run" -e Database__Provider=Postgres -e Database__ConnectionString="$connection" "$TAG" migrate \
  >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; fail "migrate exited non-zero"; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ready() {
  local url=$1
  for _ in $(seq 1 90); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready")" = 200 ] && return 0
    sleep 1
  done
  return 1
}
expect() {
  local want=$1 got=$2 what=$3
  [ "$got" = "$want" ] || fail "$what: expected $want, got $got"
  say "ok: $what ($got)"
}

# 1. The image as deployed (Production): health answers, data needs a token, the development token is refused.
port=$(free_port)
docker run -d --name "$run-prod" --network "$run" -p "127.0.0.1:$port:8080" \
  -e Database__ConnectionString="$connection" -e Auth__Authority=https://identity.invalid/realms/clinic \
  -e Security__HttpsRedirection=false "$TAG" >/dev/null
prod=http://127.0.0.1:$port
wait_ready "$prod" || { docker logs "$run-prod" | tail -n 40 >&2; fail "Production container never became ready"; }
expect 200 "$(curl -s -o /dev/null -w '%{http_code}' "$prod/health/live")" "Production /health/live"
expect 401 "$(curl -s -o /dev/null -w '%{http_code}' "$prod/patients")" "Production GET /patients without a token"
expect 403 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$prod/auth/dev-token" -H 'Content-Type: application/json' -d '{"role":"admin"}')" \
  "Production POST /auth/dev-token"
expect 1654 "$(docker exec "$run-prod" id -u)" "runs as the unprivileged user"
docker rm -f "$run-prod" >/dev/null

# 2. The same image in Development, where /auth/dev-token signs tokens: a short clinic workflow.
port=$(free_port)
docker run -d --name "$run-api" --network "$run" -p "127.0.0.1:$port:8080" \
  -e ASPNETCORE_ENVIRONMENT=Development -e Database__ConnectionString="$connection" \
  -e Security__HttpsRedirection=false "$TAG" >/dev/null
api=http://127.0.0.1:$port
wait_ready "$api" || fail "Development container never became ready"
say "ok: /health/ready (200) after the migration step"
token() { curl -sf -X POST "$api/auth/dev-token" -H 'Content-Type: application/json' -d "{\"role\":\"$1\"}" | jq -r .accessToken; }
frontdesk=$(token frontdesk)
admin=$(token admin)
[ -n "$frontdesk" ] && [ "$frontdesk" != null ] || fail "no development token"
status=$(curl -s -o "$work/patient.json" -w '%{http_code}' -X POST "$api/patients" -H "Authorization: Bearer $frontdesk" \
  -H 'Content-Type: application/json' -d '{"medicalRecordNumber":"MRN-SMOKE-1","givenName":"Ada","familyName":"Lovelace",
  "dateOfBirth":"1980-02-03","sex":"female","painDurationWeeks":20,"consentToDeidentifiedReporting":true}')
expect 201 "$status" "POST /patients"
id=$(jq -r .id "$work/patient.json")
expect 200 "$(curl -s -o "$work/search.json" -w '%{http_code}' "$api/patients?search=love" -H "Authorization: Bearer $frontdesk")" "GET /patients?search=love"
[ "$(jq -r '.items[0].id' "$work/search.json")" = "$id" ] || fail "the search did not find the registered patient"
say "ok: the search finds the registered patient"
expect 409 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$api/patients" -H "Authorization: Bearer $frontdesk" \
  -H 'Content-Type: application/json' -d '{"medicalRecordNumber":"MRN-SMOKE-1","givenName":"Ada","familyName":"Lovelace",
  "dateOfBirth":"1980-02-03","sex":"female","painDurationWeeks":20,"consentToDeidentifiedReporting":true}')" "POST /patients with a used record number"
expect 200 "$(curl -s -o "$work/arms.json" -w '%{http_code}' "$api/arms" -H "Authorization: Bearer $frontdesk")" "GET /arms (seeded by the migration)"
[ "$(jq 'length' "$work/arms.json")" -ge 6 ] || fail "the catalogue arms are missing"
expect 200 "$(curl -s -o "$work/audit.json" -w '%{http_code}' "$api/audit?resourceId=$id" -H "Authorization: Bearer $admin")" "GET /audit?resourceId="
[ "$(jq '[.items[] | select(.resourceId == "'"$id"'")] | length' "$work/audit.json")" -ge 1 ] || fail "the registration is not in the audit trail"
say "ok: the registration is in the audit trail"
for _ in $(seq 1 45); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$run-api")" = healthy ] && break
  sleep 1
done
expect healthy "$(docker inspect -f '{{.State.Health.Status}}' "$run-api")" "the image's HEALTHCHECK (probe command)"
say "passed"
