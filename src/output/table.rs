//! `--table`: comfy-table views of any record that can give a header and rows.
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::Render;

pub fn write<T: Render>(w: &mut impl Write, items: &[T]) -> io::Result<()> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(T::table_header());
    for it in items {
        t.add_row(it.table_row());
    }
    writeln!(w, "{t}")
}
