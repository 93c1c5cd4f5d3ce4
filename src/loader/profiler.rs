//! `prog profile`'s measuring half, as bpftool's do_profile: its profiler
//! object (fentry/fexit programs, tracing-tools' prog_profiler.bpf.c) set
//! up for the measured program and the selected metrics, loaded, given one
//! hardware counter per (metric, CPU), and attached. Dropping a
//! [`Profiler`] detaches and unloads everything.
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use libbpf_rs::{Link, MapCore, MapFlags, Object, OpenObject};

use super::object::{self, RodataValue};
use super::{bpf_err, LoaderError};
use crate::record::profile::{count_of, event_index, reading_of, Reading, METRICS};
use crate::sys::profile as counters;

const OBJECT_NAME: &str = "profiler";

/// The profiler attached to one program.
pub struct Profiler {
    // Field order is drop order: links first, then the counters, then the
    // object (its programs and maps).
    links: Vec<Link>,
    counters: Vec<OwnedFd>,
    obj: Object,
    metrics: Vec<usize>,
}

/// What the profiler measured: runs of the program, and each metric's
/// counter summed over CPUs (metric index, reading), in `metrics` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readings {
    pub run_cnt: u64,
    pub metrics: Vec<(usize, Reading)>,
}

/// Loads and attaches the profiler to `target` (whose main function is
/// `func`) for `metrics` (indexes into METRICS, at most MAX_METRICS).
/// On a kernel without fentry the load fails and nothing stays loaded.
pub fn start(
    target: BorrowedFd<'_>,
    func: &str,
    metrics: &[usize],
) -> Result<Profiler, LoaderError> {
    let ncpus =
        libbpf_rs::num_possible_cpus().map_err(bpf_err("failed to identify the number of CPUs"))?;
    let mut open = object::open(tracing_tools::PROG_PROFILER_OBJECT, OBJECT_NAME)?;
    configure(&mut open, target, func, ncpus, metrics.len())?;
    let obj = object::load(open, OBJECT_NAME)?;
    let mut p = Profiler {
        links: Vec::new(),
        counters: Vec::new(),
        obj,
        metrics: metrics.to_vec(),
    };
    p.open_counters(ncpus)?;
    for prog in p.obj.progs_mut() {
        let name = prog.name().to_string_lossy().into_owned();
        let link = prog
            .attach()
            .map_err(bpf_err(format!("can't attach {name} to {func}")))?;
        p.links.push(link);
    }
    Ok(p)
}

/// bpftool's do_profile before load: sizes, read-only variables, targets.
fn configure(
    open: &mut OpenObject,
    target: BorrowedFd<'_>,
    func: &str,
    ncpus: usize,
    nmetrics: usize,
) -> Result<(), LoaderError> {
    let n = |v: usize| RodataValue::Bytes((v as u32).to_ne_bytes().to_vec());
    object::set_rodata(
        open,
        &[
            ("num_cpu".into(), n(ncpus)),
            ("num_metric".into(), n(nmetrics)),
        ],
    )?;
    for mut map in open.maps_mut() {
        let entries = match map.name().to_str() {
            Some("events") => nmetrics * ncpus,
            Some("fentry_readings" | "accum_readings") => nmetrics,
            Some("counts") => 1,
            _ => continue,
        };
        map.set_max_entries(entries as u32)
            .map_err(bpf_err("can't size the profiler's maps"))?;
    }
    for mut prog in open.progs_mut() {
        prog.set_attach_target(target.as_raw_fd(), Some(func.to_string()))
            .map_err(bpf_err(format!("can't attach the profiler to {func}")))?;
    }
    Ok(())
}

impl Profiler {
    fn map(&self, name: &str) -> Result<libbpf_rs::Map<'_>, LoaderError> {
        self.obj
            .maps()
            .find(|m| m.name().to_str() == Some(name))
            .ok_or_else(|| LoaderError::Other {
                what: "profiler".into(),
                why: format!("no map {name}"),
            })
    }

    /// One counter per selected metric and CPU into `events`, where the
    /// programs look for it; offline CPUs are skipped, as bpftool does.
    fn open_counters(&mut self, ncpus: usize) -> Result<(), LoaderError> {
        let mut opened = Vec::new();
        {
            let events = self.map("events")?;
            for (slot, &m) in self.metrics.iter().enumerate() {
                for cpu in 0..ncpus {
                    let Some(fd) = counters::open_counter(&METRICS[m], cpu as u32)? else {
                        continue;
                    };
                    let key = event_index(slot, cpu, ncpus) as u32;
                    events
                        .update(
                            &key.to_ne_bytes(),
                            &fd.as_raw_fd().to_ne_bytes(),
                            MapFlags::ANY,
                        )
                        .map_err(bpf_err(format!(
                            "can't use the {} counter of CPU {cpu}",
                            METRICS[m].name
                        )))?;
                    opened.push(fd);
                }
            }
        }
        self.counters = opened;
        Ok(())
    }

    /// Detaches and closes the counters, then reads the sums (bpftool
    /// closes the perf events before reading, so the numbers stop).
    pub fn finish(mut self) -> Result<Readings, LoaderError> {
        self.links.clear();
        self.counters.clear();
        let read_err = |what: &str| LoaderError::Other {
            what: "can't read the profiler's results".into(),
            why: what.to_string(),
        };
        let slot = |map: &libbpf_rs::Map<'_>, key: u32| {
            map.lookup_percpu(&key.to_ne_bytes(), MapFlags::ANY)
                .map_err(bpf_err(format!(
                    "failed to read {}",
                    map.name().to_string_lossy()
                )))?
                .ok_or_else(|| read_err("empty slot"))
        };
        let counts = self.map("counts")?;
        let run_cnt = count_of(&slot(&counts, 0)?).ok_or_else(|| read_err("short counts"))?;
        let accum = self.map("accum_readings")?;
        let mut metrics = Vec::with_capacity(self.metrics.len());
        for (key, &m) in self.metrics.iter().enumerate() {
            let r = reading_of(&slot(&accum, key as u32)?)
                .ok_or_else(|| read_err("short accum_readings"))?;
            metrics.push((m, r));
        }
        Ok(Readings { run_cnt, metrics })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names `start` and `finish` rely on are the object's (no kernel
    /// needed: opening only parses the ELF).
    #[test]
    fn object_has_the_maps_programs_and_variables_used() {
        let open = object::open(tracing_tools::PROG_PROFILER_OBJECT, OBJECT_NAME).unwrap();
        let mut maps: Vec<String> = open
            .maps()
            .map(|m| m.name().to_string_lossy().into_owned())
            .collect();
        maps.sort();
        for m in ["accum_readings", "counts", "events", "fentry_readings"] {
            assert!(maps.iter().any(|n| n == m), "{m} not in {maps:?}");
        }
        let progs: Vec<String> = open
            .progs()
            .map(|p| p.name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(progs, ["fentry_XXX", "fexit_XXX"]);
        let vars: Vec<String> = object::rodata_vars(&open)
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(vars, ["num_cpu", "num_metric"]);
    }
}
