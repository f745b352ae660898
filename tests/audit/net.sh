# net.sh: what the loopback test servers share (sourced by with_server.sh
# and with_site.sh).

# A free port on 127.0.0.1 (bound to port 0 by python, then released:
# another test may take it before the server does; callers retry).
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Waits until 127.0.0.1:$1 accepts a connection; false after 10 s.
answers() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}
