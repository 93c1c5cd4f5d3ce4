//! The tracing tools bundled with bpfscope, as data: each [`Tool`] names its
//! embedded BPF object, its options (libbpf-tools' main ones), the programs
//! and attach points the loader works through, and how its maps turn into a
//! report ([`Histogram`]s or [`Event`]s).
//!
//! This crate never touches the kernel: bpfscope's loader opens, loads, pins
//! and attaches the objects; `cmd/tool.rs` reads the pinned maps and hands
//! the raw bytes back here to be decoded. That keeps everything here
//! unit-testable without root.

pub mod args;
pub mod event;
pub mod expr;
pub mod hist;
pub mod probe;

mod bashreadline;
mod biolatency;
mod biosnoop;
mod bytes;
mod disks;
mod execsnoop;
mod opensnoop;
mod runqlat;
mod tcpaccept;

mod argdist;
mod bitesize;
mod cachestat;
mod cpudist;
mod exitsnoop;
mod fsfamily;
mod funccount;
mod funclatency;
mod generic;
mod gethostlatency;
mod hardirqs;
mod killsnoop;
mod klockstat;
mod mdflush;
mod memleak;
mod net;
mod offcputime;
mod offwaketime;
mod oomkill;
mod pidpersec;
mod profile;
mod runqlen;
mod runqslower;
mod sofdsnoop;
mod solisten;
mod sslsniff;
mod stackcount;
pub mod stackhist;
mod stackopts;
pub mod stacks;
mod syscount;
mod sysnames;
pub mod top;

mod biotop;
mod cachetop;
mod filetop;
mod tcpconnect;
mod tcpconnlat;
mod tcpretrans;
mod tcptop;

// Syscall and interrupt tools (issue 21).
mod mountsnoop;
mod shmsnoop;
mod sigsnoop;
// Block, memory, TCP and PMU tools (issue 21).
mod biostacks;
mod inetsock;
mod irqs;
mod llcstat;
mod tcplife;
mod tcpstates;
mod writeback;

// Group B, VFS (issue 21): fentry with a kprobe fallback.
mod capable;
mod dcsnoop;
mod dcstat;
mod filelife;
mod fileslower;
mod probes;
mod softirqs;
mod statsnoop;
mod swapin;
mod syncsnoop;
mod tplist;
mod trace;
mod vfscount;
mod vfsstat;
mod wakeuptime;

pub use args::{ArgError, Config, OptSpec, Parsed, RoValue};
pub use disks::{req_flags_name, DiskNames, ReqNames};
pub use event::{Column, Event};
pub use hist::{render_linear, render_log2, Histogram};

/// `prog profile`'s programs (bpftool's profiler.bpf.c): fentry/fexit
/// programs that read hardware counters around each run of a program.
/// Built with the tools, but not a tool: no metadata, no options.
pub const PROG_PROFILER_OBJECT: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/prog_profiler.bpf.o"));

/// Version written into every object's `bpf_metadata_version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Name of the read-only variable that records the load arguments.
pub const METADATA_ARGS_VAR: &str = "bpf_metadata_args";
/// Its size in the objects (`METADATA_ARGS_LEN` in tools.h), NUL included.
pub const METADATA_ARGS_LEN: usize = 256;

/// Where a program attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachPoint {
    /// BTF-typed raw tracepoint (`tp_btf/NAME`): needs `btf_trace_NAME` in vmlinux BTF.
    TpBtf(&'static str),
    /// Classic tracepoint (`tracepoint/CATEGORY/NAME`): needs tracefs events/CATEGORY/NAME.
    Tracepoint(&'static str, &'static str),
    /// A software cpu-clock perf event on every online CPU, sampling at
    /// [`Config::sample_freq`] Hz (`perf_event` programs): one link per CPU.
    PerfCpuClock,
    /// A hardware perf event (`PERF_TYPE_HARDWARE`) on every online CPU,
    /// running the program every [`Config::sample_period`] events: one link
    /// per CPU. Needs the CPU's PMU (absent in most VMs).
    PerfHardware(HwEvent),
    /// fentry/fexit on a kernel function (BPF trampoline).
    Fentry(&'static str),
    Fexit(&'static str),
    /// kprobe/kretprobe on a kernel function: the fallback where fentry
    /// cannot attach (a tool lists both; the loader keeps one set).
    Kprobe(&'static str),
    Kretprobe(&'static str),
    /// The attach points the configuration names for this program
    /// ([`Config::targets`]: funccount's `t:CAT:NAME`, …), none or many.
    Targets,
    /// uprobe on the entry of a function of a user-space binary:
    /// (BINARY, FUNC). BINARY is a path (`/bin/bash`), a library name
    /// (`libc`, `libssl.so.3`, found as libbpf/BCC find them) or a program
    /// in PATH; [`Config::uprobe_binaries`] may replace it, and
    /// [`Config::uprobe_pid`] limits the probe to one process.
    Uprobe(&'static str, &'static str),
    /// uretprobe on the return of FUNC in BINARY (see [`AttachPoint::Uprobe`]).
    Uretprobe(&'static str, &'static str),
}

/// Generic hardware events of perf_event_open(2), by perf's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HwEvent {
    CacheReferences,
    CacheMisses,
}

impl HwEvent {
    /// `perf_event_attr.config`: PERF_COUNT_HW_* of the kernel's ABI.
    pub fn config(self) -> u64 {
        match self {
            HwEvent::CacheReferences => 2,
            HwEvent::CacheMisses => 3,
        }
    }

    /// perf's name of the event (`perf list`).
    pub fn name(self) -> &'static str {
        match self {
            HwEvent::CacheReferences => "cache-references",
            HwEvent::CacheMisses => "cache-misses",
        }
    }
}

impl AttachPoint {
    /// Programs of a tool with both kinds are alternatives: the loader
    /// keeps the fentry set when this kernel attaches it, else the kprobe set.
    pub fn is_fentry(&self) -> bool {
        matches!(self, AttachPoint::Fentry(_) | AttachPoint::Fexit(_))
    }
    pub fn is_kprobe(&self) -> bool {
        matches!(self, AttachPoint::Kprobe(_) | AttachPoint::Kretprobe(_))
    }
    /// The kernel function a fentry/fexit or kprobe/kretprobe program
    /// traces.
    pub fn kernel_function(&self) -> Option<&'static str> {
        match *self {
            AttachPoint::Fentry(f)
            | AttachPoint::Fexit(f)
            | AttachPoint::Kprobe(f)
            | AttachPoint::Kretprobe(f) => Some(f),
            _ => None,
        }
    }
    /// (binary, function, is_return) of a uprobe or uretprobe.
    pub fn uprobe(&self) -> Option<(&'static str, &'static str, bool)> {
        match *self {
            AttachPoint::Uprobe(bin, func) => Some((bin, func, false)),
            AttachPoint::Uretprobe(bin, func) => Some((bin, func, true)),
            _ => None,
        }
    }
}

impl std::fmt::Display for AttachPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttachPoint::TpBtf(name) => write!(f, "tp_btf/{name}"),
            AttachPoint::Tracepoint(cat, name) => write!(f, "tracepoint/{cat}/{name}"),
            AttachPoint::PerfCpuClock => write!(f, "perf_event/cpu-clock"),
            AttachPoint::PerfHardware(ev) => write!(f, "perf_event/hardware/{}", ev.name()),
            AttachPoint::Fentry(func) => write!(f, "fentry/{func}"),
            AttachPoint::Fexit(func) => write!(f, "fexit/{func}"),
            AttachPoint::Kprobe(func) => write!(f, "kprobe/{func}"),
            AttachPoint::Kretprobe(func) => write!(f, "kretprobe/{func}"),
            AttachPoint::Targets => write!(f, "command-line targets"),
            // libbpf's SEC("uprobe/BINARY:FUNC") spelling.
            AttachPoint::Uprobe(bin, func) => write!(f, "uprobe/{bin}:{func}"),
            AttachPoint::Uretprobe(bin, func) => write!(f, "uretprobe/{bin}:{func}"),
        }
    }
}

/// One program of a tool's object, in attach order.
#[derive(Debug, Clone, Copy)]
pub struct ProgSpec {
    /// Function name in the object (also its pin name).
    pub name: &'static str,
    pub attach: AttachPoint,
}

/// What `tool report` reads and prints.
#[derive(Clone, Copy)]
pub enum Report {
    /// Log2 histograms in the hash map `map`, keyed per tool.
    Histogram {
        map: &'static str,
        decode: fn(&Config, &Session, &[u8], &[u8]) -> Option<Histogram>,
    },
    /// Linear histograms in the hash map `map` (runqlen): slot i counts
    /// the value i itself, printed as libbpf-tools' `print_linear_hist`.
    Linear {
        map: &'static str,
        decode: fn(&Config, &Session, &[u8], &[u8]) -> Option<Histogram>,
    },
    /// Events from the ring buffer `map`; `decode` returns None for events
    /// a user-space filter (-n, -f, …) drops.
    Events {
        map: &'static str,
        columns: fn(&Config) -> Vec<Column>,
        decode: fn(&Config, &mut Session, &[u8]) -> Option<Event>,
    },
    /// Rows made from a whole hash map `map` (counts per syscall, per irq,
    /// per flow, …): `rows` decodes, aggregates, sorts and cuts to the top
    /// N. Printed under a header once per interval; cleared after each
    /// interval like histograms. `header_each`: repeat the header (syscount)
    /// or print it once (cachestat's one row per interval).
    Counts {
        map: &'static str,
        columns: fn(&Config) -> Vec<Column>,
        rows: fn(&Config, &Session, &[MapEntry]) -> Vec<Event>,
        header_each: bool,
    },
    /// Stack samples: `counts` maps a [`stacks::StackKey`] (or a wake key:
    /// two of them, the blocked task's and its waker's) to a u64 (samples
    /// or microseconds), `stacks` is the stack-trace map the ids index.
    Stacks {
        counts: &'static str,
        stacks: &'static str,
        /// What a count is, for the text view: "samples" or "us".
        unit: &'static str,
    },
    /// A top view (biotop, filetop, tcptop, cachetop): `rows` decodes a
    /// whole hash map `map` into rows (aggregated where keys are finer than
    /// rows); the report loop sorts them by one of `sorts` (`-s`, the first
    /// by default), cuts them to `-r`, prints `title` and the table, clears
    /// the map and refreshes every interval (see [`top`]).
    Top {
        map: &'static str,
        columns: fn(&Config) -> Vec<Column>,
        rows: fn(&Config, &Session, &[MapEntry]) -> Vec<Event>,
        sorts: &'static [top::Sort],
        /// The line(s) above the table, given the wall clock HH:MM:SS.
        title: fn(&Config, &Session, &str) -> Option<String>,
    },
    /// Log2 histograms per kernel stack (biostacks): `decode` turns an entry
    /// of hash map `map` into a [`stackhist::StackHist`] whose stack is
    /// addresses, which bpfscope symbolizes; its head is printed under
    /// `columns` (no header line). Cleared after each interval.
    StackHistograms {
        map: &'static str,
        columns: fn(&Config) -> Vec<Column>,
        decode: fn(&Config, &Session, &[u8], &[u8]) -> Option<stackhist::StackHist>,
    },
    /// The report depends on the options (tcpconnect -c counts instead of
    /// printing events; hardirqs -d prints histograms).
    Select(fn(&Config) -> Report),
}

impl Report {
    /// The report for this configuration ([`Report::Select`] resolved).
    pub fn resolve(self, config: &Config) -> Report {
        match self {
            Report::Select(f) => f(config).resolve(config),
            other => other,
        }
    }

    /// Whether it reports per interval (`[INTERVAL [COUNT]]`) rather than
    /// following events.
    pub fn is_interval(&self) -> bool {
        !matches!(self, Report::Events { .. })
    }
}

/// A map entry as read from a pinned map: (key bytes, value bytes).
pub type MapEntry = (Vec<u8>, Vec<u8>);

/// Map (per-CPU array, one u64) counting events the ring buffer had no room for.
pub const DROPS_MAP: &str = "drops";

/// A bundled tool.
pub struct Tool {
    pub name: &'static str,
    pub summary: &'static str,
    /// The compiled BPF object (ELF), embedded at build time.
    pub object: &'static [u8],
    pub options: &'static [OptSpec],
    /// Long names of the options that change only how a report is printed
    /// (-T, -f, --svg, …): `tool report` takes them as well as load/run.
    pub report_options: &'static [&'static str],
    /// Positional arguments accepted by `tool run`/`report`, for help text.
    pub positional: &'static str,
    pub programs: &'static [ProgSpec],
    pub report: Report,
    /// Turns parsed options into read-only data and report settings.
    configure: fn(&Parsed, &Session) -> Result<Config, ArgError>,
}

impl Tool {
    /// Parses the tool's arguments (raw words, libbpf-tools' syntax).
    pub fn configure(&self, args: &[String], session: &Session) -> Result<Config, ArgError> {
        let parsed = args::parse(self.options, args)?;
        if parsed.help {
            return Err(ArgError(format!(
                "{}: -h/--help asks for the usage, not a configuration",
                self.name
            )));
        }
        let mut config = (self.configure)(&parsed, session)?;
        config.args = args::canonical(args)?;
        config.parsed = parsed;
        Ok(config)
    }

    /// A tool that only prints what the host shows (tplist): no object, no
    /// programs; `tool run` prints, `tool load` has nothing to load.
    pub fn loads_nothing(&self) -> bool {
        self.programs.is_empty()
    }

    /// Whether the tool prints histograms (else events).
    pub fn is_histogram(&self) -> bool {
        matches!(self.report, Report::Histogram { .. })
    }

    /// The report for `config` (see [`Report::resolve`]).
    pub fn report_for(&self, config: &Config) -> Report {
        self.report.resolve(config)
    }

    /// The options `tool report` accepts (see [`Tool::report_options`]).
    pub fn report_specs(&self) -> Vec<OptSpec> {
        self.options
            .iter()
            .filter(|o| self.report_options.contains(&o.long))
            .copied()
            .collect()
    }

    /// Whether the words ask for the tool's usage (`-h`/`--help`).
    pub fn wants_help(&self, args: &[String]) -> bool {
        args::wants_help(self.options, args)
    }

    /// Whether the tool can follow events, and whether it can report per
    /// interval. A [`Report::Select`] is resolved with no option and with
    /// each flag alone (the selecting options are flags: tcpconnect -c,
    /// hardirqs -d, runqlen -O).
    fn report_kinds(&self) -> (bool, bool) {
        let mut configs = vec![Config::default()];
        for o in self.options.iter().filter(|o| o.value.is_none()) {
            let mut c = Config::default();
            c.parsed.opts.push((o.long, None));
            configs.push(c);
        }
        let kinds: Vec<bool> = configs
            .iter()
            .map(|c| self.report.resolve(c).is_interval())
            .collect();
        (kinds.contains(&false), kinds.contains(&true))
    }

    /// Usage text: positional arguments and options (see [`usage`]).
    pub fn usage(&self) -> String {
        let mut s = format!(
            "Usage: bpfscope tool {{load|run}} {} [OPTIONS] {}\n{}\n\nOptions:\n",
            self.name, self.positional, self.summary
        );
        for o in self.options {
            let short = o.short.map(|c| format!("-{c}, ")).unwrap_or_default();
            let long = match o.value {
                Some(v) => format!("--{}={}", o.long, v),
                None => format!("--{}", o.long),
            };
            s.push_str(&format!("  {:<28} {}\n", format!("{short}{long}"), o.help));
        }
        s.push_str(&format!("  {:<28} {}\n", "-h, --help", "Print this help"));
        const INTERVAL: &str = "[INTERVAL [COUNT]]: every INTERVAL seconds, COUNT times; \
             each interval report clears the maps (a report without INTERVAL leaves them)";
        const EVENTS: &str = "[COUNT] [duration SECS]: follows events until Ctrl-C, COUNT \
             events or SECS (0: what is buffered now); events read are consumed (a ring \
             buffer gives each event once: two readers share them)";
        const TOP: &str = "[INTERVAL [COUNT]]: refreshes every INTERVAL seconds (tool run: \
             every second by default), COUNT times, clearing the map (a report without \
             INTERVAL leaves it); a terminal's screen is cleared before each refresh unless \
             -C, -b or COUNT is given";
        let (events, interval) = self.report_kinds();
        let top = matches!(self.report, Report::Top { .. });
        let forms = [(events, EVENTS), (interval && !top, INTERVAL), (top, TOP)];
        let reports = !self.loads_nothing();
        for (_, f) in forms.iter().filter(|(shown, _)| *shown && reports) {
            s.push_str(&format!("\nbpfscope tool report {} {f}.", self.name));
        }
        s.push('\n');
        if !self.report_options.is_empty() {
            let opts: Vec<String> = self
                .report_options
                .iter()
                .map(|o| format!("--{o}"))
                .collect();
            s.push_str(&format!(
                "tool report also takes {}, which only change the printing.\n",
                opts.join(", ")
            ));
        }
        s
    }
}

/// Facts about the host a report or configuration needs (disk names,
/// clocks) and per-report state (first timestamp seen), gathered by the
/// caller so this crate stays free of system access.
#[derive(Debug, Default, Clone)]
pub struct Session {
    pub disks: DiskNames,
    /// CLOCK_REALTIME minus CLOCK_MONOTONIC in ns: bpf_ktime_get_ns() + this = wall time.
    pub mono_to_realtime_ns: i128,
    /// Local time's offset from UTC in seconds (tm_gmtoff), for HH:MM:SS columns.
    pub utc_offset_secs: i64,
    /// First event timestamp seen (for relative TIME(s) columns).
    pub first_ts: Option<u64>,
    /// /proc/meminfo's Buffers and Cached, in KiB (cachestat).
    pub meminfo_kb: Option<(u64, u64)>,
    /// Request flag and op names of this kernel (biolatency -F).
    pub req: ReqNames,
    /// /proc/loadavg as read for this report (top views' title).
    pub loadavg: Option<String>,
    /// The tracepoints of this host, for tools that take them as arguments.
    pub tracefs: Option<Tracefs>,
    /// The functions a binary (path, library or program, as uprobes name
    /// it) defines: what `u:LIB:PATTERN` wildcards expand to.
    pub functions: Option<FunctionList>,
}

/// The names of the functions a binary defines, or why they can't be read.
pub type FunctionList = fn(&str) -> Result<Vec<String>, String>;

/// tracefs as the host shows it, read by the caller (bpfscope's src/sys):
/// tools that take tracepoints on the command line check and expand them,
/// and find their fields, through these.
#[derive(Debug, Clone, Copy)]
pub struct Tracefs {
    /// The text of `events/CATEGORY/NAME/format`, or why it can't be read.
    pub format: fn(&str, &str) -> Result<String, String>,
    /// Every tracepoint as (category, name).
    pub list: fn() -> Result<Vec<TracepointName>, String>,
}

/// A tracepoint's (category, name).
pub type TracepointName = (String, String);

impl Session {
    /// Seconds since the first event of this report.
    pub fn relative_secs(&mut self, ts: u64) -> f64 {
        let first = *self.first_ts.get_or_insert(ts);
        ts.saturating_sub(first) as f64 / 1e9
    }

    /// Local wall-clock HH:MM:SS of a bpf_ktime_get_ns() timestamp.
    pub fn wall_hms(&self, ts: u64) -> String {
        let ns =
            ts as i128 + self.mono_to_realtime_ns + self.utc_offset_secs as i128 * 1_000_000_000;
        let secs = ns.div_euclid(1_000_000_000).rem_euclid(86_400) as u64;
        format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        )
    }
}

/// The usage of `tool`: what `tool load|run NAME -h` prints.
pub fn usage(tool: &Tool) -> String {
    tool.usage()
}

/// The usage of `bpfscope tool` itself, with every tool's summary: what
/// `tool --help` prints.
pub fn usage_all() -> String {
    let mut s = String::from(
        "Usage: bpfscope tool {list|load|attach|detach|report|unload|run} [NAME] [ARGS...]\n\n\
         \x20 list [NAME]            tools, their state, running and orphaned instances\n\
         \x20 load NAME [OPTIONS]    load and pin under the tool root, not attached\n\
         \x20 attach NAME            attach a loaded tool (links pinned)\n\
         \x20 detach NAME            remove its links, keep its maps\n\
         \x20 report NAME [ARGS]     print what it recorded (interval reports clear the maps)\n\
         \x20 unload NAME            remove its directory (links, programs, maps)\n\
         \x20 run NAME [OPTIONS]     load, attach and report in the foreground\n\n\
         'bpfscope tool run NAME --help' prints a tool's options.\n\nTools:\n",
    );
    for t in tools() {
        s.push_str(&format!("  {:<12} {}\n", t.name, t.summary));
    }
    s
}

/// Every bundled tool, in `tool list` order.
pub fn tools() -> &'static [Tool] {
    static TOOLS: &[Tool] = &[
        biolatency::TOOL,
        biosnoop::TOOL,
        execsnoop::TOOL,
        opensnoop::TOOL,
        runqlat::TOOL,
        tcpaccept::TOOL,
        bitesize::TOOL,
        cachestat::TOOL,
        fsfamily::EXT4SLOWER,
        hardirqs::TOOL,
        killsnoop::TOOL,
        offcputime::TOOL,
        oomkill::TOOL,
        profile::TOOL,
        syscount::TOOL,
        tcpconnect::TOOL,
        tcpretrans::TOOL,
        // Scheduler tools (issue 21).
        exitsnoop::TOOL,
        cpudist::TOOL,
        sigsnoop::TOOL,
        biotop::TOOL,
        tcplife::TOOL,
        tcpstates::TOOL,
        fsfamily::EXT4DIST,
        fsfamily::XFSSLOWER,
        fsfamily::XFSDIST,
        fsfamily::BTRFSSLOWER,
        fsfamily::BTRFSDIST,
        fsfamily::NFSSLOWER,
        fsfamily::NFSDIST,
        fsfamily::ZFSSLOWER,
        fsfamily::ZFSDIST,
        filetop::TOOL,
        tcptop::TOOL,
        cachetop::TOOL,
        fileslower::TOOL,
        filelife::TOOL,
        dcstat::TOOL,
        dcsnoop::TOOL,
        vfsstat::TOOL,
        vfscount::TOOL,
        capable::TOOL,
        swapin::TOOL,
        tcpconnlat::TOOL,
        solisten::TOOL,
        mdflush::TOOL,
        sofdsnoop::TOOL,
        klockstat::TOOL,
        runqlen::TOOL,
        runqslower::TOOL,
        pidpersec::TOOL,
        wakeuptime::TOOL,
        offwaketime::TOOL,
        writeback::TOOL,
        llcstat::TOOL,
        biostacks::TOOL,
        statsnoop::TOOL,
        syncsnoop::TOOL,
        softirqs::TOOL,
        mountsnoop::TOOL,
        shmsnoop::TOOL,
        funccount::TOOL,
        tplist::TOOL,
        stackcount::TOOL,
        funclatency::TOOL,
        trace::TOOL,
        argdist::TOOL,
        gethostlatency::TOOL,
        bashreadline::TOOL,
        memleak::TOOL,
        sslsniff::TOOL,
    ];
    TOOLS
}

/// The tool called `name`, if bundled (exact match).
pub fn find(name: &str) -> Option<&'static Tool> {
    tools().iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_embedded_elf() {
        for t in tools().iter().filter(|t| !t.loads_nothing()) {
            assert!(t.object.len() > 64, "{}", t.name);
            assert_eq!(&t.object[..4], b"\x7fELF", "{}", t.name);
        }
    }

    #[test]
    fn names_unique_and_sane() {
        let mut names: Vec<_> = tools().iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), tools().len());
        for t in tools() {
            assert_eq!(t.programs.is_empty(), t.object.is_empty(), "{}", t.name);
            for p in t.programs {
                // Pin names must be plain file names.
                assert!(!p.name.contains('/') && !p.name.is_empty());
            }
        }
    }

    #[test]
    fn usage_names_the_report_forms_a_tool_has() {
        let forms = |name: &str| {
            let u = find(name).map(|t| t.usage()).unwrap_or_default();
            (u.contains("follows events"), u.contains("every INTERVAL"))
        };
        assert_eq!(forms("tcpconnect"), (true, true));
        assert_eq!(forms("runqlen"), (false, true));
        assert_eq!(forms("execsnoop"), (true, false));
    }

    #[test]
    fn event_tools_take_a_duration_option() {
        for t in tools() {
            let events = matches!(t.report, Report::Events { .. }) && !t.loads_nothing();
            if events || t.name == "tcpconnect" {
                assert!(t.options.iter().any(|o| o.long == "duration"), "{}", t.name);
            }
        }
        for t in tools() {
            let mut shorts: Vec<char> = t.options.iter().filter_map(|o| o.short).collect();
            let n = shorts.len();
            shorts.sort();
            shorts.dedup();
            assert_eq!(shorts.len(), n, "{}: a short option twice", t.name);
        }
    }

    /// The loader keeps either the fentry set or the kprobe set of a tool:
    /// each must trace the same kernel functions, or the tool would see
    /// other events depending on the kernel it runs on.
    #[test]
    fn fentry_and_kprobe_sets_cover_the_same_functions() {
        use std::collections::BTreeSet;
        for t in tools() {
            let funcs = |kprobe: bool| -> BTreeSet<&str> {
                t.programs
                    .iter()
                    .filter_map(|p| match p.attach {
                        AttachPoint::Fentry(f) | AttachPoint::Fexit(f) if !kprobe => Some(f),
                        AttachPoint::Kprobe(f) | AttachPoint::Kretprobe(f) if kprobe => Some(f),
                        _ => None,
                    })
                    .collect()
            };
            let (fentry, kprobe) = (funcs(false), funcs(true));
            if !fentry.is_empty() || !kprobe.is_empty() {
                assert_eq!(fentry, kprobe, "{}: fentry and kprobe sets differ", t.name);
            }
        }
    }

    /// libbpf binds an fentry/fexit program to its target at load by the
    /// section name, while the loader probes the [`AttachPoint`]: the two
    /// must name the same function (the section is in the object's
    /// string table, NUL-terminated).
    #[test]
    fn fentry_sections_match_their_attach_points() {
        for t in tools() {
            for p in t.programs.iter().filter(|p| p.attach.is_fentry()) {
                let mut section = p.attach.to_string().into_bytes();
                section.push(0);
                assert!(
                    t.object.windows(section.len()).any(|w| w == section),
                    "{}: no section {} for {}",
                    t.name,
                    p.attach,
                    p.name
                );
            }
        }
    }

    #[test]
    fn report_options_are_options() {
        for t in tools() {
            for r in t.report_options {
                assert!(t.options.iter().any(|o| o.long == *r), "{}: {r}", t.name);
            }
        }
    }

    #[test]
    fn uprobe_points_read_like_libbpf_sections() {
        let p = AttachPoint::Uretprobe("/bin/bash", "readline");
        assert_eq!(p.to_string(), "uretprobe//bin/bash:readline");
        assert_eq!(p.uprobe(), Some(("/bin/bash", "readline", true)));
        assert_eq!(
            AttachPoint::Uprobe("libc", "malloc").to_string(),
            "uprobe/libc:malloc"
        );
        assert_eq!(AttachPoint::Kprobe("f").uprobe(), None);
        let config = Config {
            uprobe_binaries: vec![("libc", "/opt/libc.so.6".into())],
            ..Default::default()
        };
        assert_eq!(config.uprobe_binary("libc"), "/opt/libc.so.6");
        assert_eq!(config.uprobe_binary("libssl"), "libssl");
    }

    #[test]
    fn wall_clock() {
        let s = Session {
            mono_to_realtime_ns: 3_600_000_000_000 + 61_000_000_000,
            ..Default::default()
        };
        assert_eq!(s.wall_hms(0), "01:01:01");
        let s = Session {
            utc_offset_secs: -7200,
            ..s
        };
        assert_eq!(s.wall_hms(0), "23:01:01");
    }
}
