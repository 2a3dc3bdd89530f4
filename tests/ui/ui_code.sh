#!/bin/sh
# Function previews: tree-sitter highlighting in the colors of the config
# (keyword, parameter, builtin), syntax errors marked after an $EDITOR edit.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 6

proj=$(ui_sample)
cat > "$tap_tmp/editor.sh" <<'ED'
#!/bin/sh
printf 'function (doc) {\n  emit(doc._id, ;\n}\n' > "$1"
ED
chmod +x "$tap_tmp/editor.sh"
mkdir -p "$tap_tmp/home/.config/fsstudio"
# known colors for the captures under test
cat > "$tap_tmp/home/.config/fsstudio/config" <<'CFG'
color keyword   magenta default bold
color parameter yellow  default
color builtin   cyan    default bold
CFG
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait "function (doc)"
esc=$(printf '\033')
row=$(ui_tmux capture-pane -e -p -t ui | grep 'function' | grep 'doc' | head -1)
check_contains "keyword 'function' in its color" "${esc}[35mfunction" "$row"
check_contains "parameter 'doc' in its color" "${esc}[33mdoc" "$row"
row=$(ui_tmux capture-pane -e -p -t ui | grep 'emit' | head -1)
check_contains "builtin 'emit' in its color" "${esc}[36memit" "$row"

ui_keys E
check "a syntax error is listed with line:column" ui_wait "2:16      missing ')'"
check "its line is marked in the gutter" ui_grep '   2!  emit(doc._id, ;'
check "the edit is kept, unsaved" ui_wait "[+] 1 unsaved"
done_testing
