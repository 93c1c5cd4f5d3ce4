//! `prog profile`'s metrics and the arithmetic on their readings: data and
//! numbers only (sys measures, output prints).

/// One of bpftool's metrics: a perf counter and, for some, a ratio to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric {
    pub name: &'static str,
    pub perf_type: u32,
    pub config: u64,
    /// Index of the metric this one is divided by (`instructions` per `cycles`).
    pub ratio_of: Option<usize>,
    pub ratio_desc: &'static str,
    pub ratio_mul: f64,
}

const fn cache(id: u64, result: u64) -> u64 {
    // perf's PERF_TYPE_HW_CACHE config: id | op << 8 | result << 16 (op: read).
    id | (libbpf_sys::PERF_COUNT_HW_CACHE_OP_READ as u64) << 8 | result << 16
}

const MISS: u64 = libbpf_sys::PERF_COUNT_HW_CACHE_RESULT_MISS as u64;

/// bpftool's table, in its order (the order of the output).
pub const METRICS: [Metric; 6] = [
    Metric {
        name: "cycles",
        perf_type: libbpf_sys::PERF_TYPE_HARDWARE,
        config: libbpf_sys::PERF_COUNT_HW_CPU_CYCLES as u64,
        ratio_of: None,
        ratio_desc: "",
        ratio_mul: 0.0,
    },
    Metric {
        name: "instructions",
        perf_type: libbpf_sys::PERF_TYPE_HARDWARE,
        config: libbpf_sys::PERF_COUNT_HW_INSTRUCTIONS as u64,
        ratio_of: Some(0),
        ratio_desc: "insns per cycle",
        ratio_mul: 1.0,
    },
    Metric {
        name: "l1d_loads",
        perf_type: libbpf_sys::PERF_TYPE_HW_CACHE,
        config: cache(
            libbpf_sys::PERF_COUNT_HW_CACHE_L1D as u64,
            libbpf_sys::PERF_COUNT_HW_CACHE_RESULT_ACCESS as u64,
        ),
        ratio_of: None,
        ratio_desc: "",
        ratio_mul: 0.0,
    },
    Metric {
        name: "llc_misses",
        perf_type: libbpf_sys::PERF_TYPE_HW_CACHE,
        config: cache(libbpf_sys::PERF_COUNT_HW_CACHE_LL as u64, MISS),
        ratio_of: Some(1),
        ratio_desc: "LLC misses per million insns",
        ratio_mul: 1e6,
    },
    Metric {
        name: "itlb_misses",
        perf_type: libbpf_sys::PERF_TYPE_HW_CACHE,
        config: cache(libbpf_sys::PERF_COUNT_HW_CACHE_ITLB as u64, MISS),
        ratio_of: Some(1),
        ratio_desc: "itlb misses per million insns",
        ratio_mul: 1e6,
    },
    Metric {
        name: "dtlb_misses",
        perf_type: libbpf_sys::PERF_TYPE_HW_CACHE,
        config: cache(libbpf_sys::PERF_COUNT_HW_CACHE_DTLB as u64, MISS),
        ratio_of: Some(1),
        ratio_desc: "dtlb misses per million insns",
        ratio_mul: 1e6,
    },
];

/// The metric names, for the grammar.
pub const METRIC_NAMES: &[&str] = &[
    "cycles",
    "instructions",
    "l1d_loads",
    "llc_misses",
    "itlb_misses",
    "dtlb_misses",
];

/// bpftool measures at most this many metrics at once.
pub const MAX_METRICS: usize = 4;

/// The metrics named (bpftool's prefixes; repeats count once), as table
/// indexes in table order.
pub fn select(words: &[String]) -> std::result::Result<Vec<usize>, String> {
    let mut picked = [false; METRICS.len()];
    for w in words {
        let i = METRICS
            .iter()
            .position(|m| !w.is_empty() && m.name.starts_with(w.as_str()))
            .ok_or_else(|| format!("unknown metric {w}"))?;
        picked[i] = true;
    }
    let out: Vec<usize> = (0..METRICS.len()).filter(|&i| picked[i]).collect();
    if out.is_empty() {
        return Err("no metric given (cycles, instructions, l1d_loads, llc_misses, itlb_misses, dtlb_misses)".into());
    }
    if out.len() > MAX_METRICS {
        return Err(format!(
            "too many ({}) metrics, please specify no more than {MAX_METRICS} metrics at a time",
            out.len()
        ));
    }
    Ok(out)
}

/// A counter's reading: bpf_perf_event_value, summed over CPUs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    pub counter: u64,
    pub enabled: u64,
    pub running: u64,
}

/// The sum of per-CPU readings, as bpftool's profile_read_values adds them.
pub fn sum(per_cpu: &[Reading]) -> Reading {
    per_cpu.iter().fold(Reading::default(), |a, r| Reading {
        counter: a.counter + r.counter,
        enabled: a.enabled + r.enabled,
        running: a.running + r.running,
    })
}

/// `metric`'s ratio to the metric it is read against, when both were
/// measured and the base is not zero.
pub fn ratio(metric: usize, readings: &[(usize, Reading)]) -> Option<f64> {
    let base = METRICS[metric].ratio_of?;
    let of = |i: usize| {
        readings
            .iter()
            .find(|(m, _)| *m == i)
            .map(|(_, r)| r.counter)
    };
    let (value, base) = (of(metric)?, of(base)?);
    (base > 0).then(|| value as f64 * METRICS[metric].ratio_mul / base as f64)
}

/// The share of time a counter was running, when it was multiplexed.
pub fn running_pct(r: &Reading) -> Option<f64> {
    (r.enabled > r.running).then(|| r.running as f64 * 100.0 / r.enabled as f64)
}

/// Bytes of one `struct bpf_perf_event_value` (counter, enabled, running).
pub const READING_SIZE: usize = 24;

impl Reading {
    /// One CPU's slot of the profiler's `accum_readings` map (native endian).
    pub fn from_ne_bytes(b: &[u8]) -> Option<Reading> {
        let at = |i: usize| {
            b.get(i * 8..i * 8 + 8)
                .and_then(|s| s.try_into().ok())
                .map(u64::from_ne_bytes)
        };
        Some(Reading {
            counter: at(0)?,
            enabled: at(1)?,
            running: at(2)?,
        })
    }
}

/// A metric's reading from its `accum_readings` slot: one value per CPU,
/// summed (bpftool's profile_read_values). None if a value is short.
pub fn reading_of(per_cpu: &[Vec<u8>]) -> Option<Reading> {
    let r: Option<Vec<Reading>> = per_cpu.iter().map(|b| Reading::from_ne_bytes(b)).collect();
    Some(sum(&r?))
}

/// The run count from the `counts` slot: one u64 per CPU, summed.
pub fn count_of(per_cpu: &[Vec<u8>]) -> Option<u64> {
    per_cpu.iter().try_fold(0u64, |a, b| {
        let v = u64::from_ne_bytes(b.get(..8)?.try_into().ok()?);
        Some(a.wrapping_add(v))
    })
}

/// Where the counter of the `slot`-th selected metric on `cpu` goes in the
/// profiler's `events` array (and where its programs read it):
/// metric-major, as bpftool fills it.
pub fn event_index(slot: usize, cpu: usize, ncpus: usize) -> usize {
    slot * ncpus + cpu
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(counter: u64, enabled: u64, running: u64) -> Vec<u8> {
        [counter, enabled, running]
            .iter()
            .flat_map(|v| v.to_ne_bytes())
            .collect()
    }

    #[test]
    fn accumulator_slots_sum_over_cpus() {
        let per_cpu = vec![slot(100, 10, 10), slot(0, 0, 0), slot(23, 7, 5)];
        assert_eq!(
            reading_of(&per_cpu),
            Some(Reading {
                counter: 123,
                enabled: 17,
                running: 15
            })
        );
        assert_eq!(
            Reading::from_ne_bytes(&slot(1, 2, 3)[..READING_SIZE - 1]),
            None
        );
        assert_eq!(reading_of(&[slot(1, 1, 1), vec![0; 8]]), None);
        assert_eq!(reading_of(&[]), Some(Reading::default()));
    }

    #[test]
    fn run_counts_sum_over_cpus() {
        let per_cpu: Vec<Vec<u8>> = [3u64, 0, 39]
            .iter()
            .map(|v| v.to_ne_bytes().to_vec())
            .collect();
        assert_eq!(count_of(&per_cpu), Some(42));
        assert_eq!(count_of(&[vec![1, 2]]), None);
    }

    #[test]
    fn events_are_metric_major() {
        // 2 metrics on 4 CPUs: metric 0 at 0..4, metric 1 at 4..8.
        assert_eq!(event_index(0, 3, 4), 3);
        assert_eq!(event_index(1, 0, 4), 4);
        assert_eq!(event_index(1, 3, 4), 7);
    }
}
