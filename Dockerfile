# syntax=docker/dockerfile:1
# HLS Studio as an OCI image: the CLI is the entrypoint and `worker` the default command, so one image
# serves the BullMQ worker Deployment (`hls-studio worker --queue redis://…`) and one-off encode Jobs
# (`hls-studio encode s3://… --out s3://…`). See docs/containers.md.
#
#   docker build -t hls-studio .
#   podman build --build-arg NODE_IMAGE=… --build-arg RUNTIME_IMAGE=… -t hls-studio .
#
# Base images are build arguments so a mirror, a pinned digest or a local stand-in can replace them
# (test/containers/build-image.sh builds both from debootstrap where no registry can be reached).
ARG NODE_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- build: every dependency, the TypeScript build ------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied, electron's postinstall and
# ffmpeg-static's install download binaries the image does not use (it takes Debian's ffmpeg).
# The optional secret `ca` is a CA bundle for a TLS-inspecting proxy between the build and the npm
# registry (`--secret id=ca,src=…`); it is mounted for the one command, never stored in a layer.
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npx tsc -p tsconfig.build.json
# The browser UI is only for `hls-studio serve`; the worker and `encode` never load it.
ARG WITH_RENDERER=0
COPY renderer renderer
RUN if [ "$WITH_RENDERER" = 1 ]; then npx vite build --config renderer/vite.config.ts --logLevel warn; fi

# --- deps: production node_modules only ---------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
# --omit=optional leaves out ffmpeg-static and @ffprobe-installer (the image runs Debian's ffmpeg).
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- node: only the binary is taken from the Node image ------------------------------------------------
FROM ${NODE_IMAGE} AS node

# --- runtime: Debian's ffmpeg, Node, the built CLI, a non-root user -----------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# tini as PID 1: it forwards SIGTERM to the CLI alone (not to its ffmpeg children, so the worker decides
# whether to finish or hand back its job) and reaps the ffmpeg processes the CLI leaves behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY --from=node /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 10001 hls \
 && useradd --uid 10001 --gid hls --home-dir /home/hls --create-home --shell /usr/sbin/nologin hls \
 && node --version && ffmpeg -hide_banner -version | head -n 1
WORKDIR /app
COPY --from=deps /src/node_modules node_modules
COPY package.json ./
COPY presets presets
COPY bin bin
COPY --from=build /src/dist dist
RUN ln -s /app/bin/hls-studio.js /usr/local/bin/hls-studio
# The env override comes first in the CLI's lookup (src/node/ffmpeg/binaries.ts): no guessing in the image.
ENV NODE_ENV=production \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    FFPROBE_PATH=/usr/bin/ffprobe
USER 10001:10001
WORKDIR /home/hls
# No HEALTHCHECK: the worker serves no port, Kubernetes ignores the instruction, and a worker that dies
# ends the container (the queue hands its job to another worker when the job's lock expires).
ENTRYPOINT ["/usr/bin/tini", "--", "hls-studio"]
CMD ["worker"]
