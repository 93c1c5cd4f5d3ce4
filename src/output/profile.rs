//! `prog profile` readings as bpftool prints them: the run count, then one
//! line per metric with its ratio (`# 2.50 insns per cycle`) and, when the
//! counter was multiplexed, the share of time it ran; -j an array of
//! {metric, run_cnt, value, enabled, running}.
use std::io::{self, Write};

use serde::Serialize;

use crate::record::profile::{ratio, running_pct, Reading, METRICS};

#[derive(Debug, Serialize, PartialEq)]
pub struct MetricRecord {
    pub metric: &'static str,
    pub run_cnt: u64,
    pub value: u64,
    pub enabled: u64,
    pub running: u64,
}

/// `readings`: (metric index, summed reading), in table order.
pub fn records(run_cnt: u64, readings: &[(usize, Reading)]) -> Vec<MetricRecord> {
    readings
        .iter()
        .map(|(m, r)| MetricRecord {
            metric: METRICS[*m].name,
            run_cnt,
            value: r.counter,
            enabled: r.enabled,
            running: r.running,
        })
        .collect()
}

pub fn text(w: &mut impl Write, run_cnt: u64, readings: &[(usize, Reading)]) -> io::Result<()> {
    writeln!(w, "\n{run_cnt:>18} {:<20}", "run_cnt")?;
    for (m, r) in readings {
        write!(w, "{:>18} {:<20}", r.counter, METRICS[*m].name)?;
        match ratio(*m, readings) {
            Some(v) => write!(w, "# {v:>8.2} {:<30}", METRICS[*m].ratio_desc)?,
            None => write!(w, "{:<41}", "")?,
        }
        if let Some(p) = running_pct(r) {
            write!(w, "({p:4.2}%)")?;
        }
        writeln!(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_as_bpftool() {
        let r = |c, e, run| Reading {
            counter: c,
            enabled: e,
            running: run,
        };
        let readings = [(0, r(4000, 10, 10)), (1, r(10000, 10, 5))];
        let mut out = Vec::new();
        text(&mut out, 20, &readings).unwrap();
        let want = format!(
            "\n{:>18} {:<20}\n{:>18} {:<20}{:<41}\n{:>18} {:<20}# {:>8.2} {:<30}(50.00%)\n",
            20, "run_cnt", 4000, "cycles", "", 10000, "instructions", 2.5, "insns per cycle"
        );
        assert_eq!(String::from_utf8(out).unwrap(), want);
        let j = serde_json::to_value(records(20, &readings)).unwrap();
        assert_eq!(
            j[1],
            serde_json::json!({"metric": "instructions", "run_cnt": 20, "value": 10000, "enabled": 10, "running": 5})
        );
    }
}
