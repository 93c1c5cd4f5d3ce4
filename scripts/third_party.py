#!/usr/bin/env python3
"""Writes THIRD_PARTY.md from `cargo metadata`: every crate a release build
of bpfscope links on this host's platform (normal and build dependencies of the workspace, not
dev-dependencies), with its version, licence and repository, and the note on
inferno's CDDL-1.0. Run by `make notice`; `make deny` checks it is current."""

import json
import subprocess
import sys

HEADER = """# Third-party software in bpfscope

bpfscope is licensed "GPL-2.0-only OR BSD-2-Clause". A release build links
the crates listed below (generated from `cargo metadata` by
`scripts/third_party.py`; `make notice` regenerates it). Their licences are
checked by `cargo deny check licenses` against `deny.toml`.

## inferno (CDDL-1.0) and bpfscope's licence

inferno, which draws the flame graphs of `tool report profile --svg`, is
licensed under the CDDL-1.0 only. The CDDL-1.0 is a file-based copyleft
licence that is generally held to be incompatible with the GPL-2.0: a binary
that contains inferno cannot be distributed under the GPL-2.0-only option.
It can be under the BSD-2-Clause option, which puts no conditions on the
other parts of the binary. So:

- binaries of bpfscope (which contain inferno) are distributed under the
  BSD-2-Clause option of bpfscope's licence;
- inferno's own files stay under the CDDL-1.0: their source form is
  available from crates.io (`inferno` at the version below) and from
  https://github.com/jonhoo/inferno, and any change to them would have to be
  published under the CDDL-1.0;
- bpfscope's source files remain available under either option; whoever
  needs the GPL-2.0-only option must build without inferno.

The same choice covers libbpf (vendored by libbpf-sys, "LGPL-2.1 OR
BSD-2-Clause") and libbpf-rs: their BSD-2-Clause option applies.

## Crates

| crate | version | licence | repository |
| --- | --- | --- | --- |
"""


def main():
    host = next(
        l.split(":", 1)[1].strip()
        for l in subprocess.check_output(["rustc", "-vV"], text=True).splitlines()
        if l.startswith("host:")
    )
    meta = json.loads(
        subprocess.check_output(
            ["cargo", "metadata", "--format-version", "1", "--locked",
             "--filter-platform", host]
        )
    )
    pkgs = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    members = set(meta["workspace_members"])
    seen = set()
    todo = list(members)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            kinds = [k["kind"] for k in dep["dep_kinds"]]
            if any(k in (None, "build") for k in kinds):
                todo.append(dep["pkg"])
    rows = []
    for pid in seen - members:
        p = pkgs[pid]
        lic = p["license"] or "see " + (p.get("license_file") or "its sources")
        rows.append((p["name"], p["version"], lic, p.get("repository") or ""))
    out = [HEADER]
    for name, ver, lic, repo in sorted(rows):
        out.append(f"| {name} | {ver} | {lic} | {repo} |\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
