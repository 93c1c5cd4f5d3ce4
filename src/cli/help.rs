//! Help, the man page and the shell completion scripts, rendered from the
//! grammar in `spec`: a keyword the parser accepts is in all of them.
use std::fmt::Write as _;

use super::grammar::{HandleKind, Node, Value};
use super::spec::{Command, Object, Topic, GLOBALS, HANDLES, OBJECTS};

/// Visits every node of a syntax tree.
pub fn walk(node: &Node, f: &mut dyn FnMut(&Node)) {
    f(node);
    match node {
        Node::Seq(items) | Node::Alt(items) | Node::Any(items) => {
            items.iter().for_each(|n| walk(n, f))
        }
        Node::Opt(inner) | Node::Many(_, inner) => walk(inner, f),
        _ => {}
    }
}

/// Every word a user may type in a command: keywords, options, choices, handle keywords.
pub fn keywords(node: &Node) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut add = |w: &'static str| {
        if !out.contains(&w) {
            out.push(w);
        }
    };
    walk(node, &mut |n| match n {
        Node::Kw(k) | Node::Flag(k, _) => add(k),
        Node::Val(_, _, Value::Choice(list) | Value::Named(list)) => {
            list.iter().for_each(|c| add(c))
        }
        Node::Handle(_, h) => h.keywords().iter().for_each(|k| add(k)),
        Node::Bytes(_) => add("hex"),
        _ => {}
    });
    out
}

/// One node as bpftool's help spells syntax: `[opt]`, `{ a | b }`, `[x]...`.
fn render(node: &Node, in_opt: bool) -> String {
    match node {
        Node::Kw(k) => k.to_string(),
        Node::Val(_, meta, _) => meta.to_string(),
        Node::Handle(_, h) => h.meta().to_string(),
        Node::Bytes(_) => "[hex] BYTES".into(),
        Node::Flag(f, None) => f.to_string(),
        Node::Flag(f, Some((meta, _))) => format!("{f} {meta}"),
        Node::Rest(_, meta) => format!("[{meta}]..."),
        Node::Seq(items) => items
            .iter()
            .map(|n| render(n, false))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Node::Opt(inner) => match inner {
            Node::Alt(_) => format!("[{}]", render(inner, true)),
            _ => format!("[{}]", render(inner, false)),
        },
        Node::Alt(alts) => {
            let parts: Vec<String> = alts.iter().map(|a| render(a, false)).collect();
            if in_opt {
                parts.join(" | ")
            } else {
                format!("{{ {} }}", parts.join(" | "))
            }
        }
        Node::Any(items) => items
            .iter()
            .map(|n| match n {
                Node::Many(_, inner) => format!("[{}]...", render(inner, false)),
                Node::Alt(_) => format!("[{}]", render(n, true)),
                _ => format!("[{}]", render(n, false)),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Node::Many(_, inner) => format!("[{}]...", render(inner, false)),
    }
}

/// A command's whole syntax on one line, for error messages.
pub fn one_line(node: &Node) -> String {
    render(node, false)
}

/// A command's syntax as one or more lines: alternatives that lead the
/// syntax (`{xlated | jited}`, `BTF_SRC`), after keywords only, become lines
/// of their own, as in bpftool's help.
pub fn usage_lines(node: &Node) -> Vec<String> {
    match node {
        Node::Alt(alts) => alts.iter().flat_map(usage_lines).collect(),
        Node::Seq(items) => {
            let mut lines = vec![String::new()];
            let mut leading = true;
            for item in items.iter() {
                let parts = match item {
                    Node::Alt(_) | Node::Seq(_) if leading => usage_lines(item),
                    _ => vec![render(item, false)],
                };
                leading &= matches!(item, Node::Kw(_));
                lines = lines
                    .iter()
                    .flat_map(|l| {
                        parts
                            .iter()
                            .map(move |p| match (l.is_empty(), p.is_empty()) {
                                (true, _) => p.clone(),
                                (false, true) => l.clone(),
                                (false, false) => format!("{l} {p}"),
                            })
                    })
                    .collect();
            }
            lines
        }
        _ => vec![render(node, false)],
    }
}

/// `ATTACH_TYPE := { … }` and `PROG := { … }` lines for what a syntax uses.
fn legends(nodes: &[&Node]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |l: String| {
        if !out.contains(&l) {
            out.push(l);
        }
    };
    for node in nodes {
        walk(node, &mut |n| match n {
            Node::Handle(_, h) => {
                let metas: &[&str] = match h {
                    HandleKind::ProgOrMap => &["PROG", "MAP"],
                    HandleKind::Prog => &["PROG"],
                    HandleKind::Map => &["MAP"],
                    HandleKind::Link => &["LINK"],
                    HandleKind::Btf => &["BTF"],
                };
                for m in metas {
                    if let Some((name, spec)) = HANDLES.iter().find(|(n, _)| n == m) {
                        add(format!("{name} := {spec}"));
                    }
                }
            }
            Node::Val(_, meta, Value::Choice(list) | Value::Named(list))
            | Node::Flag(_, Some((meta, Value::Choice(list)))) => {
                add(format!("{meta} := {{ {} }}", list.join(" | ")))
            }
            Node::Bytes(_) => {
                add("BYTES := a byte per word: 0x1f, 037, 31; after 'hex': 1f".into())
            }
            Node::Val(_, "JSON", _) => {
                add("JSON := the key or value as JSON, typed by the map's BTF".into())
            }
            _ => {}
        });
    }
    out
}

fn options_line() -> String {
    let opts: Vec<String> = GLOBALS
        .iter()
        .map(|g| match (g.short, g.value) {
            (Some(c), None) => format!("-{c}|{}", g.long),
            (Some(c), Some(v)) => format!("-{c}|{} {v}", g.long),
            (None, _) => g.long.to_string(),
        })
        .collect();
    format!("OPTIONS := {{ {} }}", opts.join(" | "))
}

fn command_usage(obj: &Object, c: &Command, first: &mut bool, out: &mut String) {
    for line in usage_lines(&c.syntax) {
        let lead = if std::mem::take(first) {
            "Usage:"
        } else {
            "      "
        };
        let _ = writeln!(out, "{lead} bpfscope {} {} {line}", obj.name, c.name);
    }
}

/// The help text for a topic (stdout, exit 0).
pub fn help(topic: Topic) -> String {
    let mut out = String::new();
    let mut first = true;
    match topic {
        Topic::Top => {
            let names: Vec<&str> = OBJECTS.iter().map(|o| o.name).collect();
            let _ = writeln!(
                out,
                "Usage: bpfscope [OPTIONS] OBJECT {{ COMMAND | help }}\n       bpfscope help\n       bpfscope version\n\n       OBJECT := {{ {} }}\n       {}\n\nObjects:",
                names.join(" | "),
                options_line()
            );
            for o in OBJECTS {
                let _ = writeln!(out, "  {:<12} {}", o.name, o.about);
            }
            let _ = writeln!(
                out,
                "\nOptions:\n{}\nEvery OBJECT and COMMAND may be abbreviated to a prefix, as with bpftool;\n'list' is 'show'. 'bpfscope OBJECT help' lists an object's commands.",
                GLOBALS
                    .iter()
                    .map(|g| {
                        let short = g.short.map(|c| format!("-{c}, ")).unwrap_or_default();
                        let val = g.value.map(|v| format!(" {v}")).unwrap_or_default();
                        format!("  {short}{}{val}\n      {}\n", g.long, g.about)
                    })
                    .collect::<String>()
            );
        }
        Topic::Object(obj) => {
            let visible: Vec<&Command> = obj.commands.iter().filter(|c| !c.hidden).collect();
            for c in &visible {
                command_usage(obj, c, &mut first, &mut out);
            }
            let _ = writeln!(out, "       bpfscope {} help", obj.name);
            let nodes: Vec<&Node> = visible.iter().map(|c| &c.syntax).collect();
            out.push('\n');
            for l in legends(&nodes) {
                let _ = writeln!(out, "       {l}");
            }
            let _ = writeln!(out, "       {}\n", options_line());
            // Names as wide as the longest (list_builtins, unregister), at least 9.
            let w = visible
                .iter()
                .map(|c| c.name.len())
                .max()
                .unwrap_or(0)
                .max(9);
            for c in &visible {
                let _ = writeln!(out, "  {:<w$} {}", c.name, c.about);
            }
        }
        Topic::Command(obj, c) => {
            command_usage(obj, c, &mut first, &mut out);
            out.push('\n');
            for l in legends(&[&c.syntax]) {
                let _ = writeln!(out, "       {l}");
            }
            let _ = writeln!(out, "       {}\n\n{}", options_line(), c.about);
        }
    }
    if let Topic::Object(o) | Topic::Command(o, _) = topic {
        if let Some(more) = o.more_help {
            out.push('\n');
            out.push_str(&more());
        }
    }
    out
}

// -- man page ------------------------------------------------------------------

/// bpfscope(8): every object and command with its full syntax.
pub fn man() -> String {
    use roff::{bold, italic, roman, Roff};
    let mut r = Roff::new();
    r.control(
        "TH",
        ["BPFSCOPE", "8", "", env!("CARGO_PKG_VERSION"), "bpfscope"],
    );
    r.control("SH", ["NAME"]);
    r.text([roman("bpfscope \\- inspect and manage Linux BPF programs, maps, links and BTF (bpftool-compatible)")]);
    r.control("SH", ["SYNOPSIS"]);
    r.text([
        bold("bpfscope"),
        roman(" ["),
        italic("OPTIONS"),
        roman("] "),
        italic("OBJECT"),
        roman(" { "),
        italic("COMMAND"),
        roman(" | "),
        bold("help"),
        roman(" }"),
    ]);
    r.control("SH", ["DESCRIPTION"]);
    r.text([roman("bpfscope lists and inspects what the kernel holds through bpf(2), loads, pins, attaches and detaches objects, and carries tracing tools that are pinned under bpffs. Its grammar, text layout and JSON keys are bpftool's. Every OBJECT and COMMAND may be abbreviated to a prefix; the first in table order wins. 'list' is 'show'.")]);
    r.control("SH", ["OPTIONS"]);
    for g in GLOBALS {
        let short = g.short.map(|c| format!("-{c}, ")).unwrap_or_default();
        let val = g.value.map(|v| format!(" {v}")).unwrap_or_default();
        r.control("TP", []);
        r.text([bold(format!("{short}{}{val}", g.long))]);
        r.text([roman(g.about)]);
    }
    r.control("SH", ["HANDLES"]);
    for (name, spec) in HANDLES {
        r.text([italic(*name), roman(format!(" := {spec}"))]);
        r.control("br", []);
    }
    for obj in OBJECTS.iter().filter(|o| !o.commands.is_empty()) {
        r.control(
            "SH",
            [format!("{} COMMANDS", obj.name.to_uppercase()).as_str()],
        );
        r.text([roman(obj.about)]);
        let visible: Vec<&Command> = obj.commands.iter().filter(|c| !c.hidden).collect();
        for c in &visible {
            r.control("TP", []);
            for (i, line) in usage_lines(&c.syntax).iter().enumerate() {
                if i > 0 {
                    r.control("br", []);
                }
                r.text([
                    bold(format!("bpfscope {} {}", obj.name, c.name)),
                    roman(format!(" {line}")),
                ]);
            }
            r.control("br", []);
            r.text([roman(c.about)]);
        }
        let nodes: Vec<&Node> = visible.iter().map(|c| &c.syntax).collect();
        for l in legends(&nodes) {
            r.control("PP", []);
            r.text([roman(l)]);
        }
    }
    r.control("SH", ["SEE ALSO"]);
    r.text([bold("bpftool"), roman("(8), "), bold("bpf"), roman("(2)")]);
    r.render()
}

// -- completion scripts --------------------------------------------------------

/// `object command` → every keyword of the command, for the scripts' fallback.
fn keyword_table() -> Vec<(String, String)> {
    let mut rows = vec![(
        String::new(),
        OBJECTS.iter().map(|o| o.name).collect::<Vec<_>>().join(" "),
    )];
    for o in OBJECTS.iter().filter(|o| !o.commands.is_empty()) {
        let cmds: Vec<&str> = o
            .commands
            .iter()
            .filter(|c| !c.hidden)
            .map(|c| c.name)
            .collect();
        rows.push((o.name.to_string(), format!("{} help", cmds.join(" "))));
        for c in o.commands.iter().filter(|c| !c.hidden) {
            rows.push((
                format!("{} {}", o.name, c.name),
                keywords(&c.syntax).join(" "),
            ));
        }
    }
    rows
}

fn global_words() -> String {
    GLOBALS
        .iter()
        .flat_map(|g| {
            g.short
                .map(|c| format!("-{c}"))
                .into_iter()
                .chain([g.long.to_string()])
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const SCRIPT_HEAD: &str =
    "bpfscope completion, generated from its grammar (`bpfscope completions SHELL`).\n\
# The binary answers what may come next (keywords, live ids, names, pins):\n\
# `bpfscope completions words -- WORDS…`; '@file' asks the shell for paths.\n\
# The table below, every keyword per command, is used when it can't answer.";

pub fn bash() -> String {
    let mut s = format!("# {SCRIPT_HEAD}\ndeclare -gA _bpfscope_keywords=(\n");
    for (k, v) in keyword_table() {
        let _ = writeln!(s, "  [\"{k}\"]=\"{v}\"");
    }
    let _ = write!(
        s,
        r#")
_bpfscope_globals="{globals}"

_bpfscope() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} bin=${{COMP_WORDS[0]}} c out
    local -a words=("${{COMP_WORDS[@]:1:COMP_CWORD-1}}") pos=()
    COMPREPLY=()
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_bpfscope_globals" -- "$cur"))
        return
    fi
    if ! out=$("$bin" completions words -- "${{words[@]}}" 2>/dev/null); then
        for c in "${{words[@]}}"; do [[ $c == -* ]] || pos+=("$c"); done
        out=${{_bpfscope_keywords["${{pos[*]:0:2}}"]}}
        out=${{out// /$'\n'}}
    fi
    while IFS= read -r c; do
        if [[ $c == @file ]]; then
            COMPREPLY+=($(compgen -f -- "$cur"))
        elif [[ -n $c && $c == "$cur"* ]]; then
            COMPREPLY+=("$c")
        fi
    done <<< "$out"
}}
complete -F _bpfscope bpfscope
"#,
        globals = global_words()
    );
    s
}

pub fn zsh() -> String {
    let mut s = format!("#compdef bpfscope\n# {SCRIPT_HEAD}\ntypeset -gA _bpfscope_keywords\n_bpfscope_keywords=(\n");
    for (k, v) in keyword_table() {
        let _ = writeln!(s, "  '{k}' '{v}'");
    }
    let _ = write!(
        s,
        r#")
_bpfscope_globals=({globals})

_bpfscope() {{
    local -a cands pos
    local out c
    if [[ $PREFIX == -* ]]; then
        compadd -a _bpfscope_globals
        return
    fi
    if ! out=$(${{words[1]}} completions words -- ${{words[2,CURRENT-1]}} 2>/dev/null); then
        for c in ${{words[2,CURRENT-1]}}; do [[ $c == -* ]] || pos+=($c); done
        out=${{_bpfscope_keywords[${{(j: :)pos[1,2]}}]// /$'\n'}}
    fi
    cands=(${{(f)out}})
    if (( ${{cands[(I)@file]}} )); then
        _files
    fi
    cands=(${{cands:#@file}})
    compadd -a cands
}}
compdef _bpfscope bpfscope
"#,
        globals = global_words()
    );
    s
}

pub fn fish() -> String {
    let mut s = format!("# {SCRIPT_HEAD}\n");
    for (k, v) in keyword_table() {
        let var = if k.is_empty() {
            "_".to_string()
        } else {
            k.replace(' ', "_")
        };
        let _ = writeln!(s, "set -g __bpfscope_kw_{var} {v}");
    }
    let _ = write!(
        s,
        r#"set -g __bpfscope_globals {globals}

function __bpfscope_complete
    set -l words (commandline -opc)[2..-1]
    set -l out (bpfscope completions words -- $words 2>/dev/null)
    or begin
        set -l pos (string match -v -- '-*' $words)
        set -l var __bpfscope_kw_(string join _ $pos[1..2])
        test (count $pos) -eq 0; and set var __bpfscope_kw__
        set out $$var
    end
    for c in $out
        if test "$c" = @file
            __fish_complete_path (commandline -ct)
        else
            echo $c
        end
    end
end
complete -c bpfscope -f -a '(__bpfscope_complete)'
complete -c bpfscope -f -n 'string match -q -- "-*" (commandline -ct)' -a "$__bpfscope_globals"
"#,
        globals = global_words()
    );
    s
}
