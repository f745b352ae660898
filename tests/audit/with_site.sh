#!/bin/sh
# with_site.sh SITE COMMAND...: runs COMMAND against a test site for
# `audit cache`: the origin (site/backend.py) behind a real nginx
# (Debian's nginx-light) configured as site/SITE.conf, both on 127.0.0.1
# at free ports, everything in a private scratch folder. COMMAND sees
# $SITE (http://127.0.0.1:PORT); both servers are stopped when it ends,
# fails or runs over 120 s. Exit status: COMMAND's, or 3 when the site
# does not come up. Nothing listens beyond loopback.
set -u
here=$(cd "$(dirname "$0")" && pwd)
conf=$here/site/$1.conf
shift
[ -f "$conf" ] || { echo "with_site.sh: no site $conf" >&2; exit 3; }
mode=$(sed -n 's/^# backend: //p' "$conf")
nginx=${NGINX:-/usr/sbin/nginx}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lgsite.XXXXXX")
bpid=
npid=
stop() {
	[ -n "$npid" ] && kill "$npid" 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$scratch"
}
trap stop EXIT
trap 'exit 2' INT TERM HUP

. "$here/net.sh"

python3 "$here/site/backend.py" "$mode" "$scratch/backend.port" \
	2>"$scratch/backend.log" &
bpid=$!
i=0
while [ ! -s "$scratch/backend.port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -s "$scratch/backend.port" ] || { echo "with_site.sh: the origin did not start" >&2; cat "$scratch/backend.log" >&2; exit 3; }
backend=$(cat "$scratch/backend.port")

# another test may take the port between free_port and nginx: try again
for try in 1 2 3 4 5; do
	port=$(free_port)
	sed -e "s|@SCRATCH@|$scratch|g" -e "s|@PORT@|$port|g" \
		-e "s|@BACKEND@|$backend|g" "$here/site/common.inc" \
		>"$scratch/common.inc"
	sed -e "s|@SCRATCH@|$scratch|g" -e "s|@PORT@|$port|g" \
		-e "s|@BACKEND@|$backend|g" "$conf" >"$scratch/nginx.conf"
	"$nginx" -p "$scratch" -c "$scratch/nginx.conf" \
		-g "daemon off; pid $scratch/nginx.pid; error_log stderr;" \
		2>>"$scratch/nginx.log" &
	npid=$!
	if answers "$port" && kill -0 "$npid" 2>/dev/null; then
		break
	fi
	kill "$npid" 2>/dev/null
	wait "$npid" 2>/dev/null
	npid=
done
[ -n "$npid" ] || { echo "with_site.sh: nginx did not start" >&2; cat "$scratch/nginx.log" >&2; exit 3; }

SITE=http://127.0.0.1:$port
export SITE
timeout 120 "$@"
