//! `feature probe [kernel | dev NAME] [full] [unprivileged] [macros [prefix PREFIX]]`
//! (bpftool's src/feature.c).
use super::{CmdError, Result};
use crate::disasm::helpers::HELPER_NAMES;
use crate::output::{self, render_feature, Ctx, Out};
use crate::sys::feature::{self, ProbeOpts};
use crate::sys::handle::is_prefix;

/// The parsed words: probe options and the macro prefix (Some("") = `macros`).
fn parse(args: &[String]) -> Result<(ProbeOpts, Option<String>)> {
    let mut opts = ProbeOpts::default();
    let mut component = false;
    let mut prefix: Option<String> = None;
    let mut it = args.iter();
    while let Some(w) = it.next() {
        if is_prefix(w, "kernel") {
            if component {
                return Err(CmdError::Usage(
                    "component to probe already specified".into(),
                ));
            }
            component = true;
        } else if is_prefix(w, "dev") {
            if component {
                return Err(CmdError::Usage(
                    "component to probe already specified".into(),
                ));
            }
            component = true;
            let name = it
                .next()
                .ok_or_else(|| CmdError::Usage("'dev' needs a device name".into()))?;
            opts.ifindex = Some(crate::sys::net::dev_ifindex(name)?);
        } else if is_prefix(w, "full") {
            opts.full = true;
        } else if is_prefix(w, "macros") && prefix.is_none() {
            prefix = Some(String::new());
        } else if is_prefix(w, "prefix") {
            match &prefix {
                None => {
                    return Err(CmdError::Usage(
                        "'prefix' argument can only be use after 'macros'".into(),
                    ))
                }
                Some(p) if !p.is_empty() => {
                    return Err(CmdError::Usage("'prefix' already defined".into()))
                }
                Some(_) => {}
            }
            let p = it
                .next()
                .ok_or_else(|| CmdError::Usage("'prefix' needs an argument".into()))?;
            prefix = Some(p.clone());
        } else if is_prefix(w, "unprivileged") {
            opts.unprivileged = true;
        } else {
            return Err(CmdError::Usage(format!(
                "expected no more arguments, 'kernel', 'dev', 'macros' or 'prefix', got: '{w}'?"
            )));
        }
    }
    Ok((opts, prefix))
}

pub fn probe(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    let (mut opts, prefix) = parse(args)?;
    // JSON has no macros (bpftool drops the prefix with -j).
    let prefix = if ctx.json { None } else { prefix };
    opts.macros = prefix.is_some();
    feature::handle_perms(opts.unprivileged)?;
    let report = feature::probe(&opts, &HELPER_NAMES);
    if !ctx.json {
        if let Some(note) = report
            .system_config
            .as_ref()
            .and_then(|s| s.config_note.as_ref())
        {
            render_feature::info(note);
        }
        if report
            .system_config
            .as_ref()
            .is_some_and(|s| s.sysctls.is_none())
            && !opts.macros
        {
            render_feature::info("/* procfs not mounted, skipping related probes */");
        }
    }
    if ctx.json {
        output::write_json(ctx, out, &report)?;
    } else if ctx.table {
        render_feature::table(out, &report)?;
    } else {
        render_feature::text(out, &report, prefix.as_deref())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn words_like_bpftool() {
        let (o, p) = parse(&w("k f m pre X_ u")).unwrap();
        assert!(o.full && o.unprivileged && o.ifindex.is_none());
        assert_eq!(p.as_deref(), Some("X_"));
        assert!(parse(&w("prefix X")).is_err());
        assert!(parse(&w("macros prefix A prefix B")).is_err());
        assert!(parse(&w("kernel kernel")).is_err());
        assert!(parse(&w("bogus"))
            .unwrap_err()
            .to_string()
            .contains("got: 'bogus'"));
        assert!(parse(&w("dev")).is_err());
    }
}
