# Starts a fresh in-memory pouchdb-server on a free loopback port for a shell
# test: sets COUCH_URL, stops it at exit. Source after tap.sh. Returns 1 when
# pouchdb-server is not installed (the caller should plan_skip).
couch_start() {
	bin=${FSSTUDIO_POUCHDB:-$HOME/.cache/fsstudio/pouchdb}/node_modules/.bin/pouchdb-server
	[ -x "$bin" ] || return 1
	COUCH_DIR=$(mktemp -d "$tap_tmp/couch-XXXXXX")
	COUCH_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + $$ % 20000)))
	(cd "$COUCH_DIR" && NODE_OPTIONS=--unhandled-rejections=warn exec "$bin" -o 127.0.0.1 \
		-p "$COUCH_PORT" --in-memory >server.out 2>&1) &
	COUCH_PID=$!
	at_exit couch_stop
	COUCH_URL=http://127.0.0.1:$COUCH_PORT
	i=0
	until curl -fsS -m 1 "$COUCH_URL/" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1
		sleep 0.05
	done
	export COUCH_URL
}
couch_stop() {
	[ -n "${COUCH_PID:-}" ] && { kill "$COUCH_PID" 2>/dev/null; pkill -P "$COUCH_PID" 2>/dev/null; wait "$COUCH_PID" 2>/dev/null; }
	COUCH_PID=""
}
