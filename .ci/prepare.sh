# Sourced by .ci/test and .ci/run: makes sure a Docker engine answers and the PostgreSQL image the integration
# suite starts is there, and exports the settings that name it. Where the official postgres:15 image is present or
# can be pulled, that is the one; where no registry answers (as on the CI machines), the image is built from
# Debian's packages once (deploy/local-images/build.sh) and kept for the next run.
# Nothing is done when CLINICAPI_TEST_POSTGRES names an existing server (the suite then needs no Docker) or
# when CLINICAPI_TEST_POSTGRES_IMAGE is set already.
if [ -z "${CLINICAPI_TEST_POSTGRES:-}" ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/docker-engine.sh"
  if [ -z "${CLINICAPI_TEST_POSTGRES_IMAGE:-}" ]; then
    if docker image inspect postgres:15 >/dev/null 2>&1 || timeout 120 docker pull -q postgres:15 >/dev/null 2>&1; then
      export CLINICAPI_TEST_POSTGRES_IMAGE=postgres:15
    else
      echo "prepare: postgres:15 cannot be pulled; using the image built from Debian's packages"
      bash "$(dirname "${BASH_SOURCE[0]}")/../deploy/local-images/build.sh"
      export CLINICAPI_TEST_POSTGRES_IMAGE=clinicapi-local/postgres:15
      # The app image is then built on the local Debian base too (.ci/app-image.sh).
      export CLINICAPI_APP_LOCAL=1
      # Testcontainers' resource reaper (ryuk) is an image of its own that cannot be pulled here: the fixtures
      # remove their containers themselves when the run ends.
      export TESTCONTAINERS_RYUK_DISABLED=true
    fi
  fi
  # Containers publish on the host's loopback; without this Testcontainers would use the bridge's address.
  export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}
  echo "prepare: PostgreSQL image for the tests: $CLINICAPI_TEST_POSTGRES_IMAGE"
fi
