//! Tool options in libbpf-tools' getopt style (`-m`, `-mD`, `-p 42`, `-p42`,
//! `--pid 42`, `--pid=42`, `--`), the configuration they produce, and the
//! canonical argument string stored in the object's `bpf_metadata_args`.

/// One option a tool accepts.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    pub short: Option<char>,
    pub long: &'static str,
    /// Value name when the option takes a value.
    pub value: Option<&'static str>,
    pub help: &'static str,
}

/// A bad tool argument: what was wrong, said for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ArgError(pub String);

pub(crate) fn err<T>(msg: impl Into<String>) -> Result<T, ArgError> {
    Err(ArgError(msg.into()))
}

/// Options seen (by long name, in order) and positional words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub opts: Vec<(&'static str, Option<String>)>,
    pub positionals: Vec<String>,
    /// `-h` or `--help` was given (as an option, not as a value).
    pub help: bool,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.opts.iter().any(|(l, _)| *l == long)
    }

    /// Last value given for `long`.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value given for a repeatable option.
    pub fn values(&self, long: &str) -> Vec<&str> {
        self.opts
            .iter()
            .filter(|(l, _)| *l == long)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    /// Value of `long` parsed as a number.
    pub fn number<T: std::str::FromStr>(&self, long: &str) -> Result<Option<T>, ArgError> {
        match self.value(long) {
            None => Ok(None),
            Some(v) => v
                .parse::<T>()
                .map(Some)
                .or_else(|_| err(format!("invalid value for --{long}: '{v}'"))),
        }
    }
}

/// Parses `args` against `specs`. `-h`/`--help` are every tool's (as in
/// libbpf-tools' argp): they set [`Parsed::help`], and a later bad word
/// is not an error then, so `NAME --help --bogus` still prints the usage.
pub fn parse(specs: &[OptSpec], args: &[String]) -> Result<Parsed, ArgError> {
    match parse_words(specs, args) {
        Err(_) if wants_help(specs, args) => Ok(Parsed {
            help: true,
            ..Parsed::default()
        }),
        other => other,
    }
}

/// Whether `-h`/`--help` appears among `args` as an option before any
/// error or `--` (not as the value of an option such as `-c -h`).
pub fn wants_help(specs: &[OptSpec], args: &[String]) -> bool {
    for (i, a) in args.iter().enumerate() {
        if a == "--" {
            return false;
        }
        if a == "-h" || a == "--help" {
            // Taken as a value if the word before is an option needing one.
            let prev = i.checked_sub(1).map(|j| args[j].as_str());
            let is_value = prev.is_some_and(|p| needs_value(specs, p));
            if !is_value {
                return true;
            }
        }
    }
    false
}

/// Whether word `w` is an option whose value is the next word.
fn needs_value(specs: &[OptSpec], w: &str) -> bool {
    if let Some(long) = w.strip_prefix("--") {
        return !long.contains('=') && specs.iter().any(|s| s.long == long && s.value.is_some());
    }
    let Some(cluster) = w.strip_prefix('-') else {
        return false;
    };
    // The last short option of a cluster takes the next word only when
    // nothing follows it in the cluster.
    for (n, c) in cluster.char_indices() {
        match specs.iter().find(|s| s.short == Some(c)) {
            Some(s) if s.value.is_some() => return n + c.len_utf8() == cluster.len(),
            Some(_) => {}
            None => return false,
        }
    }
    false
}

fn parse_words(specs: &[OptSpec], args: &[String]) -> Result<Parsed, ArgError> {
    let mut out = Parsed::default();
    let mut i = 0;
    let mut only_positional = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if only_positional || arg == "-" || !arg.starts_with('-') {
            out.positionals.push(arg.clone());
            continue;
        }
        if arg == "--" {
            only_positional = true;
            continue;
        }
        if arg == "-h" || arg == "--help" {
            out.help = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(spec) = specs.iter().find(|s| s.long == name) else {
                return err(format!("unknown option '--{name}'"));
            };
            let value = match (spec.value, inline) {
                (None, None) => None,
                (None, Some(_)) => return err(format!("option '--{name}' takes no value")),
                (Some(_), Some(v)) => Some(v),
                (Some(meta), None) => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        Some(v.clone())
                    }
                    None => return err(format!("option '--{name}' needs a value ({meta})")),
                },
            };
            out.opts.push((spec.long, value));
            continue;
        }
        // A cluster of short options: -mD, -p42, -p 42.
        let chars: Vec<char> = arg[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let Some(spec) = specs.iter().find(|s| s.short == Some(c)) else {
                return err(format!("unknown option '-{c}'"));
            };
            if spec.value.is_none() {
                out.opts.push((spec.long, None));
                continue;
            }
            let rest: String = chars[j..].iter().collect();
            let value = if !rest.is_empty() {
                rest
            } else if let Some(v) = args.get(i) {
                i += 1;
                v.clone()
            } else {
                return err(format!(
                    "option '-{c}' needs a value ({})",
                    spec.value.unwrap_or("VALUE")
                ));
            };
            out.opts.push((spec.long, Some(value)));
            break;
        }
    }
    Ok(out)
}

/// The argument words as stored in `bpf_metadata_args`: space-joined, a
/// space or backslash inside a word escaped with a backslash (trace's
/// format strings have spaces), so that [`split_canonical`] gives the
/// words back. Other white space and control characters are refused.
pub fn canonical(args: &[String]) -> Result<String, ArgError> {
    let mut words = Vec::with_capacity(args.len());
    for a in args {
        if a.is_empty()
            || a.chars()
                .any(|c| (c.is_whitespace() && c != ' ') || c.is_control())
        {
            return err(format!(
                "argument '{}' is empty or contains control characters or white space other than spaces",
                a.escape_debug()
            ));
        }
        words.push(a.replace('\\', "\\\\").replace(' ', "\\ "));
    }
    let s = words.join(" ");
    if s.len() >= crate::METADATA_ARGS_LEN {
        return err(format!(
            "arguments too long ({} bytes, at most {})",
            s.len(),
            crate::METADATA_ARGS_LEN - 1
        ));
    }
    Ok(s)
}

/// The words of a [`canonical`] string.
pub fn split_canonical(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => word.extend(chars.next()),
            ' ' if !word.is_empty() => words.push(std::mem::take(&mut word)),
            ' ' => {}
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A value for a read-only (`const volatile`) variable, set before load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoValue {
    Bool(bool),
    U16(u16),
    U32(u32),
    I32(i32),
    /// A char array: the string, NUL-padded to the variable's size.
    Str(String),
    U64(u64),
    I64(i64),
    /// Raw bytes of exactly the variable's size (arrays: tcpconnect's ports).
    Bytes(Vec<u8>),
}

impl RoValue {
    /// Native-endian bytes; strings are not padded here.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            RoValue::Bool(b) => vec![u8::from(*b)],
            RoValue::U16(v) => v.to_ne_bytes().to_vec(),
            RoValue::U32(v) => v.to_ne_bytes().to_vec(),
            RoValue::I32(v) => v.to_ne_bytes().to_vec(),
            RoValue::Str(s) => s.as_bytes().to_vec(),
            RoValue::U64(v) => v.to_ne_bytes().to_vec(),
            RoValue::I64(v) => v.to_ne_bytes().to_vec(),
            RoValue::Bytes(b) => b.clone(),
        }
    }
}

/// Spec of a flag (no value).
pub(crate) const fn flag(short: char, long: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        short: Some(short),
        long,
        value: None,
        help,
    }
}

/// Spec of an option with a value.
pub(crate) const fn opt(
    short: Option<char>,
    long: &'static str,
    value: &'static str,
    help: &'static str,
) -> OptSpec {
    OptSpec {
        short,
        long,
        value: Some(value),
        help,
    }
}

/// `-c CGROUP_PATH` (libbpf-tools' --cgroup): only tasks under that cgroup.
pub(crate) const CGROUP: OptSpec = opt(
    Some('c'),
    "cgroup",
    "CGROUP_PATH",
    "Trace process in cgroup path (cgroup v2)",
);

/// `-d SECS` of the event tools: trace this long (as a positional DURATION).
pub(crate) const DURATION: OptSpec =
    opt(Some('d'), "duration", "SECS", "Trace for this many seconds");

/// `--duration SECS` where -d means something else (biosnoop's disk).
pub(crate) const DURATION_LONG: OptSpec =
    opt(None, "duration", "SECS", "Trace for this many seconds");

/// Takes -c into `c`: the path for the loader, and the filter switched on.
pub(crate) fn cgroup_opt(p: &Parsed, c: &mut Config) -> Result<(), ArgError> {
    if let Some(path) = p.value("cgroup") {
        if path.is_empty() {
            return err("invalid cgroup path ''");
        }
        c.cgroup = Some(path.to_string());
        c.rodata.push(("filter_cg", RoValue::Bool(true)));
    }
    Ok(())
}

/// A positive PID option (`-p`), as libbpf-tools checks it.
pub(crate) fn pid_opt(p: &Parsed, long: &str) -> Result<Option<u32>, ArgError> {
    match p.number::<u32>(long)? {
        Some(0) => err(format!("invalid PID 0 for --{long}")),
        Some(v) if v > i32::MAX as u32 => err(format!("invalid PID {v} for --{long}")),
        other => Ok(other),
    }
}

/// `-p PID` into the object's read-only `rodata` variable (a u32; each
/// tool's BPF source names its own); the PID, for a tool that needs more.
pub(crate) fn pid_filter(
    p: &Parsed,
    c: &mut Config,
    rodata: &'static str,
) -> Result<Option<u32>, ArgError> {
    let pid = pid_opt(p, "pid")?;
    if let Some(pid) = pid {
        c.rodata.push((rodata, RoValue::U32(pid)));
    }
    Ok(pid)
}

/// A tool's configuration for one load/report.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Read-only variables to set before load (besides bpf_metadata_args).
    pub rodata: Vec<(&'static str, RoValue)>,
    /// Canonical argument string (see [`canonical`]).
    pub args: String,
    pub parsed: Parsed,
    /// Histogram tools: seconds between reports, and how many.
    pub interval: Option<u64>,
    pub count: Option<u64>,
    /// Snoop tools: seconds to trace for `tool run`.
    pub duration: Option<u64>,
    /// Histogram value unit ("usecs" / "msecs").
    pub unit: &'static str,
    /// perf_event tools (profile): sampling frequency in Hz.
    pub sample_freq: u64,
    /// Hardware perf_event tools (llcstat -c): run once every this many
    /// events.
    pub sample_period: u64,
    /// perf_event tools (profile -C): sample this CPU only, not every one.
    pub cpu: Option<u32>,
    /// Stack tools: print folded stacks (-f), write a flame graph (--svg).
    pub folded: bool,
    pub svg: Option<String>,
    /// Counting tools: print at most this many rows (syscount -T); stack
    /// tools: the largest stacks (memleak -T).
    pub top: Option<usize>,
    /// Counting tools: a `[HH:MM:SS]` line before every report, -T or not
    /// (syscount, as libbpf-tools').
    pub bracketed_time: bool,
    /// Counting tools: an `HH:MM:SS` line before every report, -T or not
    /// (swapin, as bcc's: its -T, `--notime`, turns it off at load).
    pub time_line: bool,
    /// Maps to resize before load: (map, value size, max entries)
    /// (offcputime --perf-max-stack-depth, --stack-storage-size).
    pub map_sizes: Vec<(&'static str, Option<u32>, Option<u32>)>,
    /// Maps of the object to replace, before load, by maps the operator
    /// pinned: (map, pinned path) (tcpconnect -C, -M).
    pub reuse_maps: Vec<(&'static str, String)>,
    /// -c: the cgroup v2 directory whose tasks alone are traced; the loader
    /// puts its fd in the object's `cgroup_map`.
    pub cgroup: Option<String>,
    /// Text to print instead of tracing at all (syscount -l).
    pub print_only: Option<String>,
    /// Where programs with [`crate::AttachPoint::Targets`] attach (the
    /// generic tools' command-line probes).
    pub targets: Vec<crate::probe::Target>,
    /// Uprobes: probe this process only (memleak -p); every process that
    /// maps the binary otherwise.
    pub uprobe_pid: Option<u32>,
    /// Uprobes: binaries the operator named instead of those of the
    /// programs' attach points, as (attach point's binary, replacement)
    /// (bashreadline -s, gethostlatency -l, memleak -O).
    pub uprobe_binaries: Vec<(&'static str, String)>,
    /// Programs of the tool this configuration leaves out: neither loaded
    /// nor attached nor needed by the support check (memleak's kernel
    /// tracepoints when it traces a process, its uprobes otherwise).
    pub skip_programs: Vec<&'static str>,
}

impl Config {
    /// Whether the configuration has positional (run/report-only) arguments.
    pub fn has_run_arguments(&self) -> bool {
        self.interval.is_some() || self.count.is_some() || self.duration.is_some()
    }

    /// Whether the program `name` is part of this configuration
    /// ([`Config::skip_programs`]).
    pub fn runs_program(&self, name: &str) -> bool {
        !self.skip_programs.contains(&name)
    }

    /// The binary a uprobe on `binary` goes to: the operator's replacement
    /// ([`Config::uprobe_binaries`]) or `binary` itself.
    pub fn uprobe_binary<'a>(&'a self, binary: &'a str) -> &'a str {
        replaced_binary(&self.uprobe_binaries, binary)
    }
}

/// `binary`, or its replacement in `binaries` ((from, to) pairs).
pub fn replaced_binary<'a>(binaries: &'a [(&'static str, String)], binary: &'a str) -> &'a str {
    binaries
        .iter()
        .find(|(from, _)| *from == binary)
        .map_or(binary, |(_, to)| to.as_str())
}

/// A positive whole number; `unit` says what it counts ("seconds"), if anything.
fn positive(word: &str, what: &str, unit: &str) -> Result<u64, ArgError> {
    match word.parse::<u64>() {
        Ok(v) if v > 0 => Ok(v),
        _ => err(format!(
            "invalid {what} '{word}': expected a positive whole number{unit}"
        )),
    }
}

const SECONDS: &str = " of seconds";

/// `[INTERVAL [COUNT]]` of the histogram tools.
pub(crate) fn interval_count(p: &Parsed, config: &mut Config) -> Result<(), ArgError> {
    match p.positionals.as_slice() {
        [] => {}
        [i] => config.interval = Some(positive(i, "interval", SECONDS)?),
        [i, c] => {
            config.interval = Some(positive(i, "interval", SECONDS)?);
            config.count = Some(positive(c, "count", "")?);
        }
        _ => return err("too many arguments: expected [INTERVAL [COUNT]]"),
    }
    Ok(())
}

/// `[DURATION]` of the snoop tools (or their -d option).
pub(crate) fn duration(p: &Parsed, config: &mut Config) -> Result<(), ArgError> {
    match p.positionals.as_slice() {
        [] => {}
        [d] => config.duration = Some(positive(d, "duration", SECONDS)?),
        _ => return err("too many arguments: expected [DURATION]"),
    }
    if let Some(d) = p.value("duration") {
        config.duration = Some(positive(d, "duration", SECONDS)?);
    }
    Ok(())
}

/// The `configure` of a tool whose only arguments are `[DURATION]`/`-d`.
pub(crate) fn duration_only(p: &Parsed, _s: &crate::Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    Ok(c)
}

/// The `configure` of a tool whose only arguments are `[INTERVAL [COUNT]]`.
pub(crate) fn interval_count_only(p: &Parsed, _s: &crate::Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    interval_count(p, &mut c)?;
    Ok(c)
}

/// For tests: the words of a command line, as `configure` takes them.
#[cfg(test)]
pub(crate) fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPECS: &[OptSpec] = &[
        OptSpec {
            short: Some('m'),
            long: "milliseconds",
            value: None,
            help: "",
        },
        OptSpec {
            short: Some('D'),
            long: "per-disk",
            value: None,
            help: "",
        },
        OptSpec {
            short: Some('p'),
            long: "pid",
            value: Some("PID"),
            help: "",
        },
    ];

    #[test]
    fn clusters_and_values() {
        let p = parse(SPECS, &words("-mD -p42 5 --pid=7 -- -3")).unwrap();
        assert!(p.has("milliseconds") && p.has("per-disk"));
        assert_eq!(p.value("pid"), Some("7"));
        assert_eq!(p.values("pid"), vec!["42", "7"]);
        assert_eq!(p.positionals, vec!["5", "-3"]);
        let p = parse(SPECS, &words("-p 9 --pid 10")).unwrap();
        assert_eq!(p.values("pid"), vec!["9", "10"]);
        assert_eq!(p.number::<u32>("pid").unwrap(), Some(10));
    }

    #[test]
    fn errors() {
        assert!(parse(SPECS, &words("-x")).is_err());
        assert!(parse(SPECS, &words("--bogus")).is_err());
        assert!(parse(SPECS, &words("-p")).is_err());
        assert!(parse(SPECS, &words("--milliseconds=1")).is_err());
        let p = parse(SPECS, &words("-p abc")).unwrap();
        assert!(p.number::<u32>("pid").is_err());
        assert!(canonical(&["a\tb".to_string()]).is_err());
        assert!(canonical(&["x".repeat(300)]).is_err());
        assert_eq!(canonical(&words("-m -D")).unwrap(), "-m -D");
        let spaced = vec!["-v".to_string(), "t:a:b \"%d\\n\", x".to_string()];
        let c = canonical(&spaced).unwrap();
        assert_eq!(c, "-v t:a:b\\ \"%d\\\\n\",\\ x");
        assert_eq!(split_canonical(&c), spaced);
        assert_eq!(split_canonical("-m  -D"), words("-m -D"));
    }

    #[test]
    fn help() {
        assert!(parse(SPECS, &words("--help")).unwrap().help);
        assert!(parse(SPECS, &words("-m -h")).unwrap().help);
        // Help wins over a bad word, wherever it is.
        assert!(parse(SPECS, &words("--bogus -h")).unwrap().help);
        assert!(parse(SPECS, &words("-h -x")).unwrap().help);
        // A value, or after --, is not a request for help.
        assert!(!wants_help(SPECS, &words("-p -h")));
        assert!(!wants_help(SPECS, &words("-mp -h")));
        assert!(wants_help(SPECS, &words("-p1 -h")));
        assert!(!wants_help(SPECS, &words("-- -h")));
        assert!(!parse(SPECS, &words("-m")).unwrap().help);
    }

    #[test]
    fn positionals() {
        let mut c = Config::default();
        interval_count(&parse(SPECS, &words("1 5")).unwrap(), &mut c).unwrap();
        assert_eq!((c.interval, c.count), (Some(1), Some(5)));
        assert!(interval_count(&parse(SPECS, &words("0")).unwrap(), &mut c).is_err());
        assert!(interval_count(&parse(SPECS, &words("1 2 3")).unwrap(), &mut c).is_err());
    }
}
