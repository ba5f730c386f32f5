#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: installs Debian's docker.io if dockerd is missing, starts
# dockerd (overlay2) if nothing answers, and waits for it. Idempotent: a second call returns at once.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker-engine: installing docker.io"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "docker-engine: starting dockerd"
  # overlay2 shares image layers between containers; vfs would copy the whole image for each one. No userland
  # proxy: published ports are forwarded by the kernel (iptables), not by one docker-proxy process per port that
  # every packet of every test's database traffic would go through on a loaded machine.
  as_root sh -c 'nohup dockerd --storage-driver=overlay2 --userland-proxy=false >/var/log/clinicapi-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "docker-engine: dockerd did not answer within 60 s (log: /var/log/clinicapi-dockerd.log)" >&2
    exit 1
  fi
fi
echo "docker-engine: $(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"
