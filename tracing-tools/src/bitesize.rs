//! bitesize: block I/O size histograms per process name (libbpf-tools'
//! -c COMM -d DISK -T, [INTERVAL [COUNT]]).

use crate::args::{err, interval_count, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt};
use crate::bytes::{cstr_at, hist_slots};
use crate::{ArgError, AttachPoint, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('T', "timestamp", "Include timestamp on output"),
    opt(Some('c'), "comm", "COMM", "Trace this comm only"),
    opt(Some('d'), "disk", "DISK", "Trace this disk only"),
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "block_rq_issue",
    attach: AttachPoint::TpBtf("block_rq_issue"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "bitesize",
    summary: "Summarize block device I/O size as a histogram per process",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/bitesize.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Histogram {
        map: "hists",
        decode,
    },
    configure,
};

const TASK_COMM_LEN: usize = 16;

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    let mut c = Config {
        unit: "Kbytes",
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    if let Some(comm) = p.value("comm") {
        if comm.is_empty() || comm.len() >= TASK_COMM_LEN {
            return err(format!(
                "invalid comm '{comm}': 1 to {} bytes",
                TASK_COMM_LEN - 1
            ));
        }
        c.rodata.push(("targ_comm", RoValue::Str(comm.to_string())));
    }
    if let Some(disk) = p.value("disk") {
        let Some(dev) = s.disks.dev(disk) else {
            return err(format!("invalid disk '{disk}': not in /proc/partitions"));
        };
        c.rodata.push(("filter_dev", RoValue::Bool(true)));
        c.rodata.push(("targ_dev", RoValue::U32(dev)));
    }
    Ok(c)
}

/// Key `char comm[16]`, value `struct hist` (slots of log2(Kbytes)).
fn decode(c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    Some(Histogram {
        label_text: Some("Process Name"),
        label: Some(("comm".to_string(), cstr_at(key, 0, TASK_COMM_LEN)?.into())),
        comm: None,
        unit: c.unit,
        slots: hist_slots(value)?,
    })
}
