#!/bin/bash
# Runs a command (the test suite) and checks that the kernel's programs, maps,
# links and the bpffs entries are back where they were. Under CI=true a
# difference fails; elsewhere other work on the machine may move the counts,
# so it is reported only.
set -uo pipefail
count() {
    local bin=${BPFSCOPE:-target/debug/bpfscope}
    local p m l f
    p=$("$bin" -j prog show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    m=$("$bin" -j map show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    l=$("$bin" -j link show 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo "?")
    f=$(find /sys/fs/bpf -mindepth 1 2>/dev/null | wc -l)
    echo "progs=$p maps=$m links=$l bpffs_entries=$f"
}
before=$(count)
"$@"
rc=$?
# Links and programs are freed from a workqueue: give the kernel a moment.
sleep 2
after=$(count)
echo "leak check: before: $before"
echo "leak check: after:  $after"
if [ "$before" != "$after" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "leak check: FAILED: the suite left objects behind"
        [ $rc -eq 0 ] && rc=1
    else
        echo "leak check: counts differ (not CI: other work on this machine may explain it)"
    fi
fi
exit $rc
