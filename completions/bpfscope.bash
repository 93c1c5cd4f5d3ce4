_bpfscope() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="bpfscope"
                ;;
            bpfscope,btf)
                cmd="bpfscope__subcmd__btf"
                ;;
            bpfscope,cgroup)
                cmd="bpfscope__subcmd__cgroup"
                ;;
            bpfscope,completions)
                cmd="bpfscope__subcmd__completions"
                ;;
            bpfscope,feature)
                cmd="bpfscope__subcmd__feature"
                ;;
            bpfscope,help)
                cmd="bpfscope__subcmd__help"
                ;;
            bpfscope,link)
                cmd="bpfscope__subcmd__link"
                ;;
            bpfscope,map)
                cmd="bpfscope__subcmd__map"
                ;;
            bpfscope,net)
                cmd="bpfscope__subcmd__net"
                ;;
            bpfscope,perf)
                cmd="bpfscope__subcmd__perf"
                ;;
            bpfscope,prog)
                cmd="bpfscope__subcmd__prog"
                ;;
            bpfscope,tool)
                cmd="bpfscope__subcmd__tool"
                ;;
            bpfscope__subcmd__btf,dump)
                cmd="bpfscope__subcmd__btf__subcmd__dump"
                ;;
            bpfscope__subcmd__btf,help)
                cmd="bpfscope__subcmd__btf__subcmd__help"
                ;;
            bpfscope__subcmd__btf,show)
                cmd="bpfscope__subcmd__btf__subcmd__show"
                ;;
            bpfscope__subcmd__btf__subcmd__help,dump)
                cmd="bpfscope__subcmd__btf__subcmd__help__subcmd__dump"
                ;;
            bpfscope__subcmd__btf__subcmd__help,help)
                cmd="bpfscope__subcmd__btf__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__btf__subcmd__help,show)
                cmd="bpfscope__subcmd__btf__subcmd__help__subcmd__show"
                ;;
            bpfscope__subcmd__cgroup,attach)
                cmd="bpfscope__subcmd__cgroup__subcmd__attach"
                ;;
            bpfscope__subcmd__cgroup,detach)
                cmd="bpfscope__subcmd__cgroup__subcmd__detach"
                ;;
            bpfscope__subcmd__cgroup,help)
                cmd="bpfscope__subcmd__cgroup__subcmd__help"
                ;;
            bpfscope__subcmd__cgroup,show)
                cmd="bpfscope__subcmd__cgroup__subcmd__show"
                ;;
            bpfscope__subcmd__cgroup,tree)
                cmd="bpfscope__subcmd__cgroup__subcmd__tree"
                ;;
            bpfscope__subcmd__cgroup__subcmd__help,attach)
                cmd="bpfscope__subcmd__cgroup__subcmd__help__subcmd__attach"
                ;;
            bpfscope__subcmd__cgroup__subcmd__help,detach)
                cmd="bpfscope__subcmd__cgroup__subcmd__help__subcmd__detach"
                ;;
            bpfscope__subcmd__cgroup__subcmd__help,help)
                cmd="bpfscope__subcmd__cgroup__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__cgroup__subcmd__help,show)
                cmd="bpfscope__subcmd__cgroup__subcmd__help__subcmd__show"
                ;;
            bpfscope__subcmd__cgroup__subcmd__help,tree)
                cmd="bpfscope__subcmd__cgroup__subcmd__help__subcmd__tree"
                ;;
            bpfscope__subcmd__feature,help)
                cmd="bpfscope__subcmd__feature__subcmd__help"
                ;;
            bpfscope__subcmd__feature,probe)
                cmd="bpfscope__subcmd__feature__subcmd__probe"
                ;;
            bpfscope__subcmd__feature__subcmd__help,help)
                cmd="bpfscope__subcmd__feature__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__feature__subcmd__help,probe)
                cmd="bpfscope__subcmd__feature__subcmd__help__subcmd__probe"
                ;;
            bpfscope__subcmd__help,btf)
                cmd="bpfscope__subcmd__help__subcmd__btf"
                ;;
            bpfscope__subcmd__help,cgroup)
                cmd="bpfscope__subcmd__help__subcmd__cgroup"
                ;;
            bpfscope__subcmd__help,completions)
                cmd="bpfscope__subcmd__help__subcmd__completions"
                ;;
            bpfscope__subcmd__help,feature)
                cmd="bpfscope__subcmd__help__subcmd__feature"
                ;;
            bpfscope__subcmd__help,help)
                cmd="bpfscope__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__help,link)
                cmd="bpfscope__subcmd__help__subcmd__link"
                ;;
            bpfscope__subcmd__help,map)
                cmd="bpfscope__subcmd__help__subcmd__map"
                ;;
            bpfscope__subcmd__help,net)
                cmd="bpfscope__subcmd__help__subcmd__net"
                ;;
            bpfscope__subcmd__help,perf)
                cmd="bpfscope__subcmd__help__subcmd__perf"
                ;;
            bpfscope__subcmd__help,prog)
                cmd="bpfscope__subcmd__help__subcmd__prog"
                ;;
            bpfscope__subcmd__help,tool)
                cmd="bpfscope__subcmd__help__subcmd__tool"
                ;;
            bpfscope__subcmd__help__subcmd__btf,dump)
                cmd="bpfscope__subcmd__help__subcmd__btf__subcmd__dump"
                ;;
            bpfscope__subcmd__help__subcmd__btf,show)
                cmd="bpfscope__subcmd__help__subcmd__btf__subcmd__show"
                ;;
            bpfscope__subcmd__help__subcmd__cgroup,attach)
                cmd="bpfscope__subcmd__help__subcmd__cgroup__subcmd__attach"
                ;;
            bpfscope__subcmd__help__subcmd__cgroup,detach)
                cmd="bpfscope__subcmd__help__subcmd__cgroup__subcmd__detach"
                ;;
            bpfscope__subcmd__help__subcmd__cgroup,show)
                cmd="bpfscope__subcmd__help__subcmd__cgroup__subcmd__show"
                ;;
            bpfscope__subcmd__help__subcmd__cgroup,tree)
                cmd="bpfscope__subcmd__help__subcmd__cgroup__subcmd__tree"
                ;;
            bpfscope__subcmd__help__subcmd__feature,probe)
                cmd="bpfscope__subcmd__help__subcmd__feature__subcmd__probe"
                ;;
            bpfscope__subcmd__help__subcmd__link,detach)
                cmd="bpfscope__subcmd__help__subcmd__link__subcmd__detach"
                ;;
            bpfscope__subcmd__help__subcmd__link,pin)
                cmd="bpfscope__subcmd__help__subcmd__link__subcmd__pin"
                ;;
            bpfscope__subcmd__help__subcmd__link,show)
                cmd="bpfscope__subcmd__help__subcmd__link__subcmd__show"
                ;;
            bpfscope__subcmd__help__subcmd__map,create)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__create"
                ;;
            bpfscope__subcmd__help__subcmd__map,delete)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__delete"
                ;;
            bpfscope__subcmd__help__subcmd__map,dequeue)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__dequeue"
                ;;
            bpfscope__subcmd__help__subcmd__map,dump)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__dump"
                ;;
            bpfscope__subcmd__help__subcmd__map,enqueue)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__enqueue"
                ;;
            bpfscope__subcmd__help__subcmd__map,freeze)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__freeze"
                ;;
            bpfscope__subcmd__help__subcmd__map,getnext)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__getnext"
                ;;
            bpfscope__subcmd__help__subcmd__map,lookup)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__lookup"
                ;;
            bpfscope__subcmd__help__subcmd__map,peek)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__peek"
                ;;
            bpfscope__subcmd__help__subcmd__map,pin)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__pin"
                ;;
            bpfscope__subcmd__help__subcmd__map,pop)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__pop"
                ;;
            bpfscope__subcmd__help__subcmd__map,push)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__push"
                ;;
            bpfscope__subcmd__help__subcmd__map,show)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__show"
                ;;
            bpfscope__subcmd__help__subcmd__map,update)
                cmd="bpfscope__subcmd__help__subcmd__map__subcmd__update"
                ;;
            bpfscope__subcmd__help__subcmd__net,show)
                cmd="bpfscope__subcmd__help__subcmd__net__subcmd__show"
                ;;
            bpfscope__subcmd__help__subcmd__perf,show)
                cmd="bpfscope__subcmd__help__subcmd__perf__subcmd__show"
                ;;
            bpfscope__subcmd__help__subcmd__prog,attach)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__attach"
                ;;
            bpfscope__subcmd__help__subcmd__prog,detach)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__detach"
                ;;
            bpfscope__subcmd__help__subcmd__prog,dump)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__dump"
                ;;
            bpfscope__subcmd__help__subcmd__prog,load)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__load"
                ;;
            bpfscope__subcmd__help__subcmd__prog,loadall)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__loadall"
                ;;
            bpfscope__subcmd__help__subcmd__prog,pin)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__pin"
                ;;
            bpfscope__subcmd__help__subcmd__prog,show)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__show"
                ;;
            bpfscope__subcmd__help__subcmd__prog,verify)
                cmd="bpfscope__subcmd__help__subcmd__prog__subcmd__verify"
                ;;
            bpfscope__subcmd__help__subcmd__tool,attach)
                cmd="bpfscope__subcmd__help__subcmd__tool__subcmd__attach"
                ;;
            bpfscope__subcmd__help__subcmd__tool,detach)
                cmd="bpfscope__subcmd__help__subcmd__tool__subcmd__detach"
                ;;
            bpfscope__subcmd__help__subcmd__tool,list)
                cmd="bpfscope__subcmd__help__subcmd__tool__subcmd__list"
                ;;
            bpfscope__subcmd__help__subcmd__tool,load)
                cmd="bpfscope__subcmd__help__subcmd__tool__subcmd__load"
                ;;
            bpfscope__subcmd__help__subcmd__tool,report)
                cmd="bpfscope__subcmd__help__subcmd__tool__subcmd__report"
                ;;
            bpfscope__subcmd__help__subcmd__tool,run)
                cmd="bpfscope__subcmd__help__subcmd__tool__subcmd__run"
                ;;
            bpfscope__subcmd__help__subcmd__tool,unload)
                cmd="bpfscope__subcmd__help__subcmd__tool__subcmd__unload"
                ;;
            bpfscope__subcmd__link,detach)
                cmd="bpfscope__subcmd__link__subcmd__detach"
                ;;
            bpfscope__subcmd__link,help)
                cmd="bpfscope__subcmd__link__subcmd__help"
                ;;
            bpfscope__subcmd__link,pin)
                cmd="bpfscope__subcmd__link__subcmd__pin"
                ;;
            bpfscope__subcmd__link,show)
                cmd="bpfscope__subcmd__link__subcmd__show"
                ;;
            bpfscope__subcmd__link__subcmd__help,detach)
                cmd="bpfscope__subcmd__link__subcmd__help__subcmd__detach"
                ;;
            bpfscope__subcmd__link__subcmd__help,help)
                cmd="bpfscope__subcmd__link__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__link__subcmd__help,pin)
                cmd="bpfscope__subcmd__link__subcmd__help__subcmd__pin"
                ;;
            bpfscope__subcmd__link__subcmd__help,show)
                cmd="bpfscope__subcmd__link__subcmd__help__subcmd__show"
                ;;
            bpfscope__subcmd__map,create)
                cmd="bpfscope__subcmd__map__subcmd__create"
                ;;
            bpfscope__subcmd__map,delete)
                cmd="bpfscope__subcmd__map__subcmd__delete"
                ;;
            bpfscope__subcmd__map,dequeue)
                cmd="bpfscope__subcmd__map__subcmd__dequeue"
                ;;
            bpfscope__subcmd__map,dump)
                cmd="bpfscope__subcmd__map__subcmd__dump"
                ;;
            bpfscope__subcmd__map,enqueue)
                cmd="bpfscope__subcmd__map__subcmd__enqueue"
                ;;
            bpfscope__subcmd__map,freeze)
                cmd="bpfscope__subcmd__map__subcmd__freeze"
                ;;
            bpfscope__subcmd__map,getnext)
                cmd="bpfscope__subcmd__map__subcmd__getnext"
                ;;
            bpfscope__subcmd__map,help)
                cmd="bpfscope__subcmd__map__subcmd__help"
                ;;
            bpfscope__subcmd__map,lookup)
                cmd="bpfscope__subcmd__map__subcmd__lookup"
                ;;
            bpfscope__subcmd__map,peek)
                cmd="bpfscope__subcmd__map__subcmd__peek"
                ;;
            bpfscope__subcmd__map,pin)
                cmd="bpfscope__subcmd__map__subcmd__pin"
                ;;
            bpfscope__subcmd__map,pop)
                cmd="bpfscope__subcmd__map__subcmd__pop"
                ;;
            bpfscope__subcmd__map,push)
                cmd="bpfscope__subcmd__map__subcmd__push"
                ;;
            bpfscope__subcmd__map,show)
                cmd="bpfscope__subcmd__map__subcmd__show"
                ;;
            bpfscope__subcmd__map,update)
                cmd="bpfscope__subcmd__map__subcmd__update"
                ;;
            bpfscope__subcmd__map__subcmd__help,create)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__create"
                ;;
            bpfscope__subcmd__map__subcmd__help,delete)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__delete"
                ;;
            bpfscope__subcmd__map__subcmd__help,dequeue)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__dequeue"
                ;;
            bpfscope__subcmd__map__subcmd__help,dump)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__dump"
                ;;
            bpfscope__subcmd__map__subcmd__help,enqueue)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__enqueue"
                ;;
            bpfscope__subcmd__map__subcmd__help,freeze)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__freeze"
                ;;
            bpfscope__subcmd__map__subcmd__help,getnext)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__getnext"
                ;;
            bpfscope__subcmd__map__subcmd__help,help)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__map__subcmd__help,lookup)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__lookup"
                ;;
            bpfscope__subcmd__map__subcmd__help,peek)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__peek"
                ;;
            bpfscope__subcmd__map__subcmd__help,pin)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__pin"
                ;;
            bpfscope__subcmd__map__subcmd__help,pop)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__pop"
                ;;
            bpfscope__subcmd__map__subcmd__help,push)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__push"
                ;;
            bpfscope__subcmd__map__subcmd__help,show)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__show"
                ;;
            bpfscope__subcmd__map__subcmd__help,update)
                cmd="bpfscope__subcmd__map__subcmd__help__subcmd__update"
                ;;
            bpfscope__subcmd__net,help)
                cmd="bpfscope__subcmd__net__subcmd__help"
                ;;
            bpfscope__subcmd__net,show)
                cmd="bpfscope__subcmd__net__subcmd__show"
                ;;
            bpfscope__subcmd__net__subcmd__help,help)
                cmd="bpfscope__subcmd__net__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__net__subcmd__help,show)
                cmd="bpfscope__subcmd__net__subcmd__help__subcmd__show"
                ;;
            bpfscope__subcmd__perf,help)
                cmd="bpfscope__subcmd__perf__subcmd__help"
                ;;
            bpfscope__subcmd__perf,show)
                cmd="bpfscope__subcmd__perf__subcmd__show"
                ;;
            bpfscope__subcmd__perf__subcmd__help,help)
                cmd="bpfscope__subcmd__perf__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__perf__subcmd__help,show)
                cmd="bpfscope__subcmd__perf__subcmd__help__subcmd__show"
                ;;
            bpfscope__subcmd__prog,attach)
                cmd="bpfscope__subcmd__prog__subcmd__attach"
                ;;
            bpfscope__subcmd__prog,detach)
                cmd="bpfscope__subcmd__prog__subcmd__detach"
                ;;
            bpfscope__subcmd__prog,dump)
                cmd="bpfscope__subcmd__prog__subcmd__dump"
                ;;
            bpfscope__subcmd__prog,help)
                cmd="bpfscope__subcmd__prog__subcmd__help"
                ;;
            bpfscope__subcmd__prog,load)
                cmd="bpfscope__subcmd__prog__subcmd__load"
                ;;
            bpfscope__subcmd__prog,loadall)
                cmd="bpfscope__subcmd__prog__subcmd__loadall"
                ;;
            bpfscope__subcmd__prog,pin)
                cmd="bpfscope__subcmd__prog__subcmd__pin"
                ;;
            bpfscope__subcmd__prog,show)
                cmd="bpfscope__subcmd__prog__subcmd__show"
                ;;
            bpfscope__subcmd__prog,verify)
                cmd="bpfscope__subcmd__prog__subcmd__verify"
                ;;
            bpfscope__subcmd__prog__subcmd__help,attach)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__attach"
                ;;
            bpfscope__subcmd__prog__subcmd__help,detach)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__detach"
                ;;
            bpfscope__subcmd__prog__subcmd__help,dump)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__dump"
                ;;
            bpfscope__subcmd__prog__subcmd__help,help)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__prog__subcmd__help,load)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__load"
                ;;
            bpfscope__subcmd__prog__subcmd__help,loadall)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__loadall"
                ;;
            bpfscope__subcmd__prog__subcmd__help,pin)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__pin"
                ;;
            bpfscope__subcmd__prog__subcmd__help,show)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__show"
                ;;
            bpfscope__subcmd__prog__subcmd__help,verify)
                cmd="bpfscope__subcmd__prog__subcmd__help__subcmd__verify"
                ;;
            bpfscope__subcmd__tool,attach)
                cmd="bpfscope__subcmd__tool__subcmd__attach"
                ;;
            bpfscope__subcmd__tool,detach)
                cmd="bpfscope__subcmd__tool__subcmd__detach"
                ;;
            bpfscope__subcmd__tool,help)
                cmd="bpfscope__subcmd__tool__subcmd__help"
                ;;
            bpfscope__subcmd__tool,list)
                cmd="bpfscope__subcmd__tool__subcmd__list"
                ;;
            bpfscope__subcmd__tool,load)
                cmd="bpfscope__subcmd__tool__subcmd__load"
                ;;
            bpfscope__subcmd__tool,report)
                cmd="bpfscope__subcmd__tool__subcmd__report"
                ;;
            bpfscope__subcmd__tool,run)
                cmd="bpfscope__subcmd__tool__subcmd__run"
                ;;
            bpfscope__subcmd__tool,unload)
                cmd="bpfscope__subcmd__tool__subcmd__unload"
                ;;
            bpfscope__subcmd__tool__subcmd__help,attach)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__attach"
                ;;
            bpfscope__subcmd__tool__subcmd__help,detach)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__detach"
                ;;
            bpfscope__subcmd__tool__subcmd__help,help)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__help"
                ;;
            bpfscope__subcmd__tool__subcmd__help,list)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__list"
                ;;
            bpfscope__subcmd__tool__subcmd__help,load)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__load"
                ;;
            bpfscope__subcmd__tool__subcmd__help,report)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__report"
                ;;
            bpfscope__subcmd__tool__subcmd__help,run)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__run"
                ;;
            bpfscope__subcmd__tool__subcmd__help,unload)
                cmd="bpfscope__subcmd__tool__subcmd__help__subcmd__unload"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        bpfscope)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --table --help --version prog map link cgroup perf net feature btf tool completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__btf)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help show dump help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__btf__subcmd__dump)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__btf__subcmd__help)
            opts="show dump help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__btf__subcmd__help__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__btf__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__btf__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__btf__subcmd__show)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help show tree attach detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__attach)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__detach)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__help)
            opts="show tree attach detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__help__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__help__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__help__subcmd__tree)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__show)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__cgroup__subcmd__tree)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__completions)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help bash zsh fish man"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__feature)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help probe help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__feature__subcmd__help)
            opts="probe help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__feature__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__feature__subcmd__help__subcmd__probe)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__feature__subcmd__probe)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help)
            opts="prog map link cgroup perf net feature btf tool completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__btf)
            opts="show dump"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__btf__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__btf__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__cgroup)
            opts="show tree attach detach"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__cgroup__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__cgroup__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__cgroup__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__cgroup__subcmd__tree)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__feature)
            opts="probe"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__feature__subcmd__probe)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__link)
            opts="show pin detach"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__link__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__link__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__link__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map)
            opts="show dump update lookup getnext delete pin create peek push enqueue pop dequeue freeze"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__dequeue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__enqueue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__freeze)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__getnext)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__lookup)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__peek)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__pop)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__push)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__map__subcmd__update)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__net)
            opts="show"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__net__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__perf)
            opts="show"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__perf__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog)
            opts="show dump pin load loadall attach detach verify"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__load)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__loadall)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__prog__subcmd__verify)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool)
            opts="list load attach detach report unload run"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool__subcmd__load)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool__subcmd__report)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool__subcmd__run)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__help__subcmd__tool__subcmd__unload)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help show pin detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__detach)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__help)
            opts="show pin detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__help__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__help__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__pin)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__link__subcmd__show)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help show dump update lookup getnext delete pin create peek push enqueue pop dequeue freeze help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__create)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__delete)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__dequeue)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__dump)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__enqueue)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__freeze)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__getnext)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help)
            opts="show dump update lookup getnext delete pin create peek push enqueue pop dequeue freeze help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__dequeue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__enqueue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__freeze)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__getnext)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__lookup)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__peek)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__pop)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__push)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__help__subcmd__update)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__lookup)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__peek)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__pin)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__pop)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__push)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__show)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__map__subcmd__update)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__net)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help show help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__net__subcmd__help)
            opts="show help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__net__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__net__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__net__subcmd__show)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__perf)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help show help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__perf__subcmd__help)
            opts="show help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__perf__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__perf__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__perf__subcmd__show)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help show dump pin load loadall attach detach verify help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__attach)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__detach)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__dump)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help)
            opts="show dump pin load loadall attach detach verify help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__load)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__loadall)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__help__subcmd__verify)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__load)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__loadall)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__pin)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__show)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__prog__subcmd__verify)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help list load attach detach report unload run help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__attach)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__detach)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help)
            opts="list load attach detach report unload run help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__load)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__report)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__run)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__help__subcmd__unload)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__list)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__load)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__report)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__run)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfscope__subcmd__tool__subcmd__unload)
            opts="-j -p -f -n -d -h --json --pretty --bpffs --nomount --debug --table --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _bpfscope -o nosort -o bashdefault -o default bpfscope
else
    complete -F _bpfscope -o bashdefault -o default bpfscope
fi
