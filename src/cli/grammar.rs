//! The grammar's building blocks and the one matcher that reads words with them.
//!
//! A command's arguments are a tree of `Node`s written once, in `cli::spec`.
//! The same tree is matched against the words (bpftool's prefixes included),
//! rendered as the help's syntax line, walked for the man page, and asked
//! what may come next by the shell completions. Matching yields a `Match`:
//! the captured slots, which `cli::request` turns into typed requests.
use std::cell::RefCell;

use crate::sys::handle::{is_prefix, Handle};
use crate::sys::ObjKind;

/// What a value word is: for help (its metavariable) and completion (what to offer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A file or path (the shell completes it).
    Path,
    /// A number or free text (nothing to offer).
    Text,
    /// A network device.
    Dev,
    /// A bundled tool's name.
    Tool,
    /// A program name inside an object file.
    ObjProg,
    /// One word out of a fixed list (offered as keywords).
    Choice(&'static [&'static str]),
    /// Any word, read by the command; these names are offered and documented.
    Named(&'static [&'static str]),
}

/// Which handle keywords an object takes (bpftool's PROG, MAP, LINK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandleKind {
    Prog,
    Map,
    Link,
    /// `btf show`'s BTF object.
    Btf,
    /// A map element's value: a program or a map, decided by the map's type.
    ProgOrMap,
}

impl HandleKind {
    pub const fn keywords(self) -> &'static [&'static str] {
        match self {
            HandleKind::Prog | HandleKind::ProgOrMap => &["id", "pinned", "tag", "name"],
            HandleKind::Map => &["id", "pinned", "name"],
            HandleKind::Link | HandleKind::Btf => &["id", "pinned"],
        }
    }
    pub const fn meta(self) -> &'static str {
        match self {
            HandleKind::Prog => "PROG",
            HandleKind::Map => "MAP",
            HandleKind::Link => "LINK",
            HandleKind::Btf => "BTF",
            HandleKind::ProgOrMap => "{PROG | MAP}",
        }
    }
    /// The kind whose live ids and names completion offers.
    pub const fn obj(self) -> ObjKind {
        match self {
            HandleKind::Prog | HandleKind::ProgOrMap => ObjKind::Prog,
            HandleKind::Map => ObjKind::Map,
            HandleKind::Link => ObjKind::Link,
            HandleKind::Btf => ObjKind::Btf,
        }
    }
}

/// One element of a command's syntax.
#[derive(Debug)]
pub enum Node {
    /// A keyword, matched by prefix as bpftool does; captured under its own name.
    Kw(&'static str),
    /// One value word, captured under `slot`, shown as `meta`.
    Val(&'static str, &'static str, Value),
    /// An object handle (`id ID`, `pinned PATH`, …), captured under `slot`.
    Handle(&'static str, HandleKind),
    /// `[hex] BYTE...`: the longest run of byte-looking words, under `slot`.
    Bytes(&'static str),
    /// A dashed option of the command (`--compare FILE`), with its value if any.
    Flag(&'static str, Option<(&'static str, Value)>),
    /// Every remaining word, as given (a tool's own arguments).
    Rest(&'static str, &'static str),
    Seq(&'static [Node]),
    Opt(&'static Node),
    /// The first alternative that leads to a full match.
    Alt(&'static [Node]),
    /// Options in any order, each at most once (a `Many` item may repeat).
    Any(&'static [Node]),
    /// Zero or more repetitions; each is captured as a group under `slot`.
    Many(&'static str, &'static Node),
}

/// A captured slot's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Cap {
    Flag,
    Word(String),
    Words(Vec<String>),
    Handle(Handle),
    Bytes { hex: bool, words: Vec<String> },
    Group(Match),
}

/// The slots a matched command filled, in the order of the words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Match {
    caps: Vec<(&'static str, Cap)>,
}

impl Match {
    /// The first capture under `slot` that `pick` accepts: a keyword and a
    /// value may share a slot name (`key` the keyword, `key` the bytes).
    fn find<'a, T>(&'a self, slot: &str, pick: impl Fn(&'a Cap) -> Option<T>) -> Option<T> {
        self.caps
            .iter()
            .filter(|(s, _)| *s == slot)
            .find_map(|(_, c)| pick(c))
    }
    pub fn has(&self, slot: &str) -> bool {
        self.caps.iter().any(|(s, _)| *s == slot)
    }
    pub fn word(&self, slot: &str) -> Option<&str> {
        self.find(slot, |c| match c {
            Cap::Word(w) => Some(w.as_str()),
            _ => None,
        })
    }
    pub fn words(&self, slot: &str) -> Vec<String> {
        self.find(slot, |c| match c {
            Cap::Words(w) => Some(w.clone()),
            _ => None,
        })
        .unwrap_or_default()
    }
    pub fn handle(&self, slot: &str) -> Option<&Handle> {
        self.find(slot, |c| match c {
            Cap::Handle(h) => Some(h),
            _ => None,
        })
    }
    pub fn bytes(&self, slot: &str) -> Option<(bool, &[String])> {
        self.find(slot, |c| match c {
            Cap::Bytes { hex, words } => Some((*hex, words.as_slice())),
            _ => None,
        })
    }
    /// Every repetition captured under `slot`, in order.
    pub fn groups<'a>(&'a self, slot: &'a str) -> impl Iterator<Item = &'a Match> + 'a {
        self.caps.iter().filter_map(move |(s, c)| match c {
            Cap::Group(m) if *s == slot => Some(m),
            _ => None,
        })
    }
    /// The first of `slots` that was captured (one of several keywords).
    pub fn which(&self, slots: &[&'static str]) -> Option<&'static str> {
        slots.iter().copied().find(|s| self.has(s))
    }
}

/// A grammar error: bpftool-like message, exit 255.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What the matcher was looking for where it stopped: for errors and completion.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    Kw(&'static str),
    Val(&'static str, Value),
    /// The word after a handle keyword: live ids, names, tags or paths.
    HandleVal(HandleKind, &'static str),
    Bytes,
    Flag(&'static str),
    Rest,
    End,
}

impl Expect {
    fn describe(&self) -> String {
        match self {
            Expect::Kw(k) => format!("'{k}'"),
            Expect::Val(m, Value::Choice(list)) => format!("{m} ({})", list.join(", ")),
            Expect::Val(m, _) => m.to_string(),
            Expect::HandleVal(_, kw) => format!("an argument to '{kw}'"),
            Expect::Bytes => "BYTES".into(),
            Expect::Flag(f) => format!("'{f}'"),
            Expect::Rest => "ARGS".into(),
            Expect::End => "no more arguments".into(),
        }
    }
}

/// A failed match: what was expected at the furthest word reached.
#[derive(Debug)]
pub struct NoMatch {
    pub pos: usize,
    pub expected: Vec<Expect>,
}

impl NoMatch {
    /// bpftool's phrasing: `expected 'a', 'b' or 'c', got: 'w'`.
    pub fn message(&self, words: &[String]) -> String {
        let mut exp: Vec<String> = Vec::new();
        let got = words.get(self.pos);
        // A wrong word where more was allowed: name what was allowed there.
        let ordered = self
            .expected
            .iter()
            .filter(|e| !(got.is_some() && **e == Expect::End && self.expected.len() > 1));
        for e in ordered {
            let d = e.describe();
            if !exp.contains(&d) {
                exp.push(d);
            }
        }
        if self.expected == [Expect::End] {
            if let Some(w) = got {
                return format!("too many arguments: unexpected '{w}'");
            }
        }
        if got.is_none() {
            let prev = self.pos.checked_sub(1).and_then(|p| words.get(p));
            match (self.expected.first(), prev) {
                (Some(Expect::HandleVal(_, kw)), _) => return format!("'{kw}' needs an argument"),
                (Some(Expect::Val(meta, _)), Some(prev)) if self.expected.len() == 1 => {
                    return format!("'{prev}' needs an argument ({meta})")
                }
                _ => {}
            }
        }
        let list = match exp.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => exp.join(""),
        };
        match got {
            Some(w) => format!("expected {list}, got: '{w}'"),
            None => format!("expected {list}, got nothing"),
        }
    }
}

/// A word that a value can't be (a bad id, tag or empty name): no backtracking past it.
#[derive(Debug)]
pub struct Invalid(pub String);

type Caps = Vec<(&'static str, Cap)>;
type Cont<'k> = &'k mut dyn FnMut(usize, &mut Caps) -> Result<bool, Invalid>;

/// One matching run over the words of a command.
pub struct Matcher<'w> {
    words: &'w [String],
    furthest: RefCell<(usize, Vec<Expect>)>,
}

/// Matches `words` against `syntax` completely.
pub fn parse(syntax: &Node, words: &[String]) -> Result<Result<Match, NoMatch>, Invalid> {
    let m = Matcher::new(words);
    let mut found = None;
    let mut caps = Vec::new();
    m.walk(syntax, 0, &mut caps, &mut |p, caps| {
        if p == words.len() {
            found = Some(std::mem::take(caps));
            return Ok(true);
        }
        m.expect(p, Expect::End);
        Ok(false)
    })?;
    Ok(match found {
        Some(caps) => Ok(Match { caps }),
        None => Err(m.failure()),
    })
}

/// What may follow `words` (all of them complete): for shell completion.
pub fn next(syntax: &Node, words: &[String]) -> Vec<Expect> {
    let m = Matcher::new(words);
    let mut caps = Vec::new();
    let _ = m.walk(syntax, 0, &mut caps, &mut |p, _| {
        m.expect(p, Expect::End);
        Ok(false)
    });
    let (pos, exp) = m.furthest.into_inner();
    if pos == words.len() {
        exp
    } else {
        Vec::new()
    }
}

/// bpftool's byte syntax: strtoul with base 0 (or 16 after `hex`).
pub fn looks_like_byte(word: &str, hex: bool) -> bool {
    let w = word
        .strip_prefix("0x")
        .or_else(|| word.strip_prefix("0X"))
        .unwrap_or(word);
    !w.is_empty()
        && w.chars().all(|c| c.is_ascii_hexdigit())
        && (hex || word.as_bytes()[0].is_ascii_digit())
}

impl<'w> Matcher<'w> {
    fn new(words: &'w [String]) -> Self {
        Matcher {
            words,
            furthest: RefCell::new((0, Vec::new())),
        }
    }

    fn expect(&self, pos: usize, e: Expect) {
        let mut f = self.furthest.borrow_mut();
        if pos > f.0 {
            *f = (pos, vec![e]);
        } else if pos == f.0 && !f.1.contains(&e) {
            f.1.push(e);
        }
    }

    fn failure(&self) -> NoMatch {
        let (pos, expected) = self.furthest.borrow().clone();
        NoMatch { pos, expected }
    }

    fn word(&self, pos: usize) -> Option<&'w str> {
        self.words.get(pos).map(String::as_str)
    }

    /// Matches `node` at `pos`, then calls `k` with where it ended; true
    /// once some continuation accepted. On false, `caps` is as it was.
    fn walk(&self, node: &Node, pos: usize, caps: &mut Caps, k: Cont) -> Result<bool, Invalid> {
        let mark = caps.len();
        let r = self.walk_inner(node, pos, caps, k)?;
        if !r {
            caps.truncate(mark);
        }
        Ok(r)
    }

    fn walk_inner(
        &self,
        node: &Node,
        pos: usize,
        caps: &mut Caps,
        k: Cont,
    ) -> Result<bool, Invalid> {
        match node {
            Node::Kw(kw) => match self.word(pos) {
                Some(w) if is_prefix(w, kw) => {
                    caps.push((kw, Cap::Flag));
                    k(pos + 1, caps)
                }
                _ => {
                    self.expect(pos, Expect::Kw(kw));
                    Ok(false)
                }
            },
            Node::Val(slot, meta, v) => match self.word(pos) {
                Some(w) => {
                    let w = match v {
                        Value::Choice(list) => match list.iter().find(|c| is_prefix(w, c)) {
                            Some(c) => (*c).to_string(),
                            None => {
                                self.expect(pos, Expect::Val(meta, *v));
                                return Ok(false);
                            }
                        },
                        _ => w.to_string(),
                    };
                    caps.push((slot, Cap::Word(w)));
                    k(pos + 1, caps)
                }
                None => {
                    self.expect(pos, Expect::Val(meta, *v));
                    Ok(false)
                }
            },
            Node::Handle(slot, kind) => {
                let Some(w) = self.word(pos) else {
                    for kw in kind.keywords() {
                        self.expect(pos, Expect::Kw(kw));
                    }
                    return Ok(false);
                };
                let Some(&kw) = kind.keywords().iter().find(|kw| is_prefix(w, kw)) else {
                    for kw in kind.keywords() {
                        self.expect(pos, Expect::Kw(kw));
                    }
                    return Ok(false);
                };
                let Some(arg) = self.word(pos + 1) else {
                    self.expect(pos + 1, Expect::HandleVal(*kind, kw));
                    return Ok(false);
                };
                let h = handle_value(kw, arg)?;
                caps.push((slot, Cap::Handle(h)));
                k(pos + 2, caps)
            }
            Node::Bytes(slot) => {
                let mut p = pos;
                let hex = self.word(p).is_some_and(|w| is_prefix(w, "hex"));
                if hex {
                    p += 1;
                }
                let start = p;
                // The first word is a byte whatever it looks like (so that
                // `key zz` says why zz is no byte); then bytes while they look so.
                if self.word(p).is_some() {
                    p += 1;
                }
                while self.word(p).is_some_and(|w| looks_like_byte(w, hex)) {
                    p += 1;
                }
                if p == start {
                    if !hex {
                        self.expect(pos, Expect::Kw("hex"));
                    }
                    self.expect(p, Expect::Bytes);
                    return Ok(false);
                }
                let words = self.words[start..p].to_vec();
                caps.push((slot, Cap::Bytes { hex, words }));
                k(p, caps)
            }
            Node::Flag(name, val) => {
                let Some(w) = self.word(pos) else {
                    self.expect(pos, Expect::Flag(name));
                    return Ok(false);
                };
                // `--opt value` and `--opt=value`.
                let (key, inline) = match w.split_once('=') {
                    Some((k, v)) if val.is_some() => (k, Some(v)),
                    _ => (w, None),
                };
                if key != *name {
                    self.expect(pos, Expect::Flag(name));
                    return Ok(false);
                }
                match (val, inline) {
                    (None, _) => {
                        caps.push((name, Cap::Flag));
                        k(pos + 1, caps)
                    }
                    (Some(_), Some(v)) => {
                        caps.push((name, Cap::Word(v.to_string())));
                        k(pos + 1, caps)
                    }
                    (Some((meta, v)), None) => match self.word(pos + 1) {
                        Some(arg) => {
                            caps.push((name, Cap::Word(arg.to_string())));
                            k(pos + 2, caps)
                        }
                        None => {
                            self.expect(pos + 1, Expect::Val(meta, *v));
                            Ok(false)
                        }
                    },
                }
            }
            Node::Rest(slot, _) => {
                self.expect(pos, Expect::Rest);
                caps.push((
                    slot,
                    Cap::Words(self.words[pos.min(self.words.len())..].to_vec()),
                ));
                k(self.words.len(), caps)
            }
            Node::Seq(items) => self.seq(items, pos, caps, k),
            Node::Opt(inner) => {
                if self.walk(inner, pos, caps, k)? {
                    return Ok(true);
                }
                k(pos, caps)
            }
            Node::Alt(alts) => {
                for a in alts.iter() {
                    if self.walk(a, pos, caps, k)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Node::Any(items) => self.any(items, 0, pos, caps, k),
            Node::Many(slot, inner) => self.many(slot, inner, pos, caps, k),
        }
    }

    fn seq(&self, items: &[Node], pos: usize, caps: &mut Caps, k: Cont) -> Result<bool, Invalid> {
        match items.split_first() {
            None => k(pos, caps),
            Some((first, rest)) => {
                self.walk(first, pos, caps, &mut |p, caps| self.seq(rest, p, caps, k))
            }
        }
    }

    fn any(
        &self,
        items: &[Node],
        used: u64,
        pos: usize,
        caps: &mut Caps,
        k: Cont,
    ) -> Result<bool, Invalid> {
        for (i, item) in items.iter().enumerate() {
            let bit = 1u64 << i;
            let repeats = matches!(item, Node::Many(..));
            if used & bit != 0 && !repeats {
                continue;
            }
            // A repeatable item matches one repetition at a time here.
            let r = match item {
                Node::Many(slot, inner) => self.group(slot, inner, pos, caps, &mut |p, caps| {
                    self.any(items, used | bit, p, caps, k)
                })?,
                // An item that consumed nothing would loop: it must move on.
                _ => self.walk(item, pos, caps, &mut |p, caps| {
                    Ok(p > pos && self.any(items, used | bit, p, caps, k)?)
                })?,
            };
            if r {
                return Ok(true);
            }
        }
        k(pos, caps)
    }

    fn many(
        &self,
        slot: &'static str,
        inner: &Node,
        pos: usize,
        caps: &mut Caps,
        k: Cont,
    ) -> Result<bool, Invalid> {
        if self.group(slot, inner, pos, caps, &mut |p, caps| {
            self.many(slot, inner, p, caps, k)
        })? {
            return Ok(true);
        }
        k(pos, caps)
    }

    /// One repetition of `inner`, captured as a group under `slot`.
    fn group(
        &self,
        slot: &'static str,
        inner: &Node,
        pos: usize,
        caps: &mut Caps,
        k: Cont,
    ) -> Result<bool, Invalid> {
        let mark = caps.len();
        self.walk(inner, pos, caps, &mut |p, caps| {
            if p == pos {
                return Ok(false);
            }
            let inner_caps = caps.split_off(mark);
            caps.push((
                slot,
                Cap::Group(Match {
                    caps: inner_caps.clone(),
                }),
            ));
            if k(p, caps)? {
                return Ok(true);
            }
            caps.truncate(mark);
            caps.extend(inner_caps);
            Ok(false)
        })
    }
}

/// The value after a handle keyword, checked as bpftool checks it.
fn handle_value(kw: &str, arg: &str) -> Result<Handle, Invalid> {
    Ok(match kw {
        "id" => {
            Handle::Id(parse_u32(arg).ok_or_else(|| Invalid(format!("can't parse {arg} as ID")))?)
        }
        "pinned" => Handle::Pinned(arg.into()),
        "tag" => {
            Handle::Tag(parse_tag(arg).ok_or_else(|| Invalid(format!("can't parse tag {arg}")))?)
        }
        _ => {
            if arg.is_empty() {
                return Err(Invalid("empty name".into()));
            }
            Handle::Name(arg.to_string())
        }
    })
}

/// A number as strtoul(…, 0) reads it (decimal, 0x hex, 0 octal), as bpftool's ids.
pub fn parse_u32(s: &str) -> Option<u32> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u32::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// A tag is 8 bytes in hex, run together as bpftool prints it.
fn parse_tag(s: &str) -> Option<[u8; 8]> {
    if s.len() != 16 {
        return None;
    }
    let mut tag = [0u8; 8];
    for (i, b) in tag.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(tag)
}
