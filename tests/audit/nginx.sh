#!/bin/sh
# nginx.sh SCRATCH PORT [CONF_SNIPPET]: runs the real nginx in the
# foreground as the current user, everything (pid, temp paths, logs to
# stderr) inside SCRATCH, listening on 127.0.0.1:PORT only. The server
# block's body is CONF_SNIPPET (a file), with @ROOT@ replaced by SCRATCH.
# For with_server.sh.
set -eu
scratch=$(cd "$1" && pwd)
port=$2
snippet=${3:-}
nginx=${NGINX:-/usr/sbin/nginx}
mkdir -p "$scratch/.nginx/tmp"
body=""
[ -n "$snippet" ] && body=$(sed "s|@ROOT@|$scratch|g" "$snippet")
cat >"$scratch/.nginx/nginx.conf" <<CONF
worker_processes 1;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $scratch/.nginx/tmp/body;
	proxy_temp_path $scratch/.nginx/tmp/proxy;
	fastcgi_temp_path $scratch/.nginx/tmp/fastcgi;
	uwsgi_temp_path $scratch/.nginx/tmp/uwsgi;
	scgi_temp_path $scratch/.nginx/tmp/scgi;
	types { text/html html; text/plain txt; text/csv csv; application/xml xml; }
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:$port;
		root $scratch;
		$body
	}
}
CONF
exec "$nginx" -p "$scratch/.nginx" -c "$scratch/.nginx/nginx.conf" \
	-g "daemon off; pid $scratch/.nginx/nginx.pid; error_log stderr;"
