#!/bin/sh
# install-deps.sh: installs the Debian packages leakguard builds, tests and
# benchmarks with. Idempotent: installs only what is missing; needs root (or
# sudo) only when something is missing.
set -eu

BUILD="build-essential cmake pkg-config gettext clang libclang-rt-14-dev
 libhyperscan-dev libuchardet-dev libjansson-dev libcmocka-dev libssl-dev
 libyaml-dev libpcre2-dev zlib1g-dev libsqlite3-dev libcurl4-openssl-dev
 libxxhash-dev libarchive-dev libmagic-dev libgmime-3.0-dev libexpat1-dev
 libpoppler-glib-dev libmecab-dev mecab-ipadic-utf8
 clang-format python3 ripgrep time goaccess zip p7zip-full zstd xz-utils bzip2 lhasa nginx-light
 libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"

missing=""
for p in $BUILD; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install:$missing" >&2; exit 2; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# nginx is for the audit tests, which start their own on 127.0.0.1: its
# package must not start the system service (port 80 on every address)
# while it is installed here. policy-rc.d says no to service starts.
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	made_policy=1
fi
trap 'if [ -n "$made_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi' EXIT
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
