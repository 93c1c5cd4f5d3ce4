# bpfscope completion, generated from its grammar (`bpfscope completions SHELL`).
# The binary answers what may come next (keywords, live ids, names, pins):
# `bpfscope completions words -- WORDS…`; '@file' asks the shell for paths.
# The table below, every keyword per command, is used when it can't answer.
set -g __bpfscope_kw__ help batch prog map link cgroup perf net feature btf gen struct_ops iter token version tool serve top completions
set -g __bpfscope_kw_batch file help
set -g __bpfscope_kw_batch_file 
set -g __bpfscope_kw_prog show dump pin load loadall attach detach verify tracelog run profile help
set -g __bpfscope_kw_prog_show id pinned tag name
set -g __bpfscope_kw_prog_dump xlated file prog opcodes visual format dot svg png html linum id pinned tag name jited
set -g __bpfscope_kw_prog_pin id pinned tag name
set -g __bpfscope_kw_prog_load type map idx name id pinned pinmaps autoattach offload_dev xdpmeta_dev kernel_btf
set -g __bpfscope_kw_prog_loadall type map idx name id pinned pinmaps autoattach offload_dev xdpmeta_dev kernel_btf
set -g __bpfscope_kw_prog_attach id pinned tag name stream_parser stream_verdict msg_verdict flow_dissector skb_verdict
set -g __bpfscope_kw_prog_detach id pinned tag name stream_parser stream_verdict msg_verdict flow_dissector skb_verdict
set -g __bpfscope_kw_prog_verify prog --prog --compare --log-level --log-file --visual visual format --format dot svg png html --as-unprivileged --sort --filter
set -g __bpfscope_kw_prog_tracelog 
set -g __bpfscope_kw_prog_run id pinned tag name data_in data_out data_size_out ctx_in ctx_out ctx_size_out repeat
set -g __bpfscope_kw_prog_profile id pinned tag name duration cycles instructions l1d_loads llc_misses itlb_misses dtlb_misses
set -g __bpfscope_kw_map show dump update lookup getnext delete pin create peek push enqueue pop dequeue freeze event_pipe help
set -g __bpfscope_kw_map_show id pinned name
set -g __bpfscope_kw_map_dump id pinned name --recursive
set -g __bpfscope_kw_map_update id pinned name key hex key-json value tag value-json any exist noexist
set -g __bpfscope_kw_map_lookup id pinned name key hex key-json value tag value-json
set -g __bpfscope_kw_map_getnext id pinned name key hex key-json
set -g __bpfscope_kw_map_delete id pinned name key hex key-json --all
set -g __bpfscope_kw_map_pin id pinned name
set -g __bpfscope_kw_map_create type key value entries name flags inner_map id pinned offload_dev extra
set -g __bpfscope_kw_map_peek id pinned name
set -g __bpfscope_kw_map_push id pinned name value tag hex value-json
set -g __bpfscope_kw_map_enqueue id pinned name value tag hex value-json
set -g __bpfscope_kw_map_pop id pinned name
set -g __bpfscope_kw_map_dequeue id pinned name
set -g __bpfscope_kw_map_freeze id pinned name
set -g __bpfscope_kw_map_event_pipe id pinned name cpu index type
set -g __bpfscope_kw_link show pin detach help
set -g __bpfscope_kw_link_show id pinned
set -g __bpfscope_kw_link_pin id pinned
set -g __bpfscope_kw_link_detach id pinned
set -g __bpfscope_kw_cgroup show tree attach detach help
set -g __bpfscope_kw_cgroup_show effective
set -g __bpfscope_kw_cgroup_tree effective
set -g __bpfscope_kw_cgroup_attach ingress egress sock_create sock_ops device bind4 bind6 connect4 connect6 post_bind4 post_bind6 sendmsg4 sendmsg6 sysctl recvmsg4 recvmsg6 getsockopt setsockopt sock_release getpeername4 getpeername6 getsockname4 getsockname6 connect_unix sendmsg_unix recvmsg_unix getpeername_unix getsockname_unix id pinned tag name multi override
set -g __bpfscope_kw_cgroup_detach ingress egress sock_create sock_ops device bind4 bind6 connect4 connect6 post_bind4 post_bind6 sendmsg4 sendmsg6 sysctl recvmsg4 recvmsg6 getsockopt setsockopt sock_release getpeername4 getpeername6 getsockname4 getsockname6 connect_unix sendmsg_unix recvmsg_unix getpeername_unix getsockname_unix id pinned tag name
set -g __bpfscope_kw_perf show help
set -g __bpfscope_kw_perf_show links
set -g __bpfscope_kw_net show attach detach help
set -g __bpfscope_kw_net_show dev
set -g __bpfscope_kw_net_attach xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress id pinned tag name dev overwrite prepend
set -g __bpfscope_kw_net_detach xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress dev
set -g __bpfscope_kw_feature probe list_builtins help
set -g __bpfscope_kw_feature_probe kernel dev full unprivileged macros prefix
set -g __bpfscope_kw_feature_list_builtins prog_types map_types attach_types link_types helpers
set -g __bpfscope_kw_btf show dump help
set -g __bpfscope_kw_btf_show id pinned
set -g __bpfscope_kw_btf_dump id prog pinned tag name map key value kv all file format raw c root_id unsorted
set -g __bpfscope_kw_gen object skeleton subskeleton min_core_btf help
set -g __bpfscope_kw_gen_object 
set -g __bpfscope_kw_gen_skeleton --rust name
set -g __bpfscope_kw_gen_subskeleton name
set -g __bpfscope_kw_gen_min_core_btf 
set -g __bpfscope_kw_struct_ops show register unregister dump help
set -g __bpfscope_kw_struct_ops_show id name
set -g __bpfscope_kw_struct_ops_register 
set -g __bpfscope_kw_struct_ops_unregister id name
set -g __bpfscope_kw_struct_ops_dump id name
set -g __bpfscope_kw_iter pin help
set -g __bpfscope_kw_iter_pin map id pinned name
set -g __bpfscope_kw_token show help
set -g __bpfscope_kw_token_show 
set -g __bpfscope_kw_version  help
set -g __bpfscope_kw_tool list load attach detach report unload run help
set -g __bpfscope_kw_tool_list 
set -g __bpfscope_kw_tool_load 
set -g __bpfscope_kw_tool_attach 
set -g __bpfscope_kw_tool_detach 
set -g __bpfscope_kw_tool_report 
set -g __bpfscope_kw_tool_unload 
set -g __bpfscope_kw_tool_run 
set -g __bpfscope_kw_serve start help
set -g __bpfscope_kw_serve_start --listen --stats --tool-root --map-entries --max-series
set -g __bpfscope_kw_top show help
set -g __bpfscope_kw_top_show -b -n -d
set -g __bpfscope_kw_completions bash zsh fish man help
set -g __bpfscope_kw_completions_bash 
set -g __bpfscope_kw_completions_zsh 
set -g __bpfscope_kw_completions_fish 
set -g __bpfscope_kw_completions_man 
set -g __bpfscope_globals -j --json -p --pretty -f --bpffs -n --nomount -d --debug -m --mapcompat -L --use-loader -B --base-btf --table -V --version -h --help

function __bpfscope_complete
    set -l words (commandline -opc)[2..-1]
    set -l out (bpfscope completions words -- $words 2>/dev/null)
    or begin
        set -l pos (string match -v -- '-*' $words)
        set -l var __bpfscope_kw_(string join _ $pos[1..2])
        test (count $pos) -eq 0; and set var __bpfscope_kw__
        set out $$var
    end
    for c in $out
        if test "$c" = @file
            __fish_complete_path (commandline -ct)
        else
            echo $c
        end
    end
end
complete -c bpfscope -f -a '(__bpfscope_complete)'
complete -c bpfscope -f -n 'string match -q -- "-*" (commandline -ct)' -a "$__bpfscope_globals"
