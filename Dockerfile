# Redriva: one Bun process (web UI, JSON and qBittorrent APIs, jobs) with its aria2c and ffprobe.
# Debian-based; BASE_IMAGE swaps the base (any Debian bookworm image: debian:bookworm-slim, or one
# made with debootstrap where no registry is reachable).
ARG BASE_IMAGE=debian:bookworm-slim

# --- build: Bun from the npm registry, then the production dependencies ----------------------
FROM ${BASE_IMAGE} AS build
ARG BUN_VERSION=1.4.5
ARG NPM_REGISTRY=https://registry.npmjs.org
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
# Bun's own binary package (@oven/bun-linux-<arch>, what `npm install bun` picks), checked against
# the integrity the registry publishes for it: no Node.js or npm needed. An HTTPS proxy's CA, when
# the build passes one as the secret "npm_ca", serves the steps that reach the registry only: it
# never lands in a layer.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export CURL_CA_BUNDLE=/run/secrets/npm_ca; fi \
 && case "$(dpkg --print-architecture)" in \
      amd64) if grep -qw avx2 /proc/cpuinfo; then arch=x64; else arch=x64-baseline; fi ;; \
      arm64) arch=aarch64 ;; \
      *) echo "Bun has no Linux build for $(dpkg --print-architecture)" >&2; exit 1 ;; \
    esac \
 && meta=$(curl -fsSL --retry 3 "${NPM_REGISTRY}/@oven/bun-linux-${arch}/${BUN_VERSION}") \
 && tarball=$(printf '%s' "$meta" | sed -n 's/.*"tarball": *"\([^"]*\)".*/\1/p') \
 && integrity=$(printf '%s' "$meta" | sed -n 's/.*"integrity": *"sha512-\([^"]*\)".*/\1/p') \
 && curl -fsSL --retry 3 -o /tmp/bun.tgz "$tarball" \
 && expected=$(printf '%s' "$integrity" | base64 -d | od -An -v -tx1 | tr -d ' \n') \
 && actual=$(sha512sum /tmp/bun.tgz | cut -d' ' -f1) \
 && if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then echo "bun.tgz: integrity mismatch" >&2; exit 1; fi \
 && mkdir -p /opt/bun \
 && tar -xzf /tmp/bun.tgz -C /opt/bun --strip-components=2 package/bin/bun \
 && rm /tmp/bun.tgz \
 && ln -sf /opt/bun/bun /usr/local/bin/bun \
 && bun --version
WORKDIR /app
COPY package.json bun.lock ./
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && bun install --frozen-lockfile --production --ignore-scripts
COPY src ./src
COPY views ./views
COPY public ./public
COPY schema ./schema
COPY tsconfig.json ./

# --- runtime ---------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
# tini: PID 1 that hands SIGTERM to Redriva and reaps what it leaves. aria2c downloads, ffprobe
# checks media, tzdata serves TZ, setpriv (util-linux) drops root to PUID:PGID, unar extracts
# downloaded archives (RAR 5 and multi-volume sets, ZIP, 7z; Debian's 7zip has no RAR codec).
RUN apt-get update \
 && apt-get install -y --no-install-recommends aria2 ffmpeg tini tzdata ca-certificates util-linux unar \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY --from=build /opt/bun/bun /usr/local/bin/bun
COPY --from=build /app /app
COPY docker/entrypoint.sh /usr/local/bin/redriva-entrypoint
COPY docker/healthcheck.ts /app/docker/healthcheck.ts
RUN chmod 0755 /usr/local/bin/redriva-entrypoint \
 && mkdir -p /config /downloads /media

ENV DATA_DIR=/config \
    DOWNLOAD_DIR=/downloads \
    PORT=6500 \
    PUID=1000 \
    PGID=1000 \
    UMASK=022 \
    TZ=Etc/UTC \
    LOG_FORMAT=json \
    NODE_ENV=production \
    BUN_RUNTIME_TRANSPILER_CACHE_PATH=0
WORKDIR /app
# /config: database, backups, reports, aria2 session. /downloads: finished grabs. /media: the
# library the symlink checker scans. The debrid (rclone) mount is a bind mount of its own
# (compose.yaml), not a volume: an empty volume would hide the mount.
VOLUME ["/config", "/downloads", "/media"]
EXPOSE 6500
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/bun", "/app/docker/healthcheck.ts"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/redriva-entrypoint"]
CMD ["/usr/local/bin/bun", "/app/src/main.ts"]
