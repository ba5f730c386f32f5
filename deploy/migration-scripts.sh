#!/usr/bin/env bash
# Writes the migration scripts a DBA deploys with, one per provider, into deploy/sql/ (see docs/decisions/0007).
# PostgreSQL's and SQL Server's are idempotent (each migration guarded by __EFMigrationsHistory); SQLite's is for reading.
# Extra arguments go to dotnet ef (e.g. --no-build after a build).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
mkdir -p deploy/sql
dotnet ef migrations list --project src/ClinicApi --no-connect "$@"
dotnet ef migrations script --idempotent --project src/ClinicApi "$@" -o deploy/sql/postgres.sql -- --provider Postgres
dotnet ef migrations script --idempotent --project src/ClinicApi "$@" -o deploy/sql/sqlserver.sql -- --provider SqlServer
dotnet ef migrations script --project src/ClinicApi "$@" -o deploy/sql/sqlite.sql -- --provider Sqlite
echo "wrote deploy/sql/postgres.sql, deploy/sql/sqlserver.sql and deploy/sql/sqlite.sql"
