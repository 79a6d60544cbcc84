#!/usr/bin/env bash
# Builds the project's Dockerfile with rootful podman from a Debian base made here with
# debootstrap (no container registry needed), then tests the image end to end
# (scripts/container/e2e.ts). Needs root and user namespaces.
#
#   scripts/container-test.sh [--bench <json file>]      (also: bun run test:container)
#   scripts/container-test.sh --drop-cache               removes the cache below, podman storage included
#
# Everything it keeps lives in REDRIVA_CONTAINER_CACHE (default /var/cache/redriva-container-test):
# the debootstrapped base as a tarball, the downloaded .debs of debootstrap, and a podman storage of
# its own (base image, build layers), so a fresh directory is a clean machine's first run and one
# `--drop-cache` frees it all. Each stage's time is printed, and again on one line at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

say() { echo "[container-test] $*"; }

if [ "$(id -u)" != "0" ]; then
  say "needs root (rootful podman)"; exit 2
fi

CACHE="${REDRIVA_CONTAINER_CACHE:-/var/cache/redriva-container-test}"
CACHE="$(mkdir -p "$CACHE" && cd "$CACHE" && pwd)"
BASE_IMAGE=localhost/redriva-base:bookworm-minbase
IMAGE=localhost/redriva:test
BUILD_STAGE_IMAGE=localhost/redriva:test-build-stage
# podman's run-time state (locks, mounts in use) belongs on /run, one folder per cache.
RUN_DIR="/run/redriva-container-test-$(printf '%s' "$CACHE" | sha256sum | cut -c1-12)"

# Unmounts what podman left mounted under a folder (its overlay driver keeps one mount of its own).
unmount_under() {
  findmnt -rn -o TARGET | awk -v dir="$1/" 'index($0, dir) == 1' | sort -r | xargs -r umount -l
}

# One run at a time per cache: two would share the image's name and its build layers (nor is a cache
# dropped under a run).
exec 9>"$CACHE/.lock"
if ! flock --nonblock 9; then
  say "waiting for another run on $CACHE"; flock 9
fi

if [ "${1:-}" = "--drop-cache" ]; then
  unmount_under "$CACHE"
  unmount_under "$RUN_DIR"
  rm -rf "$CACHE" "$RUN_DIR"
  say "removed $CACHE"; exit 0
fi

timings=()
run_started=$(date +%s)
stage_started=$run_started
# Ends the stage started last: prints and records its time.
stage_done() {
  local now seconds
  now=$(date +%s); seconds=$((now - stage_started)); stage_started=$now
  timings+=("$1 ${seconds}s")
  say "stage $1: ${seconds} s"
}

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
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
stage_done tools

# 2. podman's configuration for such machines, never the Dockerfile's business:
# - ulimits: podman's defaults may exceed what this process may set (runc then fails with
#   "error setting rlimits"): this process's own, with processes capped at pid_max as podman's
#   own process is;
# - runc (crun may refuse a hybrid cgroup layout), cgroupfs and a file event log (no systemd);
# - a storage of its own in the cache (the machine's images are not this test's business).
nproc_limit=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
if [ "$nproc_limit" = "unlimited" ] || [ "$nproc_limit" -gt "$pid_max" ]; then nproc_limit=$pid_max; fi
nproc_soft=$(ulimit -Su)
if [ "$nproc_soft" = "unlimited" ] || [ "$nproc_soft" -gt "$nproc_limit" ]; then nproc_soft=$nproc_limit; fi
mkdir -p "$RUN_DIR"
cat >"$CACHE/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Sn):$(ulimit -Hn)", "nproc=$nproc_soft:$nproc_limit"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$RUN_DIR/events.log"
tmp_dir = "$RUN_DIR/libpod"
CONF
cat >"$CACHE/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$CACHE/storage"
runroot = "$RUN_DIR/storage"
CONF
export CONTAINERS_CONF="$CACHE/containers.conf" CONTAINERS_STORAGE_CONF="$CACHE/storage.conf"
# podman's and buildah's scratch files (/var/tmp otherwise, left there when a build is cut short).
export TMPDIR="$CACHE/tmp"
mkdir -p "$TMPDIR"

# Whatever a run cut short left behind: its container (the end-to-end test removes its own) and a
# build's working containers.
cleanup() {
  podman rm --all --force --time 0 >/dev/null 2>&1 || true
  buildah rm --all >/dev/null 2>&1 || true
  rm -rf "${TMPDIR:?}/"* 2>/dev/null || true
}
cleanup
trap cleanup EXIT
trap 'exit 143' TERM INT

# Runs a step that reaches the network (the Debian mirror, the npm registry) once more if it fails,
# its log's tail printed each time: what a blip costs is the time of the step, never the run.
#   twice <what> <log file> <command...>
twice() {
  local what=$1 log=$2; shift 2
  : >"$log"
  "$@" >>"$log" 2>&1 && return 0
  tail -20 "$log"; say "$what failed, once more"; cleanup
  "$@" >>"$log" 2>&1 && return 0
  tail -30 "$log"; say "$what failed twice (log: $log)"; exit 1
}

debootstrap_into() {
  local rootfs=$1 mirror=$2
  rm -rf "$rootfs"
  # What makes debian:bookworm-slim slim and quick to build on, written before debootstrap's
  # own dpkg runs read it: no fsync per unpacked file (most of the time on a busy disk), no
  # manuals, docs or translations, no translated package lists for apt.
  mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d" "$rootfs/etc/apt/apt.conf.d" "$CACHE/debs"
  echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
DPKG
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  nice -n 10 debootstrap --variant=minbase --cache-dir="$CACHE/debs" bookworm "$rootfs" "$mirror"
}

# 3. The base image: debootstrap from the Debian mirror apt already uses (its .debs kept in the
# cache), saved as a tarball, imported once into the storage.
if ! podman image exists "$BASE_IMAGE"; then
  if [ ! -s "$CACHE/base-bookworm-minbase.tar" ]; then
    mirror=$(grep -h -m1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -1 || true)
    [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    say "debootstrap --variant=minbase bookworm from $mirror"
    rootfs="$CACHE/rootfs.tmp"
    twice debootstrap "$CACHE/debootstrap.log" debootstrap_into "$rootfs" "$mirror"
    rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
    tar -C "$rootfs" --numeric-owner -cf "$CACHE/base-bookworm-minbase.tar.tmp" .
    mv "$CACHE/base-bookworm-minbase.tar.tmp" "$CACHE/base-bookworm-minbase.tar"
    rm -rf "$rootfs"
    stage_done debootstrap
  fi
  say "podman import → $BASE_IMAGE"
  podman import "$CACHE/base-bookworm-minbase.tar" "$BASE_IMAGE" >/dev/null
  stage_done import
fi

# 4. The project's own Dockerfile, unchanged. The host network lets the build reach the Debian
# mirror and the npm registry without a bridge; an HTTPS proxy's CA (the bundle npm and Node use
# here) is handed to the npm steps as a build secret, never stored in the image. The build stage
# gets a name too, once built beside the other: whatever a name still reaches is build cache,
# the rest is stale (pruned below).
build=(build --format docker --network host --jobs 2 --build-arg "BASE_IMAGE=$BASE_IMAGE")
ca="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
if [ -n "$ca" ] && [ "$ca" != "null" ] && [ "$ca" != "undefined" ] && [ -s "$ca" ]; then
  build+=(--secret "id=npm_ca,src=$ca")
fi
say "podman ${build[*]} --tag $IMAGE ."
twice "podman build" "$CACHE/build.log" nice -n 10 podman "${build[@]}" --tag "$IMAGE" .
twice "podman build --target build" "$CACHE/build-stage.log" podman "${build[@]}" --target build --tag "$BUILD_STAGE_IMAGE" .
# Images of earlier builds nothing names any more, parents first freed by their children.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ -n "$(podman images --quiet --filter dangling=true)" ] || break
  podman image prune --force >/dev/null
done
say "image $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
stage_done build
# For the benchmark (scripts/bench/container.ts): seconds per stage.
export REDRIVA_CONTAINER_STAGES="${timings[*]}"

# 5. End to end.
status=0
bun scripts/container/e2e.ts "$IMAGE" "$@" || status=$?
stage_done e2e
say "stage times: ${timings[*]}; total $(( $(date +%s) - run_started )) s"
exit "$status"
