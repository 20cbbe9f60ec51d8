# Bash completion for denalictl: subcommands, options, VM names, images and disk files.

# The names of the VMs that exist now, one a line, from "denalictl list -j"
# (plain "list" as a fallback); nothing when the module is not loaded.
_denalictl_vms()
{
	local prog=$1 out re='"name":"([^"]*)"'

	if out=$("$prog" list -j 2>/dev/null) && [[ $out == \[* ]]; then
		while [[ $out =~ $re ]]; do
			printf '%s\n' "${BASH_REMATCH[1]}"
			out=${out#*"${BASH_REMATCH[0]}"}
		done
	else
		"$prog" list 2>/dev/null | while read -r _ name _; do
			printf '%s\n' "$name"
		done | tail -n +2
	fi
}

_denalictl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local prog=${COMP_WORDS[0]} sub= subidx=0 i nargs=0
	local cmds="create destroy start stop console run list show nic disk stats monitor help"

	# A batch file after -b; a batch takes no subcommand.
	case $prev in -b | -batch | --batch)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in -b | -batch | --batch) return ;; esac
		if [[ ${COMP_WORDS[i]} != -* ]]; then
			sub=${COMP_WORDS[i]}
			subidx=$i
			break
		fi
	done

	if [[ -z $sub ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-j -v -b -h --json --verbose --batch --force --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return
	fi

	# Positional arguments already given after the subcommand.
	for ((i = subidx + 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--mem | -m | --tlb | --image | -i | --name | -n | --cmdline | -c | --nic | --disk) ((i++)) ;;
		-*) ;;
		*) ((nargs++)) ;;
		esac
	done

	case $sub in
	create)
		case $prev in
		--image | -i | --disk)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		--mem | -m)
			COMPREPLY=($(compgen -W "16M 32M 64M 128M 256M 1G" -- "$cur"))
			return
			;;
		--tlb)
			COMPREPLY=($(compgen -W "16 64 256 512 1024 2048" -- "$cur"))
			return
			;;
		--cmdline | -c)
			return
			;;
		--nic)
			compopt -o nospace 2>/dev/null
			COMPREPLY=($(compgen -W "name= mac= bridge= mtu= index=" -- "${cur##*,}"))
			COMPREPLY=("${COMPREPLY[@]/#/${cur%"${cur##*,}"}}")
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--mem --tlb --image --cmdline --nic --disk --verbose --help" -- "$cur"))
		fi
		;;
	nic)
		# nargs counts the verb (add, del, list) too.
		local verb=${COMP_WORDS[subidx + 1]}
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--help" -- "$cur"))
		elif ((nargs == 0)); then
			COMPREPLY=($(compgen -W "add del list" -- "$cur"))
		elif ((nargs == 1)); then
			COMPREPLY=($(compgen -W "$(_denalictl_vms "$prog")" -- "$cur"))
		elif [[ $verb == add ]]; then
			compopt -o nospace 2>/dev/null
			COMPREPLY=($(compgen -W "name= mac= bridge= mtu= index=" -- "${cur##*,}"))
			COMPREPLY=("${COMPREPLY[@]/#/${cur%"${cur##*,}"}}")
		elif [[ $verb == del ]] && ((nargs == 2)); then
			COMPREPLY=($(compgen -W "index" -- "$cur"))
		fi
		;;
	disk)
		# nargs counts the verb (attach, detach, list) too.
		local verb=${COMP_WORDS[subidx + 1]}
		if [[ $cur == -* ]]; then
			case $verb in
			attach) COMPREPLY=($(compgen -W "-v --verbose --help" -- "$cur")) ;;
			list) COMPREPLY=($(compgen -W "-j --json --help" -- "$cur")) ;;
			*) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
			esac
		elif ((nargs == 0)); then
			COMPREPLY=($(compgen -W "attach detach list" -- "$cur"))
		elif ((nargs == 1)); then
			COMPREPLY=($(compgen -W "$(_denalictl_vms "$prog")" -- "$cur"))
		elif [[ $verb == attach ]] && ((nargs == 2)); then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		elif [[ $verb == detach ]] && ((nargs == 2)); then
			COMPREPLY=($(compgen -W "0 1 2 3 4 5 6 7" -- "$cur"))
		fi
		;;
	run)
		case $prev in
		--disk)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		--mem | -m)
			COMPREPLY=($(compgen -W "16M 32M 64M 128M 256M 1G" -- "$cur"))
			return
			;;
		--tlb)
			COMPREPLY=($(compgen -W "16 64 256 512 1024 2048" -- "$cur"))
			return
			;;
		--name | -n | --cmdline | -c)
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--mem --tlb --name --cmdline --disk --no-input --help" -- "$cur"))
		elif ((nargs == 0)); then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		;;
	destroy | show | start | stop | console)
		if [[ $cur == -* ]]; then
			case $sub in
			show) COMPREPLY=($(compgen -W "-j --json --help" -- "$cur")) ;;
			console) COMPREPLY=($(compgen -W "-f --follow --no-input --help" -- "$cur")) ;;
			*) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
			esac
		elif ((nargs == 0)); then
			COMPREPLY=($(compgen -W "$(_denalictl_vms "$prog")" -- "$cur"))
		fi
		;;
	list | stats | monitor)
		COMPREPLY=($(compgen -W "-j --json --help" -- "$cur"))
		;;
	help)
		((nargs == 0)) && COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		;;
	esac
}

complete -F _denalictl denalictl
