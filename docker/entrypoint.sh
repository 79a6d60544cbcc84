#!/bin/sh
# Runs as root only long enough to give the redriva user the uid/gid of PUID/PGID (linuxserver's
# convention) and make /config its own, then becomes that user and execs Redriva: tini's one
# child is Bun itself, so SIGTERM reaches it directly.
set -eu

umask "${UMASK:-022}"

if [ "$(id -u)" != "0" ]; then
  # Started with --user: nothing to change, nothing we could change.
  exec "$@"
fi

PUID="${PUID:-1000}"
PGID="${PGID:-1000}"
case "$PUID$PGID" in
  *[!0-9]*) echo "PUID and PGID must be numbers (got PUID=$PUID PGID=$PGID)" >&2; exit 2 ;;
esac

getent group "$PGID" >/dev/null || groupadd --gid "$PGID" redriva
if ! getent passwd "$PUID" >/dev/null; then
  useradd --uid "$PUID" --gid "$PGID" --home-dir /config --no-create-home --shell /usr/sbin/nologin redriva
fi

# The database must stay writable when PUID changes between two runs: only /config, never the
# user's downloads or media.
data_dir="${DATA_DIR:-/config}"
mkdir -p "$data_dir"
if [ "$(stat -c %u:%g "$data_dir")" != "$PUID:$PGID" ]; then
  chown -R "$PUID:$PGID" "$data_dir"
fi

export HOME="$data_dir"
# Redriva logs on stderr (its CLI keeps stdout for output); a container's log is its stdout.
exec 2>&1
exec setpriv --reuid="$PUID" --regid="$PGID" --clear-groups -- "$@"
