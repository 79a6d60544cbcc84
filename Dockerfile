# Redriva: one Bun process (web UI, JSON and qBittorrent APIs, jobs) with its aria2c and ffprobe.
# Debian-based; BASE_IMAGE swaps the base (any Debian bookworm image: debian:bookworm-slim, or one
# made with debootstrap where no registry is reachable).
ARG BASE_IMAGE=debian:bookworm-slim

# --- build: Bun from the npm registry, then the production dependencies ----------------------
FROM ${BASE_IMAGE} AS build
ARG BUN_VERSION=1.4.5
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates nodejs npm \
 && rm -rf /var/lib/apt/lists/*
# An HTTPS proxy's CA, when the build passes one as the secret "npm_ca", serves these two steps
# only: it never lands in a layer.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca npm_config_cafile=/run/secrets/npm_ca; fi \
 && npm install --global --no-audit --no-fund "bun@${BUN_VERSION}" \
 && mkdir -p /opt/bun \
 && cp "$(readlink -f "$(npm root --global)/bun/bin/bun.exe")" /opt/bun/bun \
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
