//! memleak: outstanding allocations summed by stack (libbpf-tools'
//! memleak in its --combined-only form). `-p PID`: uprobes on the
//! allocator functions of libc (or `-O OBJ`) in that process, user stacks;
//! otherwise the kernel's kmem tracepoints (and percpu with -P), kernel
//! stacks. The report is a stack report whose count is outstanding bytes.

use crate::args::{err, flag, interval_count, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

/// Stacks shown without -T, as libbpf-tools.
const DEFAULT_TOP: usize = 10;

/// The allocator's object; -O replaces it.
const LIBC: &str = "libc";

const OPTIONS: &[OptSpec] = &[
    opt(
        Some('p'),
        "pid",
        "PID",
        "process ID to trace. if not specified, trace kernel allocs",
    ),
    opt(
        Some('O'),
        "obj",
        "OBJECT",
        "attach to allocator functions in the specified object",
    ),
    opt(
        Some('z'),
        "min-size",
        "MIN_SIZE",
        "capture only allocations larger than or equal to this size",
    ),
    opt(
        Some('Z'),
        "max-size",
        "MAX_SIZE",
        "capture only allocations smaller than or equal to this size",
    ),
    opt(
        Some('s'),
        "sample-rate",
        "SAMPLE_RATE",
        "sample every N-th allocation to decrease the overhead",
    ),
    opt(
        Some('T'),
        "top",
        "TOP_STACKS",
        "display only this many top allocating stacks (by size)",
    ),
    flag('P', "percpu", "trace percpu allocations"),
    flag(
        'F',
        "wa-missing-free",
        "workaround to alleviate misjudgments when free is missing",
    ),
    opt(
        None,
        "perf-max-stack-depth",
        "PERF-MAX-STACK-DEPTH",
        "the limit for both kernel and user stack traces (default 127)",
    ),
    opt(
        None,
        "stack-storage-size",
        "STACK-STORAGE-SIZE",
        "the number of unique stack traces that can be stored and displayed (default 10240)",
    ),
];

const fn up(name: &'static str, func: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Uprobe(LIBC, func),
    }
}

const fn uret(name: &'static str, func: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Uretprobe(LIBC, func),
    }
}

const fn kmem(name: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Tracepoint("kmem", name),
    }
}

const fn percpu(name: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Tracepoint("percpu", name),
    }
}

/// User mode: the uprobes. Kernel mode: the kmem tracepoints, and the
/// percpu ones with -P.
const PROGRAMS: &[ProgSpec] = &[
    up("malloc_enter", "malloc"),
    uret("malloc_exit", "malloc"),
    up("calloc_enter", "calloc"),
    uret("calloc_exit", "calloc"),
    up("realloc_enter", "realloc"),
    uret("realloc_exit", "realloc"),
    up("mmap_enter", "mmap"),
    uret("mmap_exit", "mmap"),
    up("mremap_enter", "mremap"),
    uret("mremap_exit", "mremap"),
    up("posix_memalign_enter", "posix_memalign"),
    uret("posix_memalign_exit", "posix_memalign"),
    up("memalign_enter", "memalign"),
    uret("memalign_exit", "memalign"),
    up("aligned_alloc_enter", "aligned_alloc"),
    uret("aligned_alloc_exit", "aligned_alloc"),
    up("valloc_enter", "valloc"),
    uret("valloc_exit", "valloc"),
    up("pvalloc_enter", "pvalloc"),
    uret("pvalloc_exit", "pvalloc"),
    up("free_enter", "free"),
    up("munmap_enter", "munmap"),
    kmem("kmalloc"),
    kmem("kfree"),
    kmem("kmem_cache_alloc"),
    kmem("kmem_cache_free"),
    kmem("mm_page_alloc"),
    kmem("mm_page_free"),
    percpu("percpu_alloc_percpu"),
    percpu("percpu_free_percpu"),
];

/// The names of the programs of one mode.
fn programs(user: bool, category: &str) -> impl Iterator<Item = &'static str> + '_ {
    PROGRAMS
        .iter()
        .filter(move |p| match p.attach {
            AttachPoint::Tracepoint(cat, _) => !user && cat == category,
            _ => user && p.attach.uprobe().is_some(),
        })
        .map(|p| p.name)
}

pub(crate) const TOOL: Tool = Tool {
    name: "memleak",
    summary: "Trace outstanding memory allocations",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/memleak.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Stacks {
        counts: "outstanding",
        stacks: "stack_traces",
        unit: "bytes",
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    interval_count(p, &mut c)?;
    let pid = pid_opt(p, "pid")?;
    match pid {
        // User mode: the uprobes, in that process only.
        Some(pid) => {
            c.uprobe_pid = Some(pid);
            c.skip_programs.extend(programs(false, "kmem"));
            c.skip_programs.extend(programs(false, "percpu"));
            if p.has("percpu") {
                return err("-P traces kernel percpu allocations: not with -p");
            }
        }
        None => {
            c.skip_programs.extend(programs(true, ""));
            if !p.has("percpu") {
                c.skip_programs.extend(programs(false, "percpu"));
            }
            if p.has("obj") {
                return err("-O names the allocator of a process: it needs -p");
            }
        }
    }
    c.rodata.push(("kernel_mode", RoValue::Bool(pid.is_none())));
    c.top = match p.number::<usize>("top")? {
        Some(0) => return err("invalid TOP_STACKS 0: at least 1"),
        Some(n) => Some(n),
        None => Some(DEFAULT_TOP),
    };
    if let Some(obj) = p.value("obj") {
        c.uprobe_binaries.push((LIBC, obj.to_string()));
    }
    let min = p.number::<u64>("min-size")?;
    let max = p.number::<u64>("max-size")?;
    if let (Some(a), Some(b)) = (min, max) {
        if a > b {
            return err("min size (-z) can't be greater than max_size (-Z)");
        }
    }
    if let Some(v) = min {
        c.rodata.push(("min_size", RoValue::U64(v)));
    }
    if let Some(v) = max {
        c.rodata.push(("max_size", RoValue::U64(v)));
    }
    match p.number::<u64>("sample-rate")? {
        Some(0) => return err("invalid SAMPLE_RATE 0: sample every N-th allocation, N >= 1"),
        Some(n) => c.rodata.push(("sample_rate", RoValue::U64(n))),
        None => {}
    }
    c.rodata
        .push(("wa_missing_free", RoValue::Bool(p.has("wa-missing-free"))));
    let depth = p.number::<u32>("perf-max-stack-depth")?;
    let storage = p.number::<u32>("stack-storage-size")?;
    if depth.is_some_and(|d| d == 0 || d > 127) {
        return err("invalid PERF-MAX-STACK-DEPTH: 1 to 127 frames");
    }
    if storage == Some(0) {
        return err("invalid STACK-STORAGE-SIZE: at least 1");
    }
    if depth.is_some() || storage.is_some() {
        c.map_sizes
            .push(("stack_traces", depth.map(|d| d * 8), storage));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &str) -> Result<Config, ArgError> {
        let words: Vec<String> = args.split_whitespace().map(String::from).collect();
        TOOL.configure(&words, &Session::default())
    }

    fn runs(c: &Config) -> Vec<&'static str> {
        PROGRAMS
            .iter()
            .filter(|p| c.runs_program(p.name))
            .map(|p| p.name)
            .collect()
    }

    #[test]
    fn every_program_is_user_or_kernel_and_exits_are_uretprobes() {
        let n = |user, cat| programs(user, cat).count();
        assert_eq!(
            PROGRAMS.len(),
            n(true, "") + n(false, "kmem") + n(false, "percpu")
        );
        for p in PROGRAMS {
            if let Some((_, func, ret)) = p.attach.uprobe() {
                assert_eq!(ret, p.name.ends_with("_exit"), "{}", p.name);
                assert!(p.name.starts_with(func), "{}", p.name);
            }
        }
    }

    #[test]
    fn pid_selects_the_uprobes_in_that_process() {
        let c = config("-p 42 -O /opt/libjemalloc.so").unwrap();
        assert_eq!(c.uprobe_pid, Some(42));
        assert_eq!(c.uprobe_binary(LIBC), "/opt/libjemalloc.so");
        let r = runs(&c);
        assert_eq!(r.len(), 22);
        assert!(r.contains(&"malloc_exit") && !r.contains(&"kmalloc"));
    }

    #[test]
    fn kernel_mode_by_default_percpu_on_request() {
        let c = config("").unwrap();
        assert_eq!(
            runs(&c),
            [
                "kmalloc",
                "kfree",
                "kmem_cache_alloc",
                "kmem_cache_free",
                "mm_page_alloc",
                "mm_page_free"
            ]
        );
        let c = config("-P 5 2").unwrap();
        assert_eq!(runs(&c).len(), 8);
        assert_eq!((c.interval, c.count), (Some(5), Some(2)));
    }

    #[test]
    fn bad_combinations() {
        for bad in [
            "-O libc",
            "-p 1 -P",
            "-z 10 -Z 5",
            "-s 0",
            "--perf-max-stack-depth 0",
            "--stack-storage-size 0",
            "-p 0",
            "-T 0",
        ] {
            assert!(config(bad).is_err(), "{bad}");
        }
        assert_eq!(config("").unwrap().top, Some(10));
        assert_eq!(config("-T 3").unwrap().top, Some(3));
        let c = config("-z 8 -Z 64 -s 3 -F --perf-max-stack-depth 20").unwrap();
        assert_eq!(c.map_sizes, vec![("stack_traces", Some(160), None)]);
    }
}
