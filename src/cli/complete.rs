//! What may come next on a command line, for the shell completion scripts:
//! keywords from the grammar, and values that only the kernel knows (ids,
//! names, tags), which `cmd::completions` looks up.
use super::grammar::{self, Expect, HandleKind, Value};
use super::spec::{GLOBALS, OBJECTS};
use super::{select_command, select_object, split};

/// One completion: a word, or a kind of value to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    Word(&'static str),
    /// Paths: the shell completes them.
    Files,
    Devices,
    Tools,
    Ids(HandleKind),
    Names(HandleKind),
    Tags(HandleKind),
}

/// Candidates for the word after `words` (all of them complete).
pub fn candidates(words: &[String]) -> Vec<Candidate> {
    let argv: Vec<String> = std::iter::once(String::new())
        .chain(words.iter().cloned())
        .collect();
    let Ok(s) = split(&argv) else {
        return Vec::new();
    };
    let Some(obj_word) = s.object else {
        return OBJECTS.iter().map(|o| Candidate::Word(o.name)).collect();
    };
    let Some(obj) = select_object(obj_word) else {
        return Vec::new();
    };
    let Some(cmd_word) = s.command else {
        if obj.commands.is_empty() {
            return Vec::new();
        }
        return obj
            .commands
            .iter()
            .filter(|c| !c.hidden)
            .map(|c| Candidate::Word(c.name))
            .chain([Candidate::Word("help")])
            .collect();
    };
    let Some(Some(cmd)) = select_command(obj, cmd_word) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in grammar::next(&cmd.syntax, &s.args) {
        let c = match e {
            Expect::Kw(k) | Expect::Flag(k) => vec![Candidate::Word(k)],
            Expect::Val(_, Value::Choice(list) | Value::Named(list)) => {
                list.iter().map(|c| Candidate::Word(c)).collect()
            }
            Expect::Val(_, Value::Path) => vec![Candidate::Files],
            Expect::Val(_, Value::Dev) => vec![Candidate::Devices],
            Expect::Val(_, Value::Tool) => vec![Candidate::Tools],
            Expect::HandleVal(h, "id") => vec![Candidate::Ids(h)],
            Expect::HandleVal(h, "name") => vec![Candidate::Names(h)],
            Expect::HandleVal(h, "tag") => vec![Candidate::Tags(h)],
            Expect::HandleVal(_, _) => vec![Candidate::Files],
            _ => vec![],
        };
        for c in c {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// Global options, for a word that starts with '-'.
pub fn options() -> impl Iterator<Item = &'static str> {
    GLOBALS.iter().map(|g| g.long)
}
