//! Histograms per kernel stack (biostacks): the record a report carries —
//! who and where (an [`Event`] laid out under the tool's columns), the
//! stack, the log2 histogram — and its text block as libbpf-tools prints
//! it. Symbolizing the addresses is bpfscope's (src/loader/stacks.rs).

use crate::event::{event_line, Column, Event};
use crate::hist::{render_log2, Histogram};

/// One histogram of one (stack, process, disk, …) key.
#[derive(Debug, Clone, PartialEq)]
pub struct StackHist {
    pub head: Event,
    /// Kernel frame addresses, innermost first, as the program read them.
    pub addrs: Vec<u64>,
    /// The frames' names: filled from `addrs` by bpfscope, or set by the
    /// decoder when the stack could not be read (`[Missed Kernel Stack]`).
    pub kernel: Vec<String>,
    pub hist: Histogram,
}

impl StackHist {
    /// libbpf-tools' block: the head line, one frame per line, the
    /// histogram, a blank line. Strings are printed as they are: callers
    /// escape them.
    pub fn text_block(&self, columns: &[Column]) -> String {
        let mut out = event_line(columns, &self.head);
        out.push('\n');
        for f in &self.kernel {
            out.push_str(f);
            out.push('\n');
        }
        out.push_str(&render_log2(&self.hist.slots, self.hist.unit));
        out.push('\n');
        out
    }
}

/// Report order: most events first, then by the head's values (as
/// text) and the stack, for an order that holds from one report to the next.
pub fn sort_for_report(hists: &mut [StackHist]) {
    hists.sort_by(|a, b| {
        b.hist
            .total()
            .cmp(&a.hist.total())
            .then_with(|| {
                a.head
                    .fields
                    .iter()
                    .map(|(_, v)| v.to_string())
                    .cmp(b.head.fields.iter().map(|(_, v)| v.to_string()))
            })
            .then_with(|| a.addrs.cmp(&b.addrs))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(total: u64, comm: &str) -> StackHist {
        let mut head = Event::default();
        head.push("comm", comm);
        head.push("pid", 42);
        head.push("disk", "vda");
        StackHist {
            head,
            addrs: vec![1, 2],
            kernel: vec!["blk_mq_submit_bio".into(), "submit_bio_noacct".into()],
            hist: Histogram {
                label: None,
                label_text: None,
                comm: None,
                unit: "usecs",
                slots: vec![0, 0, total],
            },
        }
    }

    #[test]
    fn block_and_order() {
        let cols = [
            Column::left("comm", "COMM", 14),
            Column::left("pid", "PID", 6),
            Column::left("disk", "DISK", 7),
        ];
        let t = sample(3, "dd").text_block(&cols);
        assert!(
            t.starts_with(
                "dd             42     vda\nblk_mq_submit_bio\nsubmit_bio_noacct\n     usecs "
            ),
            "{t}"
        );
        assert!(t.ends_with("|\n\n"), "{t}");
        let mut v = vec![sample(1, "a"), sample(5, "b"), sample(1, "0")];
        sort_for_report(&mut v);
        let order: Vec<String> = v.iter().map(|h| h.head.text("comm")).collect();
        assert_eq!(order, ["b", "0", "a"]);
    }
}
