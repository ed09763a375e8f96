#!/usr/bin/env bash
# A copy of the workplace tool ../shared/tools/jdk21.sh, kept here so that a clean clone can run CI on its own.
# Puts a working JDK 21 at ${JDK21:-/opt/jdk21} on a Debian bookworm machine, whose own archive has no JDK 21.
# Debian trixie's openjdk-21 needs glibc 2.38+ (bookworm has 2.36), so its packages and trixie's glibc are
# unpacked (never installed) and every bin/ tool becomes a wrapper that starts the real one through trixie's
# loader, a copy of which sits in bin/ (the launchers find their home from the running executable's folder).
# Child processes of `java` are forked (the spawn helper would start under the host's glibc).
# Idempotent; prints the java -version line. Needs root (apt-get update with a temporary trixie source).
set -euo pipefail
DEST=${JDK21:-/opt/jdk21}
if [ -x "$DEST/bin/java" ] && "$DEST/bin/java" -version 2>&1 | grep -q '"21\.'; then
  "$DEST/bin/java" -version 2>&1 | head -1; exit 0
fi
work=$(mktemp -d); src=/etc/apt/sources.list.d/jdk21-trixie-probe.sources
cleanup() { rm -f "$src"; apt-get update -q >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
cat > "$src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt-get update -q >/dev/null
(cd "$work" && apt-get download -q openjdk-21-jre-headless openjdk-21-jdk-headless libc6 libgcc-s1 libstdc++6 zlib1g >/dev/null)
for f in "$work"/*.deb; do dpkg -x "$f" "$work/root"; done
J="$work/root/usr/lib/jvm/java-21-openjdk-amd64"
rm -rf "$DEST"; cp -a "$J" "$DEST"
# Debian keeps conf/ as links into /etc: copy the real files from the unpacked tree.
find "$DEST" -type l -lname '/etc/*' | while read -r l; do
  t=$(readlink "$l"); if [ -e "$work/root$t" ]; then rm "$l"; cp -aL "$work/root$t" "$l"; fi
done
mkdir -p "$DEST/glibc"; cp -a "$work/root/usr/lib/x86_64-linux-gnu/." "$DEST/glibc/"
mv "$DEST/bin" "$DEST/bin-real"; mkdir "$DEST/bin"
cp "$DEST/glibc/ld-linux-x86-64.so.2" "$DEST/bin/ld-linux-x86-64.so.2"
for b in "$DEST"/bin-real/*; do
  n=$(basename "$b"); extra=""; [ "$n" = java ] && extra="-Djdk.lang.Process.launchMechanism=FORK"
  printf '#!/bin/sh\nexec %s/bin/ld-linux-x86-64.so.2 --library-path %s/glibc:%s/lib:%s/lib/server --argv0 "$0" %s/bin-real/%s %s "$@"\n' \
    "$DEST" "$DEST" "$DEST" "$DEST" "$DEST" "$n" "$extra" > "$DEST/bin/$n"
  chmod +x "$DEST/bin/$n"
done
"$DEST/bin/java" -version 2>&1 | head -1
