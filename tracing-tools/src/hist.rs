//! Log2 histograms: the record a histogram tool reports, and its text
//! rendering exactly as libbpf-tools' `print_log2_hist` lays it out.

use serde::Serialize;

/// One histogram (one key of a tool's `hists` map).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// What this histogram is for, e.g. ("disk", "vda") or ("pid", 42);
    /// None for the single all-events histogram.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<(String, serde_json::Value)>,
    /// The label's name in text, where libbpf-tools words it otherwise than
    /// the JSON key (bitesize: `Process Name = cp`, key "comm").
    #[serde(skip)]
    pub label_text: Option<&'static str>,
    /// Extra text after the label (runqlat -P prints the comm).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comm: Option<String>,
    /// "usecs" or "msecs".
    pub unit: &'static str,
    /// Slot i counts values v with floor(log2(v)) == i (0 and 1 in slot 0).
    pub slots: Vec<u64>,
}

/// A slot's value range [low, high], as libbpf-tools prints it.
pub fn slot_range(i: usize) -> (u64, u64) {
    let i = i.min(63) as u32;
    let high = if i >= 63 {
        u64::MAX
    } else {
        (1u64 << (i + 1)) - 1
    };
    let mut low = (high >> 1) + 1;
    if low == high {
        low -= 1;
    }
    (low, high)
}

impl Histogram {
    pub fn total(&self) -> u64 {
        self.slots.iter().sum()
    }

    /// Header line of a labelled histogram, e.g. `disk = vda`.
    pub fn label_line(&self) -> Option<String> {
        let (k, v) = self.label.as_ref()?;
        let k = self.label_text.unwrap_or(k);
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Some(match &self.comm {
            Some(c) => format!("{k} = {v} {c}"),
            None => format!("{k} = {v}"),
        })
    }
}

/// Renders `slots` like libbpf-tools: `     usecs               : count    distribution`
/// then one `low -> high : count |****|` line per slot up to the last non-empty one.
/// Empty histograms render as nothing.
pub fn render_log2(slots: &[u64], unit: &str) -> String {
    let Some(idx_max) = slots.iter().rposition(|&v| v > 0) else {
        return String::new();
    };
    let val_max = slots.iter().copied().max().unwrap_or(0);
    let wide = idx_max > 32;
    let (pad, unit_w, width, stars) = if wide {
        (15, 29, 20, 20)
    } else {
        (5, 19, 10, 40)
    };
    let mut out = format!("{:pad$}{:<unit_w$} : count    distribution\n", "", unit);
    for (i, &val) in slots.iter().enumerate().take(idx_max + 1) {
        let (low, high) = slot_range(i);
        out.push_str(&format!("{low:>width$} -> {high:<width$} : {val:<8} |"));
        out.push_str(&stars_bar(val, val_max, stars));
        out.push_str("|\n");
    }
    out
}

/// Renders linear `slots` (slot i counts the value i) like libbpf-tools'
/// `print_linear_hist`: `     runqlen       : count     distribution`,
/// then `        0          : 12       |****|` for each non-empty slot from
/// the first to the last one. Empty histograms render as nothing.
pub fn render_linear(slots: &[u64], val_type: &str) -> String {
    let (Some(first), Some(last)) = (
        slots.iter().position(|&v| v > 0),
        slots.iter().rposition(|&v| v > 0),
    ) else {
        return String::new();
    };
    let val_max = slots.iter().copied().max().unwrap_or(0);
    let mut out = format!("     {val_type:<13} : count     distribution\n");
    for (i, &val) in slots.iter().enumerate().take(last + 1).skip(first) {
        if val == 0 {
            continue;
        }
        out.push_str(&format!("        {i:<10} : {val:<8} |"));
        out.push_str(&stars_bar(val, val_max, 40));
        out.push_str("|\n");
    }
    out
}

fn stars_bar(val: u64, val_max: u64, width: u64) -> String {
    let n = if val_max == 0 {
        0
    } else {
        (val.min(val_max) as u128 * width as u128 / val_max as u128) as u64
    };
    let mut s = "*".repeat(n as usize);
    s.push_str(&" ".repeat((width - n) as usize));
    if val > val_max {
        s.push('+');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(slot_range(0), (0, 1));
        assert_eq!(slot_range(1), (2, 3));
        assert_eq!(slot_range(2), (4, 7));
        assert_eq!(slot_range(10), (1024, 2047));
    }

    #[test]
    fn libbpf_tools_layout() {
        let out = render_log2(&[1, 0, 4, 2, 0, 0], "usecs");
        let expect = "     usecs               : count    distribution\n\
                      \x20        0 -> 1          : 1        |**********                              |\n\
                      \x20        2 -> 3          : 0        |                                        |\n\
                      \x20        4 -> 7          : 4        |****************************************|\n\
                      \x20        8 -> 15         : 2        |********************                    |\n";
        assert_eq!(out, expect);
        assert_eq!(render_log2(&[0, 0], "usecs"), "");
    }

    #[test]
    fn linear_layout() {
        let out = render_linear(&[0, 4, 0, 1, 0], "runqlen");
        let expect = "     runqlen       : count     distribution\n\
                      \x20       1          : 4        |****************************************|\n\
                      \x20       3          : 1        |**********                              |\n";
        assert_eq!(out, expect);
        assert_eq!(render_linear(&[0, 0], "runqlen"), "");
    }
}
