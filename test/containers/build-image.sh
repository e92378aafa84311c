#!/usr/bin/env bash
# Builds the hls-studio image from the repo's Dockerfile on a machine with no container registry:
# local stand-ins replace the registry base images (a debootstrapped Debian bookworm, and a Node image
# made by copying this machine's Node into it), and the Dockerfile's base-image build args point at them.
# Prints the image's name (localhost/hls-studio:<hash>) as the last line of stdout.
#
# The image is cached by a hash of everything that goes into it (Dockerfile, .dockerignore, lockfile and
# the build context's tracked files), so a rerun with no change returns at once.
#
# Env: NODE_EXTRA_CA_CERTS or SSL_CERT_FILE: a CA bundle handed to npm in the build (a TLS proxy's);
#      HLS_CONTAINER_CACHE (default /var/tmp/hls-studio-containers) holds the debootstrap tree;
#      HLS_IMAGE_REBUILD=1 forces a build even when the tagged image exists;
#      WITH_RENDERER=1 also builds the browser UI into the image (for `hls-studio serve`).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${HLS_CONTAINER_CACHE:-/var/tmp/hls-studio-containers}
debian_image=localhost/debian:bookworm-slim
node_major=$(node -p 'process.versions.node.split(".")[0]')
node_image=localhost/node:${node_major}-bookworm-slim
with_renderer=${WITH_RENDERER:-0}
# The default OCI runtime (crun) fails on this host's cgroup v1 hybrid, and setrlimit to podman's
# default ulimits is refused: runc and explicit ulimits work.
podman=(podman --runtime runc)
limits=(--ulimit nofile=1024:4096 --ulimit nproc=4096:4096)

log() { echo "[build-image] $*" >&2; }

make_debian_base() {
  "${podman[@]}" image exists "$debian_image" && return
  local root="$cache/bookworm-minbase"
  if [[ ! -x "$root/usr/bin/apt-get" ]]; then
    log "debootstrap --variant=minbase bookworm (a minute or two)"
    rm -rf "$root" && mkdir -p "$cache"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >&2
  fi
  # What debian:bookworm-slim adds to a minbase tree: updates and security sources, and no docs, man
  # pages or locales from later apt-get installs.
  cat >"$root/etc/apt/sources.list" <<'SOURCES'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
  log "podman import $debian_image"
  tar -C "$root" -c . | "${podman[@]}" import --change 'CMD ["bash"]' - "$debian_image" >&2
}

# Like the official node:*-bookworm-slim: node in /usr/local/bin, npm beside it, a `node` user (1000).
make_node_base() {
  "${podman[@]}" image exists "$node_image" && return
  local ctx
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' RETURN
  cp "$(command -v node)" "$ctx/node"
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm"
  cat >"$ctx/Containerfile" <<CONTAINERFILE
FROM $debian_image
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
CMD ["node"]
CONTAINERFILE
  log "podman build $node_image from this machine's Node $(node --version)"
  "${podman[@]}" build "${limits[@]}" --network host -t "$node_image" "$ctx" >&2
}

context_hash() {
  cd "$repo"
  {
    sha256sum Dockerfile .dockerignore package.json package-lock.json
    echo "renderer=$with_renderer node=$node_image"
    # Tracked and new files of the build context, as the working tree has them (not only as committed).
    git ls-files -z --cached --others --exclude-standard -- bin src presets tsconfig.json tsconfig.build.json \
      $([[ $with_renderer == 1 ]] && echo renderer) |
      sort -z | xargs -0 sha256sum 2>/dev/null || true
  } | sha256sum | cut -c1-16
}

make_debian_base
make_node_base
image=localhost/hls-studio:$(context_hash)
if [[ ${HLS_IMAGE_REBUILD:-0} != 1 ]] && "${podman[@]}" image exists "$image"; then
  log "cached: $image"
else
  log "podman build $image"
  # A TLS-inspecting proxy's CA (this machine has one) reaches npm as a build secret, not a layer.
  secret=()
  ca=${NODE_EXTRA_CA_CERTS:-${SSL_CERT_FILE:-}}
  [[ -s $ca ]] && secret=(--secret "id=ca,src=$ca")
  start=$(date +%s)
  "${podman[@]}" build "${limits[@]}" --network host "${secret[@]}" \
    --build-arg NODE_IMAGE="$node_image" \
    --build-arg RUNTIME_IMAGE="$debian_image" \
    --build-arg WITH_RENDERER="$with_renderer" \
    -t "$image" -t localhost/hls-studio:latest -f "$repo/Dockerfile" "$repo" >&2
  log "built in $(($(date +%s) - start)) s"
  # Earlier builds' tags go (their layers stay while a newer image or the build cache shares them).
  "${podman[@]}" images --filter reference=localhost/hls-studio --format '{{.Repository}}:{{.Tag}}' |
    grep -v -e ":latest$" -e "^$image$" | xargs -r "${podman[@]}" rmi >/dev/null 2>&1 || true
fi
echo "$image"
