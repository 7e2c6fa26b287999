#!/usr/bin/env bash
# Runs the test suite (or any command) on Debian 13 (trixie: QGIS 3.40, Python 3.13, numpy 2, GDAL 3.10)
# from a Debian 12 machine, in a chroot made with debootstrap. Needs root and Debian's package mirror.
#
#   sudo scripts/check_debian13.sh                    # the whole suite: scripts/test.sh -q
#   sudo scripts/check_debian13.sh scripts/demo.sh    # the main job
#
# The chroot (CHROOT, default /var/tmp/palsar2-trixie, ~2.5 GB) is kept for the next run; the
# committed HEAD of this checkout is cloned into it afresh each time (nothing beside it: the tests read
# only the repository).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHROOT=${CHROOT:-/var/tmp/palsar2-trixie}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "check_debian13: run as root (debootstrap and chroot need it)" >&2; exit 1; }
[ $# -gt 0 ] || set -- scripts/test.sh -q

if [ ! -x "$CHROOT/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
  echo "check_debian13: creating a Debian 13 chroot in $CHROOT"
  debootstrap --variant=minbase trixie "$CHROOT" "$MIRROR" >/dev/null
fi

# the host's name resolution and certificate authorities (package and PyPI proxies may need them)
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
mkdir -p "$CHROOT/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$CHROOT/usr/local/share/ca-certificates/" 2>/dev/null || true

mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
for fs in proc sys dev; do
  mountpoint -q "$CHROOT/$fs" && continue
  if [ "$fs" = proc ]; then mount -t proc proc "$CHROOT/proc"; else mount --rbind "/$fs" "$CHROOT/$fs"; fi
  mounted+=("$CHROOT/$fs")
done

rm -rf "$CHROOT/work"
mkdir -p "$CHROOT/work"
git clone -q "$ROOT" "$CHROOT/work/main"

chroot "$CHROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt /bin/bash -c '
  set -euo pipefail
  if ! command -v git >/dev/null || ! command -v update-ca-certificates >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends git ca-certificates python3 >/dev/null
  fi
  update-ca-certificates >/dev/null 2>&1 || true
  cd /work/main
  echo "check_debian13: Debian $(cat /etc/debian_version), $(python3 --version)"
  exec "$@"' bash "$@"
