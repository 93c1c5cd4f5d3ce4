//! tplist: the kernel's tracepoints, and with -v their fields (BCC's
//! tplist, without its USDT half: -p and -l are refused). It loads nothing:
//! `tool run tplist` prints the list, from the tracefs the caller reads.

use crate::args::{err, flag, opt, Config, OptSpec, Parsed};
use crate::probe::{glob, parse_format};
use crate::{ArgError, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('v', "variables", "Print the format (available variables)"),
    opt(
        Some('p'),
        "pid",
        "PID",
        "List USDT probes in the specified process (not supported)",
    ),
    opt(
        Some('l'),
        "lib",
        "LIB",
        "List USDT probes in the specified library or executable (not supported)",
    ),
];

pub(crate) const TOOL: Tool = Tool {
    name: "tplist",
    summary: "List tracepoints and their fields (loads nothing: 'tool run tplist')",
    object: &[],
    options: OPTIONS,
    report_options: &[],
    positional: "[FILTER]",
    programs: &[],
    // Never read: configure always answers with the listing.
    report: Report::Events {
        map: "",
        columns: |_| Vec::new(),
        decode: |_, _, _| None,
    },
    configure,
};

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    if p.has("pid") || p.has("lib") {
        return err("USDT probes (-p, -l) are not supported: tplist lists tracepoints only");
    }
    let filter = match p.positionals.as_slice() {
        [] => None,
        [f] => Some(f.as_str()),
        _ => return err("expected at most one FILTER (e.g. 'sched:*')"),
    };
    let Some(tracefs) = s.tracefs else {
        return err("tracefs is not available here");
    };
    let all = (tracefs.list)().map_err(ArgError)?;
    let mut out = String::new();
    for (cat, name) in all {
        let full = format!("{cat}:{name}");
        if filter.is_some_and(|f| !glob(f, &full)) {
            continue;
        }
        out.push_str(&full);
        out.push('\n');
        if p.has("variables") {
            let text = (tracefs.format)(&cat, &name).unwrap_or_default();
            out.push_str(&fields_text(&text));
        }
    }
    Ok(Config {
        print_only: Some(out),
        ..Default::default()
    })
}

/// BCC's -v lines, `    TYPE NAME;`, __data_loc fields left out as BCC
/// does (trace and argdist read them all the same).
fn fields_text(format: &str) -> String {
    parse_format(format)
        .iter()
        .filter(|f| !f.data_loc)
        .map(|f| match f.ctype.split_once('[') {
            // `char comm[16]`, as the format file writes it.
            Some((base, dims)) => format!("    {} {}[{dims};\n", base.trim_end(), f.name),
            None => format!("    {} {};\n", f.ctype, f.name),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generic::testing::session;

    fn listing(args: &str) -> String {
        let w: Vec<String> = args.split_whitespace().map(String::from).collect();
        TOOL.configure(&w, &session()).unwrap().print_only.unwrap()
    }

    #[test]
    fn lists_with_filter_and_fields() {
        assert_eq!(
            listing(""),
            "syscalls:sys_enter_getpid\nsyscalls:sys_enter_openat\nsyscalls:sys_enter_read\n"
        );
        assert_eq!(listing("*read"), "syscalls:sys_enter_read\n");
        assert_eq!(
            listing("-v *getpid"),
            "syscalls:sys_enter_getpid\n    int __syscall_nr;\n"
        );
        let s = session();
        assert!(TOOL.configure(&["-l".into(), "c".into()], &s).is_err());
        assert!(TOOL.configure(&["a".into(), "b".into()], &s).is_err());
        assert_eq!(
            fields_text("\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"),
            "    char comm[16];\n"
        );
    }
}
