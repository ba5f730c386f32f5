#!/usr/bin/env bash
# Builds, from Debian's own packages, the two images CI needs when no image registry can be reached:
#   clinicapi-local/debian:bookworm   Debian 12 minbase + ICU, time zones and CA certificates: the base the app
#                                     image is built on (deploy/Dockerfile's BASE_IMAGE; the app is self-contained)
#   clinicapi-local/postgres:15       the same base + Debian's postgresql-15, with an entrypoint that honours
#                                     POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB as the official image does
# The Debian mirror is the one this machine's apt sources already name (read at run time, never written here).
# An image that exists already is kept (docker image inspect), so a second run builds nothing.
# Needs root (debootstrap, chroot) and a running Docker engine (.ci/docker-engine.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
BASE_IMAGE=${CLINICAPI_LOCAL_BASE_IMAGE:-clinicapi-local/debian:bookworm}
POSTGRES_IMAGE=${CLINICAPI_LOCAL_POSTGRES_IMAGE:-clinicapi-local/postgres:15}

have() { docker image inspect "$1" >/dev/null 2>&1; }
if have "$BASE_IMAGE" && have "$POSTGRES_IMAGE"; then
  echo "local-images: $BASE_IMAGE and $POSTGRES_IMAGE already built"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "local-images: installing debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# The first bookworm (not -security) mirror in the apt sources: deb822 files (URIs:/Suites:) or one-line entries.
mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
         { uri = ""; ok = 0
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^URIs:/) { split(substr($i, 6), u, " "); uri = u[1] }
             if ($i ~ /^Suites:/ && $i ~ /(^|[ :])bookworm( |$)/) ok = 1
           }
           if (ok && uri != "") { print uri; exit } }' "$f"
  done
}
one_line_mirrors() {
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { if ($(i + 1) == "bookworm") print $i; break } }'
}
MIRROR=$({ mirror; one_line_mirrors; } | awk 'NR == 1')
if [ -z "$MIRROR" ]; then
  echo "local-images: no bookworm mirror found in /etc/apt/sources.list*" >&2
  exit 1
fi

work=$(mktemp -d /var/tmp/clinicapi-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
in_root() {
  local dir=$1; shift
  mount --bind /proc "$dir/proc"
  # resolv.conf: the chroot resolves the mirror as the host does.
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  local status=0
  chroot "$dir" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@" || status=$?
  umount "$dir/proc"
  return "$status"
}
slim() {
  local dir=$1
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/tmp/*
  : >"$dir/etc/resolv.conf"
}

echo "local-images: debootstrap bookworm (minbase)"
debootstrap --variant=minbase bookworm "$work/base" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
# debootstrap writes the mirror into the image's sources.list: the image keeps it (apt inside works as on the host).
in_root "$work/base" apt-get update -qq
in_root "$work/base" apt-get install -y -qq --no-install-recommends libicu72 tzdata ca-certificates >/dev/null
in_root "$work/base" apt-get clean

if ! have "$BASE_IMAGE"; then
  cp -a "$work/base" "$work/app"
  slim "$work/app"
  echo "local-images: importing $BASE_IMAGE"
  tar -C "$work/app" --numeric-owner -c . | docker import \
    -c 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
fi

if ! have "$POSTGRES_IMAGE"; then
  echo "local-images: installing postgresql-15"
  in_root "$work/base" apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  # The package's own cluster is not wanted: the entrypoint makes one in PGDATA at first start.
  in_root "$work/base" sh -c 'pg_dropcluster 15 main 2>/dev/null || true'
  install -m 0755 "$here/postgres-entrypoint.sh" "$work/base/usr/local/bin/docker-entrypoint.sh"
  slim "$work/base"
  echo "local-images: importing $POSTGRES_IMAGE"
  tar -C "$work/base" --numeric-owner -c . | docker import \
    -c 'ENV LANG=C.UTF-8 PGDATA=/var/lib/postgresql/data PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'EXPOSE 5432' \
    -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' -c 'CMD ["postgres"]' - "$POSTGRES_IMAGE" >/dev/null
fi
echo "local-images: built $BASE_IMAGE and $POSTGRES_IMAGE"
