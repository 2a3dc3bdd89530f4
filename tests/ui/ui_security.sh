#!/bin/sh
# Database permissions in the studio's browser (A on a database) against a
# real pouchdb-server: the security object opens in $EDITOR, the change is
# shown and asked; a database left without members asks a second time, and
# n there writes nothing; a malformed object is refused in plain words.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
couch_start || plan_skip "pouchdb-server not installed"
plan 12

curl -fsS -X PUT "$COUCH_URL/sdb" >/dev/null
curl -fsS -X PUT "$COUCH_URL/sdb/_security" -H 'Content-Type: application/json' \
	-d '{"admins":{"names":["boss"],"roles":[]},"members":{"names":["alice"],"roles":[]}}' >/dev/null
members() { curl -fsS "$COUCH_URL/sdb/_security" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(d["members"]["names"] + d["members"]["roles"]) or "-")'; }

# the editor: what it does to the file is in $tap_tmp/mode
cat >"$tap_tmp/editor.sh" <<'ED'
#!/bin/sh
python3 - "$1" "$(cat "$(dirname "$0")/mode")" <<'PY'
import json, sys
path, mode = sys.argv[1], sys.argv[2]
d = json.load(open(path))
if mode == "add":
    d["members"]["names"].append("bob")
elif mode == "public":
    d["members"] = {"names": [], "roles": []}
elif mode == "bad":
    d["admins"]["names"] = "boss"
json.dump(d, open(path, "w"))
PY
ED
chmod +x "$tap_tmp/editor.sh"

proj=$(ui_sample)
: "${UI_HOME:=$tap_tmp/home}"
mkdir -p "$UI_HOME/.config/fsstudio"
printf '[testcouch]\nurl = %s\n' "$COUCH_URL" >"$UI_HOME/.config/fsstudio/servers"
chmod 600 "$UI_HOME/.config/fsstudio/servers"
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 120 40 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys B; ui_wait "testcouch"
ui_keys / ; ui_type testcouch; ui_keys Enter Enter
ui_wait "1 member"
ui_keys / ; ui_type sdb; ui_keys Enter

echo add >"$tap_tmp/mode"
ui_keys A
check "A shows the change and asks" ui_wait "Permissions of 'sdb': +members name bob. Write? [y/n]"
ui_keys y
check "y writes it" ui_wait "Permissions of 'sdb' changed"
check_eq "the server has the new member" "alice bob" "$(members)"

echo public >"$tap_tmp/mode"
ui_keys A
check "leaving no members is shown" ui_wait "+members (none: the database is public)"
ui_keys y
check "a public result asks a second time" ui_wait "Make it public? [y/n]"
ui_keys n
check "n there writes nothing" ui_wait "Nothing written: 'sdb' keeps its members"
check_eq "the server keeps its members" "alice bob" "$(members)"
ui_keys A
ui_wait "Write? [y/n]"; ui_keys y
ui_wait "Make it public? [y/n]"; ui_keys y
check "y twice makes it public" ui_wait "changed: the database is public"
check_eq "the server's database is public" "-" "$(members)"

echo bad >"$tap_tmp/mode"
ui_keys A
check "a malformed object is refused plainly" ui_wait "admins.names must be a list of strings"
echo none >"$tap_tmp/mode"
ui_keys A
check "an unchanged object says so" ui_wait "No change"
# q goes back to the servers, closes the browser, then quits
ui_keys q; ui_wait "Servers"
ui_keys q; ui_wait_gone "testcouch"
ui_keys q
check "the browser closes and the studio quits cleanly" ui_wait "fsstudio-exit=0"
done_testing
