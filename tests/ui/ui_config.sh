#!/bin/sh
# The config file: a bad line is reported with file:line and the rest still
# loads; user bindings show in the help; NO_COLOR gives a monochrome screen.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 12

proj=$(ui_sample)
cfg=$tap_tmp/home/.config/fsstudio/config
mkdir -p "$(dirname "$cfg")"
cat > "$cfg" <<'CFG'
# my settings
bind generic x no-such-request
bind generic x move-down
set tree-width = 50
color cursor white red bold
bind tree Q help
set mouse = maybe
CFG
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
# a message wider than the screen takes the status row too
msg="$(ui_row 28) $(ui_row 29)"
check_contains "first bad line reported as file:line" "$cfg:2: unknown request 'no-such-request'" "$msg"
check_contains "the count of the other errors" "and 1 more" "$msg"

ui_keys x
check "the line after the bad one still loaded (x moves down)" ui_wait_row 0 " 2/14"
# tree-width = 50: the separator sits in column 50
sep=$(ui_cell 3 50)
check_eq "set tree-width = 50 applied" "│" "$sep"

ui_keys Q
ui_wait "fsstudio keys"
ui_keys G
ui_wait "Options"
check_contains "help shows the user's binding for the tree keymap" "tree: Q" "$(ui_screen)"
ui_keys q
ui_wait_gone "fsstudio keys"
colors=$(ui_tmux capture-pane -e -p -t ui)
case $colors in *'[31m'*|*'[41m'*|*'38;5'*|*'[91m'*|*'[1;31'*) ok "colors in use by default" ;; *) not_ok "colors in use by default" ;; esac
ui_keys q
ui_wait "fsstudio-exit=0"
ui_stop

# NO_COLOR: attributes only
ui_sock="fstest-nc-$$"
UI_HOME=$tap_tmp/home2 UI_ENV="NO_COLOR=1" ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
mono=$(ui_tmux capture-pane -e -p -t ui)
case $mono in *'[3'[0-7]m*|*'[4'[0-7]m*|*'38;5'*|*'48;5'*|*'[9'[0-7]m*) not_ok "NO_COLOR: no color escapes" ;; *) ok "NO_COLOR: no color escapes" ;; esac
case $mono in *'[7m'*) ok "NO_COLOR: the cursor still shows (reverse)" ;; *) not_ok "NO_COLOR: the cursor still shows (reverse)" ;; esac
check_eq "no config file: no error line" "" "$(ui_row 29 | tr -d ' ')"
ui_stop

# an 8-color terminal: bright colors fall back to bold base colors
ui_sock="fstest-8c-$$"
UI_HOME=$tap_tmp/home2 UI_ENV="TERM=xterm" ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
c8=$(ui_tmux capture-pane -e -p -t ui)
case $c8 in *'[9'[0-7]m*|*'38;5'*) not_ok "8 colors: no bright or 256-color codes" ;; *) ok "8 colors: no bright or 256-color codes" ;; esac
case $c8 in *'[3'[0-7]m*) ok "8 colors: base colors in use" ;; *) not_ok "8 colors: base colors in use" ;; esac
ui_stop

# a terminal without colors: usable in reverse video
ui_sock="fstest-vt-$$"
UI_HOME=$tap_tmp/home2 UI_ENV="TERM=vt100" ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
ui_keys j j
check "no colors: still moves and shows the details" ui_wait_row 0 "FieldInspections/inspections"
done_testing
