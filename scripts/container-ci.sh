#!/usr/bin/env bash
# CI's container test (.ci/run, after the suite): runs scripts/container-test.sh wherever the
# machine can, else prints one line saying why it did not. Exit 1 only when it ran and failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

# "The machine can": root, user namespaces, podman installed or installable from apt's sources.
# A clean machine's first run builds everything (debootstrap, then the image) and prints each
# stage's time; its cache (REDRIVA_CONTAINER_CACHE) makes later runs quicker. The limit keeps a
# stuck build from eating CI's time. REDRIVA_CONTAINER_TEST=0 skips it.
container_limit_minutes=50
podman_installable() {
  command -v podman >/dev/null 2>&1 && return 0
  apt-cache policy podman 2>/dev/null | grep -q 'Candidate: [0-9]' && return 0
  apt-get update -qq >/dev/null 2>&1 || true
  apt-cache policy podman 2>/dev/null | grep -q 'Candidate: [0-9]'
}
if [ "${REDRIVA_CONTAINER_TEST:-}" = "0" ]; then
  echo "container test skipped: REDRIVA_CONTAINER_TEST=0"
elif [ "$(id -u)" != "0" ]; then
  echo "container test skipped: rootful podman needs root (this CI runs as $(id -un))"
elif ! unshare --user --map-root-user true 2>/dev/null; then
  echo "container test skipped: user namespaces are not available on this machine"
elif ! podman_installable; then
  echo "container test skipped: podman is neither installed nor installable from apt's sources"
else
  container_started=$(date +%s)
  set +e
  timeout --kill-after=60 "${container_limit_minutes}m" bun run test:container
  container_status=$?
  set -e
  container_seconds=$(( $(date +%s) - container_started ))
  if [ "$container_status" = "0" ]; then
    echo "container test passed in ${container_seconds} s"
  elif [ "$container_status" = "124" ] || [ "$container_status" = "137" ]; then
    echo "container test failed: still running after ${container_limit_minutes} min"
    exit 1
  else
    echo "container test failed (exit ${container_status}) after ${container_seconds} s"
    exit 1
  fi
fi
