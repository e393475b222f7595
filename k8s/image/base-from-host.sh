#!/usr/bin/env bash
# Makes a JVM base image tarball (`docker save` format) from this machine's JDK 17, for building
# the image where no registry is reachable (k8s/image/build-offline.sh). It holds a jlink'ed Java
# 17 runtime in /opt/java, the shared libraries it links against (copied from this host), /bin/sh
# and sleep (for the Deployment's preStop), a user 185 ("jboss", as in the UBI OpenJDK images) and
# /opt/run-java.sh, which starts /home/jboss/quarkus-run.jar with $JAVA_OPTS $JAVA_OPTS_APPEND.
# A stand-in for a maintained base image: use registry.access.redhat.com/ubi9/openjdk-17-runtime
# (or your organisation's) wherever a registry is reachable.
#   k8s/image/base-from-host.sh [output.tar]      (default target/image/base-jre17.tar)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-target/image/base-jre17.tar}
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
MODULES=java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.jfr,jdk.naming.dns,jdk.zipfs,jdk.net,jdk.jcmd
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/rootfs
mkdir -p "$ROOT"/{bin,etc,opt,tmp,home/jboss} "$(dirname "$OUT")"

"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$ROOT/opt/java"
cp -L /bin/dash "$ROOT/bin/sh"
cp -L /bin/sleep "$ROOT/bin/sleep"

# Every shared library the runtime, sh and sleep load, at the path the loader looks for it
# ("not found" ones belong to AWT's X11 and sound parts, never loaded headless).
find "$ROOT/opt/java" "$ROOT/bin" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
  | xargs -0 ldd 2>/dev/null | grep -v ':$' | grep -oE '(^\s*|=> )/[^ ]+' | sed -E 's/^(\s*|=> )//' | sort -u \
  | grep -v "^$ROOT/" | while read -r lib; do cp -L --parents "$lib" "$ROOT"; done

cat > "$ROOT/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
jboss:x:185:185:jboss:/home/jboss:/sbin/nologin
P
printf 'root:x:0:\njboss:x:185:\n' > "$ROOT/etc/group"
cat > "$ROOT/opt/run-java.sh" <<'R'
#!/bin/sh
# Entry point: the application's fast-jar with $JAVA_OPTS and $JAVA_OPTS_APPEND, like run-java.sh
# of the UBI OpenJDK images (the Deployment sets JAVA_OPTS_APPEND). exec: java gets the signals.
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager $JAVA_OPTS $JAVA_OPTS_APPEND \
  -jar /home/jboss/quarkus-run.jar "$@"
R
chmod 755 "$ROOT/opt/run-java.sh"

# One layer, files owned by root except /home/jboss (185), fixed times and order, no atime/ctime:
# the same host gives the same layer (GNU tar's reproducible-archive options).
chmod 1777 "$ROOT/tmp"
REPRODUCIBLE=(--format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime
  --sort=name --mtime=@0 --numeric-owner)
tar -C "$ROOT" "${REPRODUCIBLE[@]}" --owner=0 --group=0 --exclude=./home/jboss -cf "$WORK/layer.tar" .
tar -C "$ROOT" "${REPRODUCIBLE[@]}" --owner=185 --group=185 --no-recursion -rf "$WORK/layer.tar" ./home/jboss
DIGEST=$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)
cat > "$WORK/config.json" <<JSON
{"architecture": "amd64", "os": "linux",
 "config": {"Env": ["PATH=/opt/java/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
            "User": "185", "WorkingDir": "/home/jboss", "Entrypoint": ["/opt/run-java.sh"]},
 "rootfs": {"type": "layers", "diff_ids": ["sha256:$DIGEST"]},
 "history": [{"created_by": "k8s/image/base-from-host.sh"}]}
JSON
echo '[{"Config": "config.json", "RepoTags": ["local/jre17-from-host:latest"], "Layers": ["layer.tar"]}]' > "$WORK/manifest.json"
tar -C "$WORK" -cf "$OUT" manifest.json config.json layer.tar
echo "[base-from-host] $OUT ($(du -h "$OUT" | cut -f1)): Java $("$ROOT/opt/java/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2), modules $MODULES"
