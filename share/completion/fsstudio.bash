# bash completion for fsstudio. Installed by `make install`; from a clone:
#   . share/completion/fsstudio.bash
# The words come from the program itself (`fsstudio __complete ...`), so they
# follow its commands, options, the project's objects and the server profiles.

_fsstudio_words() {
	"${COMP_WORDS[0]}" __complete "$@" 2>/dev/null
}

_fsstudio() {
	local cur prev cmd i dir="" npos=0
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(_fsstudio_words commands) --help --version" -- "$cur")
			$(compgen -d -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	--server|--from)
		COMPREPLY=($(compgen -W "$(_fsstudio_words servers)" -- "$cur"))
		return 0 ;;
	--file|-o|--to|--docs|--merged|--set)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	esac
	if [ "$cmd" = help ]; then
		COMPREPLY=($(compgen -W "$(_fsstudio_words commands)" -- "$cur"))
		return 0
	fi
	if [ "${cur#-}" != "$cur" ]; then
		COMPREPLY=($(compgen -W "$(_fsstudio_words options "$cmd")" -- "$cur"))
		return 0
	fi
	# The first positional word that is a project folder names the project
	# whose objects the following words complete to.
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in -*) continue ;; esac
		npos=$((npos + 1))
		if [ -z "$dir" ] && [ -f "${COMP_WORDS[i]}/c8oProject.yaml" ]; then
			dir=${COMP_WORDS[i]}
		fi
	done
	if [ -n "$dir" ]; then
		COMPREPLY=($(compgen -W "$(_fsstudio_words objects "$dir")" -- "$cur"))
	else
		COMPREPLY=($(compgen -d -- "$cur"))
	fi
	return 0
}
complete -F _fsstudio fsstudio
