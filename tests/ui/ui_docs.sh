#!/bin/sh
# fsstudio-config(5) documents every request, option and color area of the
# tables in ui/request.h, ui/config.h and ui/colors.h, and the built-in
# config loads without an error.
. "$FS_SRCDIR/tests/lib/tap.sh"
plan 4
man=$(sed 's/\\-/-/g' "$FS_SRCDIR/share/man/fsstudio-config.5")
missing() {
	for n in $(sed -n "$2" "$FS_SRCDIR/$1"); do
		case $man in *"$n"*) ;; *) echo "$n" ;; esac
	done
}
check_eq "every request is documented" "" "$(missing ui/request.h 's/.*R([A-Z_]*, *"\([a-z-]*\)".*/\1/p')"
check_eq "every option is documented" "" "$(missing ui/config.h 's/.*_([A-Z_]*, *"\([a-z-]*\)", *[A-Z]*,.*/\1/p')"
check_eq "every color area is documented" "" "$(missing ui/colors.h 's/.*_([A-Z_]*, *"\([a-z-]*\)", .*/\1/p')"
# the built-in config has no bad line: the message line stays empty
out=$(cd "$FS_SRCDIR/projects/sample" 2>/dev/null && env HOME="$tap_tmp" FSSTUDIO_CONFIG= \
	LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=80x24 FSSTUDIO_TEST_KEYS= "$FS_BIN" . | tail -1)
check_eq "the built-in config loads cleanly" "" "$out"
done_testing
