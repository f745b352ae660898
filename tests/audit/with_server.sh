#!/bin/sh
# with_server.sh [--var NAME] [--timeout SECS] 'SERVER COMMAND' -- TEST...
#
# Runs a test against a server on loopback that stops itself: picks a
# free 127.0.0.1 port (bound to port 0 by python, then released), exports
# it as $NAME (default PORT), starts SERVER COMMAND (a shell snippet that
# reads $NAME) in its own process group, waits until the port answers,
# runs TEST (a command and its arguments, with $NAME in its environment)
# and kills the server's process group on every way out. Both are cut
# after SECS (default 60), so nothing outlives a hung test. Nest it for
# several servers. The exit status is TEST's; 3 when the server never
# came up (its stderr is shown).
set -u
var=PORT
secs=60
while [ $# -gt 0 ]; do
	case $1 in
	--var) var=$2; shift 2 ;;
	--timeout) secs=$2; shift 2 ;;
	*) break ;;
	esac
done
server=$1
shift
[ "${1:-}" = "--" ] && shift
. "$(cd "$(dirname "$0")" && pwd)/net.sh"
port=$(free_port)
export "$var=$port"
log=$(mktemp "${TMPDIR:-/tmp}/with_server.XXXXXX")
setsid timeout "$secs" sh -c "$server" >"$log" 2>&1 &
spid=$!
# TERM to timeout, which passes it on, so the server reaps its own
# workers; whatever is left of the group after 5 s is killed
stop() {
	kill -TERM "$spid" 2>/dev/null
	i=0
	while kill -0 "$spid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL -- "-$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	rm -f "$log"
}
trap 'stop' EXIT
trap 'exit 130' INT TERM
if ! answers "$port"; then
	echo "with_server.sh: the server did not come up on 127.0.0.1:$port" >&2
	cat "$log" >&2
	exit 3
fi
timeout "$secs" "$@"
