//! `batch file FILE`'s text, split as bpftool's do_batch/make_args split
//! it: `#` starts a comment (anywhere, quotes included), a line ending in
//! `\` continues on the next, a word that starts with `'` or `"` runs to
//! the next same quote (no escapes). Each command keeps the number of the
//! line it starts on, for errors.
use super::UsageError;

/// One command of a batch file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLine {
    /// 1-based number of the line the command starts on.
    pub line: usize,
    pub words: Vec<String>,
}

/// bpftool's limits: a line of 65,536 bytes and 64 words.
const LINE_MAX: usize = 65536;
const WORDS_MAX: usize = 64;

fn strip_comment(l: &str) -> &str {
    l.split_once('#').map_or(l, |(code, _)| code)
}

/// The commands of a batch file, in order; blank and comment lines are skipped.
pub fn split(text: &str) -> Result<Vec<BatchLine>, UsageError> {
    let mut out = Vec::new();
    let mut lines = text.split_inclusive('\n').enumerate();
    while let Some((i, raw)) = lines.next() {
        let mut buf = strip_comment(raw).to_string();
        while buf.ends_with("\\\n") {
            buf.truncate(buf.len() - 2);
            match lines.next() {
                Some((_, cont)) => buf.push_str(strip_comment(cont)),
                None => {
                    return Err(UsageError(format!(
                        "missing continuation line on command at line {}",
                        i + 1
                    )))
                }
            }
        }
        if buf.len() >= LINE_MAX {
            return Err(UsageError(format!("command at line {} is too long", i + 1)));
        }
        let words = words(&buf).map_err(|e| UsageError(format!("line {}: {e}", i + 1)))?;
        if !words.is_empty() {
            out.push(BatchLine { line: i + 1, words });
        }
    }
    Ok(out)
}

fn words(line: &str) -> Result<Vec<String>, String> {
    const WS: &[char] = &[' ', '\t', '\r', '\n'];
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches(WS);
        let Some(first) = rest.chars().next() else {
            break;
        };
        if out.len() >= WORDS_MAX - 1 {
            return Err("too many arguments".into());
        }
        if first == '\'' || first == '"' {
            let body = &rest[1..];
            let end = body
                .find(first)
                .ok_or_else(|| "unterminated quoted string".to_string())?;
            out.push(body[..end].to_string());
            rest = &body[end + 1..];
        } else {
            let end = rest.find(WS).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn comments_blank_lines_and_numbers() {
        let b = split("# header\n\nprog show   # all\n  map show id 3\n").unwrap();
        assert_eq!(
            b,
            vec![
                BatchLine {
                    line: 3,
                    words: w(&["prog", "show"])
                },
                BatchLine {
                    line: 4,
                    words: w(&["map", "show", "id", "3"])
                },
            ]
        );
    }

    #[test]
    fn quotes_and_continuations() {
        let b = split("map update name 'my map' \\\n  key 0 0 0 0 \\\n value \"1 2\"x\nlink show")
            .unwrap();
        assert_eq!(b[0].line, 1);
        assert_eq!(
            b[0].words,
            w(
                &[
                    "map", "update", "name", "my map", "key", "0", "0", "0", "0", "value", "1 2",
                    "x"
                ]
            )
        );
        assert_eq!(
            b[1],
            BatchLine {
                line: 4,
                words: w(&["link", "show"])
            }
        );
        // A quote inside a word is an ordinary character, as in bpftool.
        assert_eq!(split("a b'c d").unwrap()[0].words, w(&["a", "b'c", "d"]));
    }

    #[test]
    fn errors_name_the_line() {
        assert!(split("prog show\nmap 'oops\n")
            .unwrap_err()
            .0
            .starts_with("line 2: unterminated"));
        assert!(split("prog show \\\n")
            .unwrap_err()
            .0
            .contains("missing continuation line"));
        let many = vec!["x"; 70].join(" ");
        assert!(split(&many).unwrap_err().0.contains("too many arguments"));
    }
}
