#!/usr/bin/env bash
# Builds the container image with Jib where neither a Docker daemon nor a registry is reachable:
# the base image comes from a local tarball (k8s/image/base-from-host.sh makes one from this
# machine's JDK 17 unless BASE names another `docker save` tarball), and the image goes to a local
# tarball (Jib's "Docker daemon" target, with k8s/image/docker-load-to-tar standing in for docker).
# Load the result with `docker load -i`, `podman load -i`, `skopeo copy docker-archive:...` or
# `crane push`. With --run it also starts the image's filesystem under chroot (root only) against
# the local PostgreSQL and Redis, waits for readiness, sends SIGTERM and expects exit status 0.
#   k8s/image/build-offline.sh [--run]
# Output: target/image/repeater-dispatch.tar (IMAGE_TAR to change).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN_CHECK=${1:-}
BASE=${BASE:-target/image/base-jre17.tar}
export IMAGE_TAR=${IMAGE_TAR:-$PWD/target/image/repeater-dispatch.tar}
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)

[ -f "$BASE" ] || k8s/image/base-from-host.sh "$BASE"
rm -f "$IMAGE_TAR"
./mvnw -B -q package -Pimage -DskipTests \
  -Dquarkus.jib.base-jvm-image="tar://$PWD/$BASE" \
  -Dquarkus.jib.docker-executable-name="$PWD/k8s/image/docker-load-to-tar" \
  -Dquarkus.jib.jvm-entrypoint=/opt/run-java.sh \
  -Dquarkus.container-image.tag="$VERSION"
[ -s "$IMAGE_TAR" ] || { echo "[build-offline] no image written to $IMAGE_TAR" >&2; exit 1; }

# What the image says of itself (its manifest and config, read from the tarball).
node - "$IMAGE_TAR" <<'JS'
const { execFileSync } = require('node:child_process');
const tar = process.argv[2];
const read = name => execFileSync('tar', ['-xOf', tar, name], { maxBuffer: 1 << 20 }).toString();
const manifest = JSON.parse(read('manifest.json'))[0];
const c = JSON.parse(read(manifest.Config)).config;
const sizes = execFileSync('tar', ['-tvf', tar]).toString().split('\n')
  .map(line => line.trim().split(/\s+/)).filter(f => manifest.Layers.includes(f[5])).map(f => Number(f[2]));
console.log(`[build-offline] ${tar}: ${JSON.stringify(manifest.RepoTags)}, ${sizes.length} layers, ` +
  `${Math.round(sizes.reduce((x, y) => x + y, 0) / 2 ** 20)} MiB; entrypoint ${JSON.stringify(c.Entrypoint)}, ` +
  `user ${c.User}, workdir ${c.WorkingDir}, ports ${JSON.stringify(Object.keys(c.ExposedPorts || {}))}`);
JS

[ "$RUN_CHECK" = --run ] || exit 0

# ---- run the image's filesystem: start, readiness, SIGTERM -> 0 ----------------------------------
[ "$(id -u)" = 0 ] || { echo "[build-offline] --run needs root (chroot)" >&2; exit 1; }
PORT=${IMAGE_CHECK_PORT:-28320}
DB="rd_imgcheck_$(date +%s)_$$"
WORK=$(mktemp -d)
PID=
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true
  umount "$WORK/rootfs/proc" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 --scan --pattern "rd-imgcheck:$DB:*" | xargs -r redis-cli -h 127.0.0.1 DEL >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ROOT=$WORK/rootfs
mkdir -p "$ROOT"
# every layer in the manifest's order, each unpacked over the ones before (tar detects gzip itself)
tar -xOf "$IMAGE_TAR" manifest.json \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].Layers.join("\n")))' \
  | while read -r layer; do
      tar -xOf "$IMAGE_TAR" "$layer" > "$WORK/layer"
      tar -xf "$WORK/layer" -C "$ROOT" --numeric-owner
    done
rm -f "$WORK/layer"
# What a container runtime provides and an image does not hold (the loader resolves java's
# $ORIGIN rpath through /proc/self/exe).
mkdir -p "$ROOT/dev" "$ROOT/proc"
mount -t proc proc "$ROOT/proc"
for d in null:3 zero:5 random:8 urandom:9; do mknod -m 666 "$ROOT/dev/${d%:*}" c 1 "${d#*:}"; done
cp /etc/resolv.conf /etc/hosts "$ROOT/etc/" 2>/dev/null || true
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
env -i PATH=/opt/java/bin:/bin HOME=/home/jboss PORT="$PORT" JAVA_OPTS_APPEND="-XX:+UseSerialGC -XX:MaxRAM=768m -XX:MaxRAMPercentage=25" \
  DB_REACTIVE_URL="postgresql://127.0.0.1:5432/$DB" DB_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" \
  DISPATCH_LOCK_KEY_PREFIX="rd-imgcheck:$DB:" REPEATER_ADMIN_TOKENS=check:admin:image-check-token \
  SECRETS_KEYS=dev:cmVwZWF0ZXItZGlzcGF0Y2gtZGV2LWtleS0wMDAwMDA= SECRETS_ACTIVE_KEY=dev \
  "$(command -v chroot)" --userspec=185:185 "$ROOT" /bin/sh -c 'cd /home/jboss && exec /opt/run-java.sh' > "$WORK/app.log" 2>&1 &
PID=$!
end=$((SECONDS + 90))
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
  kill -0 "$PID" 2>/dev/null && [ $SECONDS -lt $end ] || { tail -30 "$WORK/app.log" >&2; echo "[build-offline] image did not get ready" >&2; exit 1; }
  sleep 0.5
done
kill -TERM "$PID"
set +e; wait "$PID"; RC=$?; set -e
PID=
grep -E 'repeater-dispatch .* started|shutdown: finished' "$WORK/app.log" | sed 's/^/  /' || true
[ "$RC" -eq 0 ] || { tail -30 "$WORK/app.log" >&2; echo "[build-offline] exit status $RC after SIGTERM, expected 0" >&2; exit 1; }
echo "[build-offline] the image's filesystem started, answered /q/health/ready and exited 0 on SIGTERM"
