# Driving the real fsstudio binary in tmux: a private server per test
# (tmux -L fstest-PID), a fixed screen size, keys with send-keys, and waits
# that poll capture-pane until a text shows (with a deadline, no fixed sleeps).
# Source after tests/lib/tap.sh.

ui_sock="fstest-$$"
ui_deadline=${FSSTUDIO_UI_TIMEOUT:-10}

ui_tmux() { tmux -L "$ui_sock" -f /dev/null "$@"; }

# ui_start COLS ROWS DIR [ARGS...]: runs the studio in DIR, with a private
# HOME, config and state under $UI_HOME ($tap_tmp/home); UI_ENV adds
# VAR=value words to its environment (NO_COLOR=1, EDITOR=...). A shell
# writes its pid to $ui_pidfile and execs the studio, so that pid is the
# studio's (ui_studio_pid).
ui_pidfile=$tap_tmp/studio.pid
ui_start() {
	cols=$1 rows=$2 dir=$3; shift 3
	: "${UI_HOME:=$tap_tmp/home}"
	mkdir -p "$UI_HOME"
	rm -f "$ui_pidfile"
	ui_tmux -u new-session -d -s ui -x "$cols" -y "$rows" \
		"cd '$dir' && sh -c 'echo \$\$ > \"\$0\"; exec \"\$@\"' '$ui_pidfile' \
		env HOME='$UI_HOME' XDG_CONFIG_HOME='$UI_HOME/.config' \
		XDG_STATE_HOME='$UI_HOME/.local/state' LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		TERM=tmux-256color ${UI_ENV:-} '$FS_BIN' $*; echo fsstudio-exit=\$?; sleep 600" || return 1
	ui_tmux set-option -t ui status off >/dev/null
	ui_tmux resize-window -t ui -x "$cols" -y "$rows" 2>/dev/null
	at_exit ui_stop
	ui_poll "for the studio's pid" test -s "$ui_pidfile"
}

# Stops the tmux server and waits for the studio to be gone (on SIGHUP it
# still writes its recovery files, which must not race the cleanup).
ui_stop() {
	kids=$(cat "$ui_pidfile" 2>/dev/null)
	ui_tmux kill-server 2>/dev/null
	end=$(($(date +%s) + 5))
	for k in $kids; do
		while kill -0 "$k" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
	done
	# A server still shutting down makes the next ui_start on the same socket
	# fail ("server exited unexpectedly"): wait until its socket is gone.
	sock="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$ui_sock"
	while [ -S "$sock" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
	true
}

ui_keys() { ui_tmux send-keys -t ui "$@"; }
# Literal text (no key names). tmux reads a ';' ending an argument as the
# end of its command, so semicolons go as hex bytes.
ui_type() {
	rest=$1
	while :; do
		case $rest in
		*';'*)
			[ -n "${rest%%;*}" ] && ui_tmux send-keys -t ui -l "${rest%%;*}"
			ui_tmux send-keys -t ui -H 3b
			rest=${rest#*;} ;;
		*)
			[ -n "$rest" ] && ui_tmux send-keys -t ui -l "$rest"
			return 0 ;;
		esac
	done
}

ui_screen() { ui_tmux capture-pane -p -t ui; }

# Row N (0-based) of the screen.
ui_row() { ui_screen | sed -n "$(($1 + 1))p"; }
# ui_grep PATTERN: the screen has a line matching the basic regex.
ui_grep() { ui_screen | grep -q -- "$1"; }
# ui_poll WHAT COMMAND...: runs COMMAND until it succeeds; at the deadline
# says "timed out waiting WHAT", prints the screen as TAP comments and fails:
# it returns 1 and counts as a failure of the test (done_testing exits
# non-zero), even where the caller does not check it.
ui_poll() {
	what=$1; shift
	end=$(($(date +%s) + ui_deadline))
	until "$@"; do
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "# FAILED: timed out waiting $what"; ui_screen | sed 's/^/# | /'
			tap_failed=$((tap_failed + 1))
			return 1
		fi
		sleep 0.05
	done
}
ui_shows() { case $(ui_screen) in *"$1"*) return 0 ;; esac; return 1; }
ui_row_shows() { case $(ui_row "$1") in *"$2"*) return 0 ;; esac; return 1; }
ui_lacks() { ! ui_shows "$1"; }

# ui_wait_re PATTERN: waits until a line of the screen matches the basic regex.
ui_wait_re() { ui_poll "for a line matching: $1" ui_grep "$1"; }
# ui_cell ROW COL: the character at a place (0-based), wide characters included.
ui_cell() { ui_row "$1" | LC_ALL=C.UTF-8 sed -n "s/^.\{$2\}\(.\).*/\1/p"; }

# ui_wait TEXT: waits until TEXT shows anywhere on the screen.
ui_wait() { ui_poll "for: $1" ui_shows "$1"; }
# ui_wait_gone TEXT: waits until TEXT is no longer on the screen.
ui_wait_gone() { ui_poll "for the end of: $1" ui_lacks "$1"; }
# ui_wait_row N TEXT: waits until row N contains TEXT.
ui_wait_row() { ui_poll "for row $1 to show: $2" ui_row_shows "$1" "$2"; }

ui_resize() { ui_tmux resize-window -t ui -x "$1" -y "$2"; }

# The sample project copied into a fresh git repository: prints its folder.
ui_sample() {
	d=$tap_tmp/ws/sample
	mkdir -p "$tap_tmp/ws"
	cp -R "$FS_SRCDIR/projects/sample" "$d" || return 1
	(cd "$d" && git init -q && git config user.name test && git config user.email test@example.com && \
		git add -A && git commit -qm sample) >/dev/null || return 1
	echo "$d"
}

ui_need() {
	command -v tmux >/dev/null || plan_skip "tmux is not installed"
	[ -x "$FS_BIN" ] || plan_skip "no fsstudio binary at $FS_BIN"
	[ -f "$FS_SRCDIR/projects/sample/c8oProject.yaml" ] || plan_skip "projects/sample is missing"
}

# ui_valgrind_stuck: for the tests of leaving: a server that takes
# connections and never answers, the only server profile ("stuck"), a long
# recovery delay, and the studio run under valgrind: FS_BIN becomes a
# wrapper (exit status 9 when memory leaked, the report in $tap_tmp/vg.log),
# the binary itself stays in $real_bin. Needs python3 and valgrind.
ui_valgrind_stuck() {
	python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
' > "$tap_tmp/port" &
	ui_stuck_pid=$!
	at_exit ui_stop_stuck
	until [ -s "$tap_tmp/port" ]; do sleep 0.05; done
	mkdir -p "$tap_tmp/home/.config/fsstudio"
	printf '[stuck]\nurl = http://127.0.0.1:%s\n' "$(cat "$tap_tmp/port")" > "$tap_tmp/home/.config/fsstudio/servers"
	chmod 600 "$tap_tmp/home/.config/fsstudio/servers"
	printf 'set recovery-delay = 60\n' > "$tap_tmp/home/.config/fsstudio/config"
	printf '#!/bin/sh\nexec valgrind -q --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite --error-exitcode=9 --log-file=%s "%s" "$@"\n' \
		"$tap_tmp/vg.log" "$FS_BIN" > "$tap_tmp/vg.sh"
	chmod +x "$tap_tmp/vg.sh"
	real_bin=$FS_BIN
	FS_BIN=$tap_tmp/vg.sh
}
ui_stop_stuck() { kill "$ui_stuck_pid" 2>/dev/null; }

# The pid of the studio (or of valgrind running it) in the tmux pane: the
# shell that ui_start execs into it wrote it.
ui_studio_pid() { cat "$ui_pidfile"; }

# ui_start_sample: the sample project (ui_sample) in the studio at 100x30;
# sets proj and conn (its connector's file). A studio that does not start
# ends the test.
ui_start_sample() {
	proj=$(ui_sample)
	conn=$proj/_c8oProject/connectors/inspections.yaml
	ui_start 100 30 "$proj" .
	ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
}

# ui_goto TEXT PATH: goes to an object by filtering the tree on TEXT (n to
# the next match) until the title, row 0, shows PATH.
ui_goto() {
	ui_keys /; ui_type "$1"; ui_keys Enter
	i=0
	until ui_row 0 | grep -q -- "$2"; do
		i=$((i + 1)); [ $i -gt 20 ] && { echo "# cannot reach $2"; return 1; }
		ui_keys n; sleep 0.05
	done
	ui_keys Escape
	ui_wait_row 0 "$2"
}

# ui_set_prop NAME VALUE: in the details pane (Tab), the property NAME of
# the selection edited in place: its old value cleared, VALUE typed, Enter.
ui_set_prop() {
	ui_keys Tab
	ui_wait "$1"
	n=$(ui_screen | grep -n "│$1" | head -1 | cut -d: -f1)
	# move the details cursor to its row
	row=1
	while [ "$row" -lt "$((n - 1))" ]; do ui_keys j; row=$((row + 1)); done
	ui_keys Enter
	ui_keys C-u; ui_type "$2"; ui_keys Enter
}

# ui_deploy_to [KEY...]: P, the keys given in the server menu ("j": the
# second profile), Enter, then all connectors: the deploy's plan comes.
ui_deploy_to() {
	ui_keys P
	ui_wait "Deploy to which server?"
	ui_keys "$@" Enter
	ui_wait "Deploy which connectors?"
	ui_keys Enter
}
