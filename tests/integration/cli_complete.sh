# Shell completion: the bash script completes commands, options, the
# project's object paths and server profile names through `fsstudio
# __complete`; the zsh script is found by compinit.
. "$FS_SRCDIR/tests/lib/tap.sh"

t=$tap_tmp
sample=$FS_SRCDIR/projects/sample
plan 10

# A profiles file of our own (0600, as fsstudio requires).
export XDG_CONFIG_HOME="$t/config"
mkdir -p "$XDG_CONFIG_HOME/fsstudio"
printf '[staging]\nurl = http://127.0.0.1:1\n' >"$XDG_CONFIG_HOME/fsstudio/servers"
chmod 600 "$XDG_CONFIG_HOME/fsstudio/servers"

# comp WORD...: what bash offers for the last word.
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
		_fsstudio; printf "%s\n" "${COMPREPLY[@]}" | sort' \
		sh "$FS_SRCDIR/share/completion/fsstudio.bash" "$FS_BIN" "$@"
}

out=$(bash -c '. "$1"; complete -p fsstudio' sh "$FS_SRCDIR/share/completion/fsstudio.bash")
check_eq "bash: complete -p names the function" "complete -F _fsstudio fsstudio" "$out"
check_contains "bash: command names" "deploy" "$(comp dep)"
check_eq "bash: the options of one command" "--indent" "$(comp tree --in)"
check_contains "bash: object paths of the project named before" "inspections/visits/by_site/map" \
	"$(comp show "$sample" inspections/visits/by_s)"
check_eq "bash: object paths complete by prefix only" "" "$(comp show "$sample" nosuch)"
check_eq "bash: server profile names after --server" "staging" "$(comp deploy "$sample" --server st)"
check_eq "bash: help completes command names" "tree" "$(comp help tre)"
out=$("$FS_BIN" --help)
case $out in *__complete*) not_ok "the completion helper is hidden from --help" ;;
	*) ok "the completion helper is hidden from --help" ;; esac
check_eq "__complete prints nothing and exits 0 on a missing project" "0:" \
	"$("$FS_BIN" __complete objects "$t/none" 2>&1; echo "$?:")"

if command -v zsh >/dev/null 2>&1; then
	out=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2";
		print -r -- ${_comps[fsstudio]}' zsh "$FS_SRCDIR/share/completion" "$t/zcompdump" 2>&1)
	check_eq "zsh: compinit finds _fsstudio" "_fsstudio" "$out"
else
	skip_test "zsh absent: compinit smoke test"
fi
done_testing
