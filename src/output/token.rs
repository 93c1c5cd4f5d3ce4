//! `token show` in bpftool's text layout: the mount, then each allowed set
//! with four names per line in 20-column cells.
use std::io::{self, Write};

use crate::record::token::TokenRecord;

pub fn text(w: &mut impl Write, tokens: &[TokenRecord]) -> io::Result<()> {
    for t in tokens {
        write!(w, "token_info  {}", super::escape(&t.token_info))?;
        for (header, items) in [
            ("allowed_cmds", &t.allowed_cmds),
            ("allowed_maps", &t.allowed_maps),
            ("allowed_progs", &t.allowed_progs),
            ("allowed_attachs", &t.allowed_attachs),
        ] {
            write!(w, "\n\t{header}:")?;
            for (i, item) in items.iter().enumerate() {
                if i % 4 == 0 {
                    write!(w, "\n\t  ")?;
                }
                write!(w, "{:<20}", super::escape(item))?;
            }
        }
        writeln!(w)?;
    }
    Ok(())
}
