//! The command line: bpftool's `bpfscope [OPTIONS] OBJECT COMMAND [ARGS]`.
//!
//! `spec` holds the grammar, once; `grammar` matches words against it;
//! `request` turns a match into the typed request that `cmd` executes;
//! `help` renders help, the man page and the completion scripts from the
//! same table, and `complete` answers those scripts. Parsing has no side
//! effects: nothing here talks to the kernel.
pub mod batch;
pub mod build;
pub mod complete;
pub mod grammar;
pub mod help;
pub mod request;
pub mod spec;

use std::path::PathBuf;

use crate::output::Ctx;
use grammar::Node;
pub use grammar::UsageError;
pub use request::Request;
pub use spec::Topic;
use spec::{Command, Object, GLOBALS, OBJECTS};

/// The global options (bpftool's getopt_long set, plus `--table`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Global {
    pub json: bool,
    pub pretty: bool,
    pub bpffs: bool,
    pub nomount: bool,
    pub debug: bool,
    pub table: bool,
    pub mapcompat: bool,
    pub use_loader: bool,
    pub base_btf: Option<PathBuf>,
}

impl Global {
    pub fn ctx(&self) -> Ctx {
        Ctx {
            json: self.json || self.pretty,
            pretty: self.pretty,
            bpffs: self.bpffs,
            nomount: self.nomount,
            debug: self.debug,
            table: self.table,
            use_loader: self.use_loader,
        }
    }
}

#[derive(Debug)]
pub enum Action {
    Help(Topic),
    Version,
    Run(Request),
}

#[derive(Debug)]
pub struct Invocation {
    pub global: Global,
    pub action: Action,
}

/// The words of a command line sorted out: global options applied, the
/// object and command chosen by prefix, the command's own words kept.
struct Split<'a> {
    global: Global,
    help: bool,
    version: bool,
    object: Option<&'a str>,
    command: Option<&'a str>,
    args: Vec<String>,
}

/// The command a word selects: bpftool's table order, `list` after `show`, then `help`.
fn select_command(obj: &'static Object, word: &str) -> Option<Option<&'static Command>> {
    let mut order: Vec<(&str, Option<&'static Command>)> = Vec::new();
    for c in obj.commands {
        order.push((c.name, Some(c)));
        if c.name == "show" {
            order.push(("list", Some(c)));
            order.push(("help", None));
        }
    }
    if !order.iter().any(|(n, _)| *n == "help") {
        order.push(("help", None));
    }
    if obj.name == "tool" {
        order.push(("show", obj.commands.first()));
    }
    order
        .into_iter()
        .find(|(n, _)| !word.is_empty() && n.starts_with(word))
        .map(|(_, c)| c)
}

pub fn select_object(word: &str) -> Option<&'static Object> {
    OBJECTS
        .iter()
        .find(|o| !word.is_empty() && o.name.starts_with(word))
}

/// Does the command take this dashed word itself (`--compare`, `--all`)?
fn takes_flag(node: &Node, word: &str) -> bool {
    let key = word.split_once('=').map_or(word, |(k, _)| k);
    let mut found = false;
    help::walk(node, &mut |n| {
        if let Node::Flag(f, _) = n {
            found |= *f == key;
        }
    });
    found
}

fn has_rest(node: &Node) -> bool {
    let mut found = false;
    help::walk(node, &mut |n| found |= matches!(n, Node::Rest(..)));
    found
}

fn apply_long(
    g: &mut Global,
    help: &mut bool,
    version: &mut bool,
    name: &str,
    value: Option<String>,
) {
    match name {
        "--json" => g.json = true,
        "--pretty" => g.pretty = true,
        "--bpffs" => g.bpffs = true,
        "--nomount" => g.nomount = true,
        "--debug" => g.debug = true,
        "--table" => g.table = true,
        "--mapcompat" => g.mapcompat = true,
        "--use-loader" => g.use_loader = true,
        "--base-btf" => g.base_btf = value.map(PathBuf::from),
        "--version" => *version = true,
        _ => *help = true,
    }
}

fn split(argv: &[String]) -> Result<Split<'_>, UsageError> {
    let mut s = Split {
        global: Global::default(),
        help: false,
        version: false,
        object: None,
        command: None,
        args: Vec::new(),
    };
    let mut obj: Option<&'static Object> = None;
    let mut cmd: Option<&'static Command> = None;
    let mut raw = false;
    let mut it = argv.iter().skip(1).peekable();
    while let Some(w) = it.next() {
        // `-1` is a (bad) value, not an option: the command says why.
        let number = w.len() > 1 && w[1..].chars().all(|c| c.is_ascii_digit());
        let positional = raw || !w.starts_with('-') || w.len() == 1 || number;
        // A tool's own options start after its name; a command's own flags are its.
        let cmd_takes = cmd.is_some_and(|c| {
            (has_rest(&c.syntax) && !s.args.is_empty()) || takes_flag(&c.syntax, w)
        });
        if w == "--" && !raw && !cmd.is_some_and(|c| has_rest(&c.syntax) && !s.args.is_empty()) {
            raw = true;
            continue;
        }
        // An object's default command takes its own flags unnamed (`top -b`).
        let default_cmd = (cmd.is_none() && s.command.is_none() && !positional)
            .then(|| obj.and_then(|o| o.default).and_then(spec::command))
            .flatten()
            .map(|(_, c)| c)
            .filter(|c| takes_flag(&c.syntax, w));
        if let Some(c) = default_cmd {
            cmd = Some(c);
            s.command = Some(c.name);
            s.args.push(w.clone());
            continue;
        }
        if positional || cmd_takes {
            if s.object.is_none() {
                s.object = Some(w);
                obj = select_object(w);
            } else if s.command.is_none() && obj.is_some_and(|o| !o.commands.is_empty()) {
                s.command = Some(w);
                cmd = obj.and_then(|o| select_command(o, w)).flatten();
            } else {
                s.args.push(w.clone());
            }
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(opt) = GLOBALS.iter().find(|g| &g.long[2..] == name) else {
                return Err(UsageError(format!("unknown option '{w}'")));
            };
            let value = match (opt.value, inline) {
                (Some(_), Some(v)) => Some(v),
                (Some(meta), None) => Some(it.next().cloned().ok_or_else(|| {
                    UsageError(format!("option '{}' needs an argument: {meta}", opt.long))
                })?),
                (None, Some(_)) => {
                    return Err(UsageError(format!(
                        "option '{}' takes no argument",
                        opt.long
                    )))
                }
                (None, None) => None,
            };
            apply_long(&mut s.global, &mut s.help, &mut s.version, opt.long, value);
            continue;
        }
        // A cluster of short options (`-jp`); `-B` takes the rest or the next word.
        for (i, c) in w[1..].char_indices() {
            let Some(opt) = GLOBALS.iter().find(|g| g.short == Some(c)) else {
                return Err(UsageError(format!("unknown option '-{c}'")));
            };
            let value = if opt.value.is_some() {
                let rest = &w[1 + i + c.len_utf8()..];
                let v = if rest.is_empty() {
                    it.next()
                        .cloned()
                        .ok_or_else(|| UsageError(format!("option '-{c}' needs an argument")))?
                } else {
                    rest.to_string()
                };
                Some(v)
            } else {
                None
            };
            apply_long(&mut s.global, &mut s.help, &mut s.version, opt.long, value);
            if opt.value.is_some() {
                break;
            }
        }
    }
    Ok(s)
}

/// Parses a whole command line (argv[0] included).
pub fn parse(argv: &[String]) -> Result<Invocation, UsageError> {
    let s = split(argv)?;
    let global = s.global.clone();
    let done = |action| {
        Ok(Invocation {
            global: global.clone(),
            action,
        })
    };
    if s.version && !s.help {
        return done(Action::Version);
    }
    let Some(word) = s.object else {
        return done(Action::Help(Topic::Top));
    };
    if word.is_empty() {
        return done(Action::Help(Topic::Top));
    }
    let Some(obj) = select_object(word) else {
        let names: Vec<&str> = OBJECTS.iter().map(|o| o.name).collect();
        return Err(UsageError(format!(
            "unknown object '{word}' (expected one of: {})",
            names.join(", ")
        )));
    };
    if obj.name == "help" {
        return done(Action::Help(Topic::Top));
    }
    let command = match s.command {
        None => match obj.default.and_then(spec::command) {
            Some((_, c)) if !s.help => c,
            _ => return done(Action::Help(Topic::Object(obj))),
        },
        Some(w) => match select_command(obj, w) {
            Some(Some(c)) => c,
            Some(None) => return done(Action::Help(Topic::Object(obj))),
            None if w.is_empty() => return done(Action::Help(Topic::Object(obj))),
            None => {
                let names: Vec<&str> = obj
                    .commands
                    .iter()
                    .filter(|c| !c.hidden)
                    .map(|c| c.name)
                    .collect();
                return Err(UsageError(format!(
                    "unknown command '{w}' for '{}' (expected one of: {})",
                    obj.name,
                    names.join(", ")
                )));
            }
        },
    };
    if s.help {
        return done(Action::Help(Topic::Command(obj, command)));
    }
    let m = match grammar::parse(&command.syntax, &s.args) {
        Err(grammar::Invalid(msg)) => return Err(UsageError(msg)),
        Ok(Err(nomatch)) => {
            return Err(UsageError(format!(
                "{} (usage: {} {} {})",
                nomatch.message(&s.args),
                obj.name,
                command.name,
                help::one_line(&command.syntax)
            )))
        }
        Ok(Ok(m)) => m,
    };
    let mut request = build::build(command.id, &m)?;
    // -B FILE: the base of split BTF, as bpftool's base_btf.
    if let Request::Btf(request::BtfReq::Dump { base_btf, .. }) = &mut request {
        base_btf.clone_from(&global.base_btf);
    }
    done(Action::Run(request))
}

/// Did the command line ask for JSON? For errors found before parsing ends.
pub fn wants_json(argv: &[String]) -> bool {
    match split(argv) {
        Ok(s) => s.global.json || s.global.pretty,
        Err(_) => argv
            .iter()
            .any(|a| a == "-j" || a == "--json" || a == "-p" || a == "--pretty"),
    }
}

#[cfg(test)]
mod tests;
