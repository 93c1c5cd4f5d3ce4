# bpfscope completion, generated from its grammar (`bpfscope completions SHELL`).
# The binary answers what may come next (keywords, live ids, names, pins):
# `bpfscope completions words -- WORDS…`; '@file' asks the shell for paths.
# The table below, every keyword per command, is used when it can't answer.
declare -gA _bpfscope_keywords=(
  [""]="help batch prog map link cgroup perf net feature btf gen struct_ops iter token version tool serve top completions"
  ["batch"]="file help"
  ["batch file"]=""
  ["prog"]="show dump pin load loadall attach detach verify tracelog run profile help"
  ["prog show"]="id pinned tag name"
  ["prog dump"]="xlated file prog opcodes visual format dot svg png html linum id pinned tag name jited"
  ["prog pin"]="id pinned tag name"
  ["prog load"]="type map idx name id pinned pinmaps autoattach offload_dev xdpmeta_dev kernel_btf"
  ["prog loadall"]="type map idx name id pinned pinmaps autoattach offload_dev xdpmeta_dev kernel_btf"
  ["prog attach"]="id pinned tag name stream_parser stream_verdict msg_verdict flow_dissector skb_verdict"
  ["prog detach"]="id pinned tag name stream_parser stream_verdict msg_verdict flow_dissector skb_verdict"
  ["prog verify"]="prog --prog --compare --log-level --log-file --visual visual format --format dot svg png html --as-unprivileged --sort --filter"
  ["prog tracelog"]=""
  ["prog run"]="id pinned tag name data_in data_out data_size_out ctx_in ctx_out ctx_size_out repeat"
  ["prog profile"]="id pinned tag name duration cycles instructions l1d_loads llc_misses itlb_misses dtlb_misses"
  ["map"]="show dump update lookup getnext delete pin create peek push enqueue pop dequeue freeze event_pipe help"
  ["map show"]="id pinned name"
  ["map dump"]="id pinned name --recursive"
  ["map update"]="id pinned name key hex key-json value tag value-json any exist noexist"
  ["map lookup"]="id pinned name key hex key-json value tag value-json"
  ["map getnext"]="id pinned name key hex key-json"
  ["map delete"]="id pinned name key hex key-json --all"
  ["map pin"]="id pinned name"
  ["map create"]="type key value entries name flags inner_map id pinned offload_dev extra"
  ["map peek"]="id pinned name"
  ["map push"]="id pinned name value tag hex value-json"
  ["map enqueue"]="id pinned name value tag hex value-json"
  ["map pop"]="id pinned name"
  ["map dequeue"]="id pinned name"
  ["map freeze"]="id pinned name"
  ["map event_pipe"]="id pinned name cpu index type"
  ["link"]="show pin detach help"
  ["link show"]="id pinned"
  ["link pin"]="id pinned"
  ["link detach"]="id pinned"
  ["cgroup"]="show tree attach detach help"
  ["cgroup show"]="effective"
  ["cgroup tree"]="effective"
  ["cgroup attach"]="ingress egress sock_create sock_ops device bind4 bind6 connect4 connect6 post_bind4 post_bind6 sendmsg4 sendmsg6 sysctl recvmsg4 recvmsg6 getsockopt setsockopt sock_release getpeername4 getpeername6 getsockname4 getsockname6 connect_unix sendmsg_unix recvmsg_unix getpeername_unix getsockname_unix id pinned tag name multi override"
  ["cgroup detach"]="ingress egress sock_create sock_ops device bind4 bind6 connect4 connect6 post_bind4 post_bind6 sendmsg4 sendmsg6 sysctl recvmsg4 recvmsg6 getsockopt setsockopt sock_release getpeername4 getpeername6 getsockname4 getsockname6 connect_unix sendmsg_unix recvmsg_unix getpeername_unix getsockname_unix id pinned tag name"
  ["perf"]="show help"
  ["perf show"]="links"
  ["net"]="show attach detach help"
  ["net show"]="dev"
  ["net attach"]="xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress id pinned tag name dev overwrite prepend"
  ["net detach"]="xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress dev"
  ["feature"]="probe list_builtins help"
  ["feature probe"]="kernel dev full unprivileged macros prefix"
  ["feature list_builtins"]="prog_types map_types attach_types link_types helpers"
  ["btf"]="show dump help"
  ["btf show"]="id pinned"
  ["btf dump"]="id prog pinned tag name map key value kv all file format raw c root_id unsorted"
  ["gen"]="object skeleton subskeleton min_core_btf help"
  ["gen object"]=""
  ["gen skeleton"]="--rust name"
  ["gen subskeleton"]="name"
  ["gen min_core_btf"]=""
  ["struct_ops"]="show register unregister dump help"
  ["struct_ops show"]="id name"
  ["struct_ops register"]=""
  ["struct_ops unregister"]="id name"
  ["struct_ops dump"]="id name"
  ["iter"]="pin help"
  ["iter pin"]="map id pinned name"
  ["token"]="show help"
  ["token show"]=""
  ["version"]=" help"
  ["tool"]="list load attach detach report unload run help"
  ["tool list"]=""
  ["tool load"]=""
  ["tool attach"]=""
  ["tool detach"]=""
  ["tool report"]=""
  ["tool unload"]=""
  ["tool run"]=""
  ["serve"]="start help"
  ["serve start"]="--listen --stats --tool-root --map-entries --max-series"
  ["top"]="show help"
  ["top show"]="-b -n -d"
  ["completions"]="bash zsh fish man help"
  ["completions bash"]=""
  ["completions zsh"]=""
  ["completions fish"]=""
  ["completions man"]=""
)
_bpfscope_globals="-j --json -p --pretty -f --bpffs -n --nomount -d --debug -m --mapcompat -L --use-loader -B --base-btf --table -V --version -h --help"

_bpfscope() {
    local cur=${COMP_WORDS[COMP_CWORD]} bin=${COMP_WORDS[0]} c out
    local -a words=("${COMP_WORDS[@]:1:COMP_CWORD-1}") pos=()
    COMPREPLY=()
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_bpfscope_globals" -- "$cur"))
        return
    fi
    if ! out=$("$bin" completions words -- "${words[@]}" 2>/dev/null); then
        for c in "${words[@]}"; do [[ $c == -* ]] || pos+=("$c"); done
        out=${_bpfscope_keywords["${pos[*]:0:2}"]}
        out=${out// /$'\n'}
    fi
    while IFS= read -r c; do
        if [[ $c == @file ]]; then
            COMPREPLY+=($(compgen -f -- "$cur"))
        elif [[ -n $c && $c == "$cur"* ]]; then
            COMPREPLY+=("$c")
        fi
    done <<< "$out"
}
complete -F _bpfscope bpfscope
