//! bpftool's hex dumps: `prog run`'s `data_out -` rows and `map event_pipe`'s records.
use std::io::{self, Write};

/// `prog run`'s hex_print: offset, 16 bytes in pairs, then the printable
/// characters (`.` for the rest) with a gap after the eighth.
pub fn rows(w: &mut impl Write, data: &[u8]) -> io::Result<()> {
    for (row, chunk) in data.chunks(16).enumerate() {
        let mut line = format!("{:07x}\t", row * 16);
        for j in 0..16 {
            let sep = if j % 2 == 1 { " " } else { "" };
            match chunk.get(j) {
                Some(b) => line.push_str(&format!("{b:02x}{sep}")),
                None => line.push_str(&format!("  {sep}")),
            }
        }
        line.push_str("| ");
        for (j, &b) in chunk.iter().enumerate() {
            line.push(if (b' '..=b'~').contains(&b) {
                b as char
            } else {
                '.'
            });
            if j == 7 {
                line.push(' ');
            }
        }
        writeln!(w, "{line}")?;
    }
    Ok(())
}

/// bpftool's fprint_hex: bytes as `xx` with a space between, a double
/// space after every eighth, a new line after every sixteenth.
pub fn spaced(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len() * 3);
    for (i, b) in data.iter().enumerate() {
        if i > 0 {
            s.push_str(match i {
                _ if i % 16 == 0 => "\n",
                _ if i % 8 == 0 => "  ",
                _ => " ",
            });
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_match_bpftool_layout() {
        let data: Vec<u8> = (0x41..0x41 + 20).collect();
        let mut out = Vec::new();
        rows(&mut out, &data).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "0000000\t4142 4344 4546 4748 494a 4b4c 4d4e 4f50 | ABCDEFGH IJKLMNOP"
        );
        assert_eq!(
            lines[1],
            "0000010\t5152 5354                               | QRST"
        );
    }

    #[test]
    fn rows_mask_unprintable() {
        let mut out = Vec::new();
        rows(&mut out, &[0, 0x7f, b'a']).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0000000\t007f 61                                 | ..a\n"
        );
    }

    #[test]
    fn spaced_groups_by_eight() {
        assert_eq!(spaced(&[1, 2]), "01 02");
        let nine: Vec<u8> = (0..9).collect();
        assert_eq!(spaced(&nine), "00 01 02 03 04 05 06 07  08");
        let seventeen: Vec<u8> = (0..17).collect();
        assert!(spaced(&seventeen).ends_with("0e 0f\n10"));
    }
}
