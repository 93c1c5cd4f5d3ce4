//! What the generic tools (funccount, funclatency, stackcount, argdist,
//! trace) share: their common options, and turning command-line probes
//! into the [`Target`]s their programs attach to (tracepoint wildcards
//! expanded from tracefs).

use crate::args::{err, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::probe::{self, Probe, Target, MAX_TARGETS};
use crate::{ArgError, Session};

pub(crate) const PID: OptSpec = opt(Some('p'), "pid", "PID", "Trace this PID only");
pub(crate) const INTERVAL: OptSpec = opt(
    Some('i'),
    "interval",
    "INTERVAL",
    "Summary interval, in seconds",
);
pub(crate) const DURATION: OptSpec = opt(
    Some('d'),
    "duration",
    "DURATION",
    "Total duration of trace, in seconds",
);
pub(crate) const TIMESTAMP: OptSpec = flag('T', "timestamp", "Include timestamp on output");
pub(crate) const CPU: OptSpec = opt(Some('c'), "cpu", "CPU", "Trace this CPU only");
pub(crate) const REGEXP: OptSpec = flag(
    'r',
    "regexp",
    "Use regular expressions (not supported: use * and ? wildcards)",
);

/// The two programs of a generic tool's object: one for tracepoints, one
/// of kprobe type for uprobes and kprobes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progs {
    pub tp: &'static str,
    pub probe: &'static str,
}

/// -p and -c: the object's filter_pid and filter_cpu.
pub(crate) fn filters(p: &Parsed, c: &mut Config) -> Result<(), ArgError> {
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("filter_pid", RoValue::U32(pid)));
        c.uprobe_pid = Some(pid);
    }
    if let Some(cpu) = p.number::<i32>("cpu")? {
        if cpu < 0 {
            return err(format!("invalid CPU {cpu}"));
        }
        c.rodata.push(("filter_cpu", RoValue::I32(cpu)));
    }
    Ok(())
}

/// -i INTERVAL and -d DURATION (BCC's: with both, reports stop once the
/// duration is reached; -d alone is one report at its end).
pub(crate) fn interval_duration(p: &Parsed, c: &mut Config) -> Result<(), ArgError> {
    let positive = |long: &str| -> Result<Option<u64>, ArgError> {
        match p.number::<u64>(long)? {
            Some(0) => err(format!("invalid --{long} 0: a positive number of seconds")),
            other => Ok(other),
        }
    };
    c.interval = positive("interval")?;
    c.duration = positive("duration")?;
    if let (Some(i), Some(d)) = (c.interval, c.duration) {
        c.count = Some(d.div_ceil(i));
    }
    Ok(())
}

/// BCC's options bpfscope does not have: one line saying so.
pub(crate) fn refuse_regexp(p: &Parsed, tool: &str) -> Result<(), ArgError> {
    if p.has("regexp") {
        return err(format!(
            "{tool}: -r (regular expressions) is not supported: use * and ? wildcards"
        ));
    }
    Ok(())
}

/// The probes `spec` names (tracepoint and uprobe function wildcards
/// expanded).
pub(crate) fn expand(spec: &str, s: &Session) -> Result<Vec<Probe>, ArgError> {
    let probe = probe::parse(spec)?;
    match &probe {
        Probe::Tracepoint { category, name } => probe::tracepoints(s, category, name),
        Probe::Uprobe { binary, func, ret } if func.contains(['*', '?']) => {
            let list = s
                .functions
                .ok_or_else(|| ArgError("no function lists here".into()))?;
            let found: Vec<Probe> = list(binary)
                .map_err(ArgError)?
                .into_iter()
                .filter(|f| probe::glob(func, f))
                .map(|f| Probe::Uprobe {
                    binary: binary.clone(),
                    func: f,
                    ret: *ret,
                })
                .collect();
            if found.is_empty() {
                return err(format!("no function of '{binary}' matches '{func}'"));
            }
            Ok(found)
        }
        Probe::Kprobe { func, .. } if func.contains(['*', '?']) => err(format!(
            "invalid probe '{spec}': wildcards are supported in tracepoint and uprobe names only"
        )),
        _ => Ok(vec![probe]),
    }
}

/// Targets for `probes` (cookie = index), each on the program of its kind.
pub(crate) fn targets(progs: Progs, probes: Vec<Probe>) -> Result<Vec<Target>, ArgError> {
    if probes.len() > MAX_TARGETS {
        return err(format!(
            "{} probes match: at most {MAX_TARGETS} (narrow the pattern)",
            probes.len()
        ));
    }
    Ok(probes
        .into_iter()
        .enumerate()
        .map(|(i, probe)| Target {
            prog: match probe {
                Probe::Tracepoint { .. } => progs.tp,
                _ => progs.probe,
            },
            probe,
            cookie: i as u64,
        })
        .collect())
}

/// The name of the target a map key's cookie is for.
pub(crate) fn target_name(c: &Config, cookie: u32) -> String {
    c.targets
        .get(cookie as usize)
        .map(|t| t.probe.name())
        .unwrap_or_else(|| format!("[target {cookie}]"))
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::{Session, Tracefs};

    pub(crate) const GETPID: &str = "name: sys_enter_getpid\nID: 1\nformat:\n\
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\
\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n";

    pub(crate) const READ: &str = "name: sys_enter_read\nID: 2\nformat:\n\
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\
\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n\
\tfield:unsigned int fd;\toffset:16;\tsize:8;\tsigned:0;\n\
\tfield:char * buf;\toffset:24;\tsize:8;\tsigned:0;\n\
\tfield:size_t count;\toffset:32;\tsize:8;\tsigned:0;\n";

    pub(crate) const OPENAT: &str = "name: sys_enter_openat\nID: 3\nformat:\n\
\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n\
\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n\
\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n\
\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n";

    /// A fake tracefs with syscalls:sys_enter_{getpid,read,openat}, and a
    /// library `c` defining malloc, free and strlen.
    pub(crate) fn session() -> Session {
        Session {
            tracefs: Some(Tracefs {
                format: |c, n| match (c, n) {
                    ("syscalls", "sys_enter_getpid") => Ok(GETPID.into()),
                    ("syscalls", "sys_enter_read") => Ok(READ.into()),
                    ("syscalls", "sys_enter_openat") => Ok(OPENAT.into()),
                    _ => Err("No such file or directory".into()),
                },
                list: || {
                    Ok(["sys_enter_getpid", "sys_enter_openat", "sys_enter_read"]
                        .iter()
                        .map(|n| ("syscalls".to_string(), n.to_string()))
                        .collect())
                },
            }),
            functions: Some(|b| match b {
                "c" => Ok(vec!["free".into(), "malloc".into(), "strlen".into()]),
                _ => Err(format!("can't find '{b}'")),
            }),
            ..Default::default()
        }
    }
}
