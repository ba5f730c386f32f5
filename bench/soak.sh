#!/usr/bin/env bash
# A longer, bounded version of the database-fault test: under a continuous write load, PostgreSQL (a container)
# is stopped (immediate mode) and started again SECONDS/10 times (default 300 s: 30 cycles of about 4 s each), then every
# acknowledged write and every import is checked.
# Usage: bench/soak.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
export RELIABILITY_SOAK_SECONDS="${1:-300}"
# The fault test stops and starts a PostgreSQL container: a Docker engine and the image (.ci/prepare.sh).
# shellcheck source=../.ci/prepare.sh
source .ci/prepare.sh
exec dotnet test tests/ClinicApi.IntegrationTests --filter "FullyQualifiedName~DatabaseFaultTests"
