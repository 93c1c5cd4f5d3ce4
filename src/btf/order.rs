//! bpftool's stable order of types in a C dump (btf.c `btf_type_rank`,
//! `btf_type_sort_name`, `btf_name_hasher`, `cmp_btf_types`), computed
//! group by group so `dump_c` can start printing before all types are sorted.
use super::view::{kind, View};

/// Guard against reference cycles in crafted BTF.
const MAX_DEPTH: u32 = 64;
const MAX_RANK: i32 = 10;

/// bpftool's `btf_type_rank`.
fn rank(v: &View, id: u32, mut has_name: bool, depth: u32) -> i32 {
    let Some(t) = v.ty(id) else { return MAX_RANK };
    if depth > MAX_DEPTH {
        return MAX_RANK;
    }
    if t.name_off != 0 {
        has_name = true;
    }
    match t.kind() {
        kind::ENUM | kind::ENUM64 => i32::from(has_name),
        kind::INT | kind::FLOAT => 2,
        kind::STRUCT | kind::UNION if has_name => 3,
        kind::FUNC_PROTO if has_name => 4,
        kind::ARRAY if has_name => rank(v, t.array().0, has_name, depth + 1),
        kind::TYPE_TAG
        | kind::CONST
        | kind::PTR
        | kind::VOLATILE
        | kind::RESTRICT
        | kind::TYPEDEF
        | kind::DECL_TAG
            if has_name =>
        {
            rank(v, t.type_id(), has_name, depth + 1)
        }
        _ => MAX_RANK,
    }
}

/// bpftool's `btf_type_sort_name`, as a string offset.
fn sort_name(v: &View, id: u32, from_ref: bool, depth: u32) -> u32 {
    let Some(t) = v.ty(id) else { return 0 };
    if depth > MAX_DEPTH {
        return 0;
    }
    match t.kind() {
        kind::ENUM | kind::ENUM64 => {
            let mut off = t.name_off;
            if !from_ref && off == 0 && t.vlen() > 0 {
                off = if t.kind() == kind::ENUM64 {
                    t.enum64().next().map_or(0, |e| e.0)
                } else {
                    t.enum32().next().map_or(0, |e| e.0)
                };
            }
            off
        }
        kind::ARRAY => sort_name(v, t.array().0, true, depth + 1),
        kind::TYPE_TAG
        | kind::CONST
        | kind::PTR
        | kind::VOLATILE
        | kind::RESTRICT
        | kind::TYPEDEF
        | kind::DECL_TAG => sort_name(v, t.type_id(), true, depth + 1),
        _ => t.name_off,
    }
}

/// libbpf's `str_hash` (C `char` is signed on the hosts bpftool runs on).
fn str_hash(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |h, &c| {
        h.wrapping_mul(31).wrapping_add(c as i8 as i64 as u64)
    })
}

fn hasher(h: u64, v: u64) -> u64 {
    h.wrapping_mul(31).wrapping_add(v)
}

fn name_hasher(h: u64, v: &View, off: u32) -> u64 {
    if off == 0 {
        h
    } else {
        hasher(h, str_hash(v.name(off)))
    }
}

/// bpftool's `btf_type_disambig_hash`, memoized per (id, members): the
/// plain recursion re-hashes the same member types over and over. A map,
/// not a table per type: only ties in name need a hash.
struct Disambig<'v> {
    v: &'v View,
    memo: std::collections::HashMap<(u32, bool), u64>,
}

impl<'v> Disambig<'v> {
    fn new(v: &'v View) -> Self {
        Disambig {
            v,
            memo: std::collections::HashMap::new(),
        }
    }

    fn hash(&mut self, id: u32, members: bool, depth: u32) -> u64 {
        if let Some(h) = self.memo.get(&(id, members)) {
            return *h;
        }
        let h = self.compute(id, members, depth);
        self.memo.insert((id, members), h);
        h
    }

    fn compute(&mut self, id: u32, members: bool, depth: u32) -> u64 {
        let v = self.v;
        let Some(t) = v.ty(id) else { return 0 };
        let mut h = name_hasher(0, v, t.name_off);
        if depth > MAX_DEPTH {
            return h;
        }
        match t.kind() {
            kind::ENUM => {
                for (n, _) in t.enum32() {
                    h = name_hasher(h, v, n);
                }
            }
            kind::ENUM64 => {
                for (n, _) in t.enum64() {
                    h = name_hasher(h, v, n);
                }
            }
            kind::STRUCT | kind::UNION if members => {
                for m in t.members() {
                    h = name_hasher(h, v, m.name_off);
                    h = hasher(h, self.hash(m.type_id, false, depth + 1));
                }
            }
            kind::TYPE_TAG
            | kind::CONST
            | kind::PTR
            | kind::VOLATILE
            | kind::RESTRICT
            | kind::TYPEDEF
            | kind::DECL_TAG => h = hasher(h, self.hash(t.type_id(), members, depth + 1)),
            kind::ARRAY => {
                let (elem, _, n) = t.array();
                h = hasher(h, u64::from(n));
                h = hasher(h, self.hash(elem, members, depth + 1));
            }
            _ => {}
        }
        h
    }
}

/// The first 16 bytes of a name as a big-endian integer, zero-padded: for
/// NUL-terminated strings, comparing these keys orders like `strcmp` except
/// when both names share their first 16 bytes.
fn prefix_key(s: &[u8]) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s[..n]);
    u128::from_be_bytes(b)
}

/// What follows the 16-byte prefix of a name.
fn name_tail(s: &[u8]) -> &[u8] {
    s.get(16..).unwrap_or(b"")
}

/// Calls `f` on each maximal run of adjacent elements that are `same`.
fn for_each_run<T>(v: &mut [T], same: impl Fn(&T, &T) -> bool, mut f: impl FnMut(&mut [T])) {
    let mut i = 0;
    while i < v.len() {
        let mut j = i + 1;
        while j < v.len() && same(&v[i], &v[j]) {
            j += 1;
        }
        f(&mut v[i..j]);
        i = j;
    }
}

/// Type ids in bpftool's order for `format c` (`sort_btf_c`), without the
/// kinds btf_dump ignores (see `emits_something`).
pub fn sorted_ids(v: &View) -> Vec<u32> {
    let mut all = Vec::with_capacity(v.type_cnt() as usize);
    sorted_groups(v, |g| {
        all.extend(g);
        true
    });
    all
}

/// False for kinds that btf_dump__dump_type ignores outright (it marks
/// them done and follows no reference: `btf_dump_order_type`), so leaving
/// them out changes no output and saves sorting ~half of vmlinux.
pub(super) fn emits_something(v: &View, id: u32) -> bool {
    !matches!(
        v.ty(id).map(|t| t.kind()),
        Some(kind::FUNC | kind::VAR | kind::DATASEC | kind::DECL_TAG | kind::INT | kind::FLOAT)
    )
}

/// bpftool's `format c` order (rank, sort name, own name, disambiguation
/// hash, id), produced one rank group at a time: `emit` gets each group as
/// soon as it is sorted and returns false to stop early.
pub(super) fn sorted_groups(v: &View, mut emit: impl FnMut(Vec<u32>) -> bool) {
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); MAX_RANK as usize + 1];
    for id in (1..v.type_cnt()).filter(|&id| emits_something(v, id)) {
        let r = rank(v, id, false, 0).clamp(0, MAX_RANK) as usize;
        groups[r].push(id);
    }
    let mut dh = Disambig::new(v);
    for mut g in groups {
        if g.is_empty() {
            continue;
        }
        sort_group(v, &mut g, &mut dh);
        if !emit(g) {
            return;
        }
    }
}

/// Sorts ids of one rank by (sort name, own name), then ties by
/// (hash, id). Names compare on 16-byte integer prefixes first; the
/// costly hash is computed only for ties.
fn sort_group(v: &View, ids: &mut [u32], dh: &mut Disambig<'_>) {
    struct D<'a> {
        skey: u128,
        okey: u128,
        stail: &'a [u8],
        otail: &'a [u8],
        hash: u64,
        id: u32,
    }
    let mut d: Vec<D<'_>> = ids
        .iter()
        .map(|&id| {
            let sn = v.name(sort_name(v, id, false, 0));
            let on = v.ty(id).map_or(&b""[..], |t| v.name(t.name_off));
            D {
                skey: prefix_key(sn),
                okey: prefix_key(on),
                stail: name_tail(sn),
                otail: name_tail(on),
                hash: 0,
                id,
            }
        })
        .collect();
    let names = |a: &D<'_>, b: &D<'_>| {
        a.skey
            .cmp(&b.skey)
            .then_with(|| a.stail.cmp(b.stail))
            .then_with(|| a.okey.cmp(&b.okey))
            .then_with(|| a.otail.cmp(b.otail))
    };
    d.sort_unstable_by(names);
    for_each_run(
        &mut d,
        |a, b| names(a, b) == std::cmp::Ordering::Equal,
        |run| {
            if run.len() > 1 {
                for x in run.iter_mut() {
                    x.hash = dh.hash(x.id, true, 0);
                }
                run.sort_unstable_by_key(|x| (x.hash, x.id));
            }
        },
    );
    for (slot, x) in ids.iter_mut().zip(d) {
        *slot = x.id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::Btf;

    /// bpftool's comparator, written plainly (no prefix keys, no groups,
    /// hash for every type): the fast `sorted_ids` must give the same order.
    /// (rank, sort name, own name, hash, id)
    type Key = (i32, Vec<u8>, Vec<u8>, u64, u32);

    fn reference_order(v: &View) -> Vec<u32> {
        let mut dh = Disambig::new(v);
        let mut d: Vec<Key> = (1..v.type_cnt())
            .filter(|&id| emits_something(v, id))
            .map(|id| {
                let own = v.ty(id).map_or(0, |t| t.name_off);
                (
                    rank(v, id, false, 0),
                    v.name(sort_name(v, id, false, 0)).to_vec(),
                    v.name(own).to_vec(),
                    dh.hash(id, true, 0),
                    id,
                )
            })
            .collect();
        d.sort();
        d.into_iter().map(|x| x.4).collect()
    }

    #[test]
    fn fast_sort_matches_plain_comparator_on_vmlinux() {
        let path = std::path::Path::new(crate::btf::SYSFS_VMLINUX);
        if !path.exists() {
            assert!(std::env::var("CI").is_err(), "no vmlinux BTF under CI");
            eprintln!("NOTE: no {} here: sort order test skipped", path.display());
            return;
        }
        let btf = Btf::from_file(path).unwrap();
        assert_eq!(sorted_ids(btf.view()), reference_order(btf.view()));
    }
}
