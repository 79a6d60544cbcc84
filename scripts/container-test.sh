#!/usr/bin/env bash
# Builds the project's Dockerfile with rootful podman from a Debian base made here with
# debootstrap (no container registry needed), then tests the image end to end
# (scripts/container/e2e.ts). Needs root and user namespaces.
#
#   scripts/container-test.sh [--bench <json file>]      (also: bun run test:container)
#
# Cached between runs: the base image and the build layers (podman's storage), the debootstrap
# tree, in REDRIVA_CONTAINER_CACHE (default /var/cache/redriva-container-test).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

CACHE="${REDRIVA_CONTAINER_CACHE:-/var/cache/redriva-container-test}"
BASE_IMAGE=localhost/redriva-base:bookworm-slim
IMAGE=localhost/redriva:test

say() { echo "[container-test] $*"; }

if [ "$(id -u)" != "0" ]; then
  say "needs root (rootful podman)"; exit 2
fi

# 1. The tools, from Debian, when missing.
missing=()
for pair in podman:podman buildah:buildah debootstrap:debootstrap runc:runc newuidmap:uidmap \
  fuse-overlayfs:fuse-overlayfs slirp4netns:slirp4netns catatonit:catatonit; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/libexec/podman/${pair%%:*}" ] || missing+=("${pair##*:}")
done
# The default bridge network: the test publishes the README's port and reaches the fake debrid on the host.
[ -x /usr/lib/cni/bridge ] || [ -x /usr/lib/podman/netavark ] || missing+=(containernetworking-plugins)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. podman's configuration for such machines, never the Dockerfile's business:
# - ulimits: podman's defaults may exceed what this process may set (runc then fails with
#   "error setting rlimits"): this process's own, with processes capped at pid_max as podman's
#   own process is;
# - runc (crun may refuse a hybrid cgroup layout), cgroupfs and a file event log (no systemd).
mkdir -p "$CACHE"
nproc_limit=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
if [ "$nproc_limit" = "unlimited" ] || [ "$nproc_limit" -gt "$pid_max" ]; then nproc_limit=$pid_max; fi
nproc_soft=$(ulimit -Su)
if [ "$nproc_soft" = "unlimited" ] || [ "$nproc_soft" -gt "$nproc_limit" ]; then nproc_soft=$nproc_limit; fi
cat >"$CACHE/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Sn):$(ulimit -Hn)", "nproc=$nproc_soft:$nproc_limit"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$CACHE/containers.conf"

# 3. The base image: debootstrap from the Debian mirror apt already uses, imported once.
base_started=$(date +%s)
if ! podman image exists "$BASE_IMAGE"; then
  mirror=$(grep -h -m1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -1 || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  if [ ! -d "$CACHE/rootfs-slim" ]; then
    say "debootstrap --variant=minbase bookworm from $mirror"
    rm -rf "$CACHE/rootfs-slim.tmp"
    # What makes debian:bookworm-slim slim and quick to build on, written before debootstrap's
    # own dpkg runs read it: no fsync per unpacked file (most of the time on a busy disk), no
    # manuals, docs or translations.
    mkdir -p "$CACHE/rootfs-slim.tmp/etc/dpkg/dpkg.cfg.d"
    echo force-unsafe-io >"$CACHE/rootfs-slim.tmp/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
    cat >"$CACHE/rootfs-slim.tmp/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
DPKG
    nice -n 10 debootstrap --variant=minbase bookworm "$CACHE/rootfs-slim.tmp" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log"; exit 1; }
    rm -rf "$CACHE/rootfs-slim.tmp/var/cache/apt/archives/"*.deb "$CACHE/rootfs-slim.tmp/var/lib/apt/lists/"*
    mv "$CACHE/rootfs-slim.tmp" "$CACHE/rootfs-slim"
  fi
  say "podman import → $BASE_IMAGE"
  tar -C "$CACHE/rootfs-slim" -c . | podman import - "$BASE_IMAGE" >/dev/null
fi

# 4. The project's own Dockerfile, unchanged. The host network lets the build reach the Debian
# mirror and the npm registry without a bridge; an HTTPS proxy's CA (the bundle npm and Node use
# here) is handed to the npm steps as a build secret, never stored in the image.
build=(build --format docker --network host --jobs 2 --build-arg "BASE_IMAGE=$BASE_IMAGE" --tag "$IMAGE")
ca="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
if [ -n "$ca" ] && [ "$ca" != "null" ] && [ "$ca" != "undefined" ] && [ -s "$ca" ]; then
  build+=(--secret "id=npm_ca,src=$ca")
fi
say "podman ${build[*]} ."
started=$(date +%s)
nice -n 10 podman "${build[@]}" . >"$CACHE/build.log" 2>&1 || { tail -30 "$CACHE/build.log"; exit 1; }
say "image built in $(( $(date +%s) - started )) s: $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
# For the benchmark (scripts/bench/container.ts): seconds spent on the base image and the build.
export REDRIVA_CONTAINER_BUILD_SECONDS="$(( started - base_started )) $(( $(date +%s) - started ))"

# 5. End to end.
exec bun scripts/container/e2e.ts "$IMAGE" "$@"
