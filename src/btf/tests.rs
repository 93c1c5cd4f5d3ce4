//! Unit tests for src/btf on BTF built in memory (no kernel needed).

use super::view::kind;
use super::*;

/// Builds raw BTF bytes type by type.
struct B {
    types: Vec<u8>,
    strs: Vec<u8>,
    n: u32,
}

impl B {
    fn new() -> B {
        B {
            types: Vec::new(),
            strs: vec![0],
            n: 0,
        }
    }
    fn s(&mut self, name: &str) -> u32 {
        if name.is_empty() {
            return 0;
        }
        let off = self.strs.len() as u32;
        self.strs.extend_from_slice(name.as_bytes());
        self.strs.push(0);
        off
    }
    fn w(&mut self, v: u32) -> &mut Self {
        self.types.extend_from_slice(&v.to_ne_bytes());
        self
    }
    /// Adds a type record header; returns its id.
    fn t(&mut self, name: &str, k: u32, vlen: u32, kflag: bool, size_type: u32) -> u32 {
        let off = self.s(name);
        let info = (u32::from(kflag) << 31) | (k << 24) | vlen;
        self.w(off).w(info).w(size_type);
        self.n += 1;
        self.n
    }
    fn int(&mut self, name: &str, size: u32, enc: u32, bits: u32) -> u32 {
        let id = self.t(name, kind::INT, 0, false, size);
        self.w(enc << 24 | bits);
        id
    }
    fn member(&mut self, name: &str, ty: u32, off: u32) -> &mut Self {
        let n = self.s(name);
        self.w(n).w(ty).w(off)
    }
    fn bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&0xeb9fu16.to_ne_bytes());
        v.push(1);
        v.push(0);
        for x in [
            24u32,
            0,
            self.types.len() as u32,
            self.types.len() as u32,
            self.strs.len() as u32,
        ] {
            v.extend_from_slice(&x.to_ne_bytes());
        }
        v.extend_from_slice(&self.types);
        v.extend_from_slice(&self.strs);
        v
    }
}

/// One type of each kind, with the details that change the output.
fn all_kinds() -> B {
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32); // 1
    let uchar = b.int("unsigned char", 1, 0, 8); // 2
    b.t("", kind::PTR, 0, false, int); // 3
    b.t("", kind::ARRAY, 0, false, 0); // 4
    b.w(uchar).w(int).w(16);
    b.t("s", kind::STRUCT, 3, true, 8); // 5
    b.member("a", int, 0)
        .member("bf", int, 3 << 24 | 32)
        .member("", uchar, 40);
    b.t("u", kind::UNION, 1, false, 4); // 6
    b.member("x", int, 0);
    b.t("e", kind::ENUM, 2, false, 4); // 7
    let (a, c) = (b.s("A"), b.s("BIG"));
    b.w(a).w(0).w(c).w(0xffff_fffe);
    b.t("se", kind::ENUM, 1, true, 4); // 8
    let m = b.s("NEG");
    b.w(m).w(-5i32 as u32);
    b.t("fw", kind::FWD, 0, true, 0); // 9
    b.t("td", kind::TYPEDEF, 0, false, int); // 10
    b.t("", kind::VOLATILE, 0, false, int); // 11
    b.t("", kind::CONST, 0, false, 11); // 12
    b.t("", kind::RESTRICT, 0, false, 3); // 13
    b.t("", kind::FUNC_PROTO, 2, false, int); // 14
    let p = b.s("p");
    b.w(p).w(int).w(0).w(0);
    b.t("f", kind::FUNC, 1, false, 14); // 15
    b.t("v", kind::VAR, 0, false, int); // 16
    b.w(1);
    b.t(".data", kind::DATASEC, 1, false, 4); // 17
    b.w(16).w(0).w(4);
    b.t("double", kind::FLOAT, 0, false, 8); // 18
    b.t("tag", kind::DECL_TAG, 0, false, 5); // 19
    b.w(u32::MAX);
    b.t("rcu", kind::TYPE_TAG, 0, false, int); // 20
    b.t("e64", kind::ENUM64, 1, true, 8); // 21
    let m = b.s("M");
    b.w(m).w(0xffff_ffff).w(0xffff_ffff);
    b.t("u64e", kind::ENUM64, 1, false, 8); // 22
    let m = b.s("H");
    b.w(m).w(1).w(0x8000_0000);
    b
}

fn load(b: &B) -> Btf {
    Btf::from_bytes(&b.bytes(), None).expect("valid BTF")
}

const ALL_KINDS_TEXT: &str = "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED
[2] INT 'unsigned char' size=1 bits_offset=0 nr_bits=8 encoding=(none)
[3] PTR '(anon)' type_id=1
[4] ARRAY '(anon)' type_id=2 index_type_id=1 nr_elems=16
[5] STRUCT 's' size=8 vlen=3
\t'a' type_id=1 bits_offset=0
\t'bf' type_id=1 bits_offset=32 bitfield_size=3
\t'(anon)' type_id=2 bits_offset=40
[6] UNION 'u' size=4 vlen=1
\t'x' type_id=1 bits_offset=0
[7] ENUM 'e' encoding=UNSIGNED size=4 vlen=2
\t'A' val=0
\t'BIG' val=4294967294
[8] ENUM 'se' encoding=SIGNED size=4 vlen=1
\t'NEG' val=-5
[9] FWD 'fw' fwd_kind=union
[10] TYPEDEF 'td' type_id=1
[11] VOLATILE '(anon)' type_id=1
[12] CONST '(anon)' type_id=11
[13] RESTRICT '(anon)' type_id=3
[14] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2
\t'p' type_id=1
\t'(anon)' type_id=0
[15] FUNC 'f' type_id=14 linkage=global
[16] VAR 'v' type_id=1, linkage=global
[17] DATASEC '.data' size=4 vlen=1
\ttype_id=16 offset=0 size=4 (VAR 'v')
[18] FLOAT 'double' size=8
[19] DECL_TAG 'tag' type_id=5 component_idx=-1
[20] TYPE_TAG 'rcu' type_id=1
[21] ENUM64 'e64' encoding=SIGNED size=8 vlen=1
\t'M' val=-1LL
[22] ENUM64 'u64e' encoding=UNSIGNED size=8 vlen=1
\t'H' val=9223372036854775809ULL
";

#[test]
fn raw_text_every_kind() {
    let btf = load(&all_kinds());
    let mut out = Vec::new();
    dump_raw_text(&btf, &[], &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), ALL_KINDS_TEXT);
}

#[test]
fn raw_text_roots_and_bad_root() {
    let btf = load(&all_kinds());
    let mut out = Vec::new();
    dump_raw_text(&btf, &[9, 1], &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "[9] FWD 'fw' fwd_kind=union\n[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
    );
    let err = dump_raw_text(&btf, &[23], &mut Vec::new()).unwrap_err();
    assert_eq!(err.to_string(), "invalid root ID: 23");
}

#[test]
fn raw_json_layout() {
    let btf = load(&all_kinds());
    let mut w = JsonW::new(Vec::new(), false);
    dump_raw_json(&btf, &[5, 7, 17], &mut w).unwrap();
    let s = String::from_utf8(w.into_inner()).unwrap();
    assert_eq!(
        s,
        concat!(
            r#"{"types":[{"id":5,"kind":"STRUCT","name":"s","size":8,"vlen":3,"members":["#,
            r#"{"name":"a","type_id":1,"bits_offset":0},"#,
            r#"{"name":"bf","type_id":1,"bits_offset":32,"bitfield_size":3},"#,
            r#"{"name":"(anon)","type_id":2,"bits_offset":40}]},"#,
            r#"{"id":7,"kind":"ENUM","name":"e","encoding":"UNSIGNED","size":4,"vlen":2,"values":["#,
            r#"{"name":"A","val":0},{"name":"BIG","val":18446744073709551614}]},"#,
            r#"{"id":17,"kind":"DATASEC","name":".data","size":4,"vlen":1,"vars":["#,
            r#"{"type_id":16,"offset":0,"size":4}]}]}"#
        )
    );
    // Every kind renders to valid JSON.
    let mut w = JsonW::new(Vec::new(), true);
    dump_raw_json(&btf, &[], &mut w).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&w.into_inner()).unwrap();
    assert_eq!(v["types"].as_array().map(Vec::len), Some(22));
    assert_eq!(v["types"][20]["values"][0]["val"], -1);
}

#[test]
fn c_dump_of_small_btf() {
    let btf = load(&all_kinds());
    let mut out = Vec::new();
    dump_c(&btf, &[], true, &mut out).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(s.starts_with("#ifndef __VMLINUX_H__\n"), "{s}");
    assert!(s.contains("struct s {\n\tint a;\n\tint bf: 3;\n"), "{s}");
    assert!(s.contains("typedef int td;"), "{s}");
    assert!(
        s.contains("/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n#endif\n"),
        "{s}"
    );
    assert!(s.ends_with("#endif /* __VMLINUX_H__ */\n"), "{s}");
    // Roots: only what they need, no kfunc section.
    let mut out = Vec::new();
    dump_c(&btf, &[10], true, &mut out).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("typedef int td;") && !s.contains("struct s {") && !s.contains("kfuncs"));
}

#[test]
fn c_dump_escapes_control_characters_in_names() {
    // Regression (hardening): btf_dump printed these names raw.
    let mut b = B::new();
    let int = b.int("\x1b[31mint", 4, 1, 32);
    b.t("s\x07t", kind::STRUCT, 1, false, 4);
    b.member("m\x1b]0;x", int, 0);
    let btf = load(&b);
    let mut out = Vec::new();
    dump_c(&btf, &[], true, &mut out).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(
        !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{s:?}"
    );
    assert!(s.contains("struct s?t {\n\t?[31mint m?]0;x;\n};"), "{s}");
    assert!(btf.view().without_controls().is_some());
    assert!(load(&all_kinds()).view().without_controls().is_none());
}

#[test]
fn c_dump_refuses_absurd_padding() {
    // Regression (fuzz, btf target): a struct of 200 MiB over one
    // int made btf_dump write 26 million `long: 64;` lines into memory.
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32);
    b.t("huge", kind::STRUCT, 1, false, 0x0c80_0000);
    b.member("a", int, 0);
    let btf = load(&b);
    let e = dump_c(&btf, &[], true, &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("bytes of padding"), "{e}");
    // A hole between members counts too; a modest one is fine.
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32);
    b.t("holes", kind::STRUCT, 2, false, 4096 + 8);
    b.member("a", int, 0).member("b", int, 4096 * 8);
    let mut out = Vec::new();
    dump_c(&load(&b), &[], true, &mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("long: 64;"));
    // Regression (fuzz): a 4 GB member wrapped btf_dump's int bit offsets,
    // and the padding loop ran for ever.
    let mut b = B::new();
    let huge = b.int("int", 0xfb00_0004, 1, 32);
    b.t("s", kind::STRUCT, 1, false, 4);
    b.member("m", huge, 64000);
    let e = dump_c(&load(&b), &[], true, &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("too large a layout"), "{e}");
}

#[test]
fn c_dump_sort_order() {
    // bpftool's order: named enums after anonymous ones, then ints, then
    // named structs by name.
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32); // 1
    b.t("zz", kind::STRUCT, 1, false, 4); // 2
    b.member("x", int, 0);
    b.t("aa", kind::STRUCT, 0, false, 0); // 3
    b.t("named", kind::ENUM, 1, false, 4); // 4
    let n = b.s("Q");
    b.w(n).w(1);
    b.t("", kind::ENUM, 1, false, 4); // 5
    let n = b.s("Z");
    b.w(n).w(1);
    let btf = load(&b);
    // The INT (rank 2, between the enums and the structs) is left out:
    // btf_dump ignores INTs, so sorting them would change nothing.
    assert_eq!(sorted_ids(btf.view()), vec![5, 4, 3, 2]);
}

#[test]
fn kfunc_prototypes() {
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32); // 1
    b.t("", kind::FUNC_PROTO, 1, false, int); // 2
    let p = b.s("x");
    b.w(p).w(int);
    b.t("zeta", kind::FUNC, 1, false, 2); // 3
    b.t("alpha", kind::FUNC, 1, false, 2); // 4
    b.t("bpf_kfunc", kind::DECL_TAG, 0, false, 3); // 5
    b.w(u32::MAX);
    b.t("bpf_kfunc", kind::DECL_TAG, 0, false, 4); // 6
    b.w(u32::MAX);
    b.t("bpf_fastcall", kind::DECL_TAG, 0, false, 4); // 7
    b.w(u32::MAX);
    let btf = load(&b);
    let mut out = Vec::new();
    dump_c(&btf, &[], true, &mut out).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(
        s.contains(
            "#ifndef BPF_NO_KFUNC_PROTOTYPES\nextern __bpf_fastcall int alpha(int x) __weak __ksym;\nextern int zeta(int x) __weak __ksym;\n#endif\n"
        ),
        "{s}"
    );
}

#[test]
fn split_btf_on_base() {
    let base = std::rc::Rc::new(load(&all_kinds()));
    // Split BTF: ids continue at 23, strings at the base's string size.
    let base_strs = all_kinds().strs.len() as u32;
    let mut types = Vec::new();
    for v in [base_strs, (kind::TYPEDEF << 24), 5] {
        types.extend_from_slice(&u32::to_ne_bytes(v));
    }
    let strs = b"my_s\0".to_vec();
    let mut raw = Vec::new();
    raw.extend_from_slice(&0xeb9fu16.to_ne_bytes());
    raw.extend_from_slice(&[1, 0]);
    for x in [
        24u32,
        0,
        types.len() as u32,
        types.len() as u32,
        strs.len() as u32,
    ] {
        raw.extend_from_slice(&x.to_ne_bytes());
    }
    raw.extend_from_slice(&types);
    raw.extend_from_slice(&strs);
    assert!(
        Btf::from_bytes(&raw, None).is_err(),
        "split BTF needs its base"
    );
    let split = Btf::from_bytes(&raw, Some(base)).unwrap();
    assert_eq!(split.type_cnt(), 24);
    let mut out = Vec::new();
    dump_raw_text(&split, &[], &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "[23] TYPEDEF 'my_s' type_id=5\n"
    );
}

#[test]
fn corrupt_inputs_error_without_panic() {
    let good = all_kinds().bytes();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("short header", good[..10].to_vec()),
        ("bad magic", {
            let mut v = good.clone();
            v[0] = 0;
            v
        }),
        ("truncated", good[..good.len() - 7].to_vec()),
        ("unknown kind", {
            let mut v = good.clone();
            v[24 + 7] = 0x1f; // kind byte of type 1
            v
        }),
        ("bad name offset", {
            let mut v = good.clone();
            v[24..28].copy_from_slice(&0x00ff_ffffu32.to_ne_bytes());
            v
        }),
        ("dangling type id", {
            let mut v = good.clone();
            // PTR [3] points at type 999.
            let at = 24 + 16 + 16 + 8;
            v[at..at + 4].copy_from_slice(&999u32.to_ne_bytes());
            v
        }),
    ];
    for (what, bytes) in cases {
        let err = Btf::from_bytes(&bytes, None).expect_err(what).to_string();
        assert!(
            err.starts_with("failed to load BTF from BTF data: "),
            "{what}: {err}"
        );
        assert!(!err.contains('\n'), "{what}: one line: {err}");
    }
}

#[test]
fn every_truncation_and_byte_flip_is_handled() {
    let good = all_kinds().bytes();
    let mut sink = Vec::new();
    let mut check = |bytes: &[u8]| {
        if let Ok(btf) = Btf::from_bytes(bytes, None) {
            sink.clear();
            dump_raw_text(&btf, &[], &mut sink).unwrap();
            let mut w = JsonW::new(Vec::new(), false);
            dump_raw_json(&btf, &[], &mut w).unwrap();
            dump_c(&btf, &[], true, &mut Vec::new()).ok();
            for id in 0..btf.type_cnt() {
                let _ = format_value(btf.view(), id, &[0xa5; 8], Mode::Text);
            }
        }
    };
    for len in 0..good.len() {
        check(&good[..len]);
    }
    for i in 0..good.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut v = good.clone();
            v[i] ^= x;
            check(&v);
        }
    }
}

// ---- the value formatter ----

fn text(b: &B, id: u32, data: &[u8]) -> String {
    format_text(load(b).view(), id, data).unwrap()
}

fn json(b: &B, id: u32, data: &[u8]) -> serde_json::Value {
    format_json(load(b).view(), id, data).unwrap()
}

#[test]
fn fmt_ints() {
    let mut b = B::new();
    b.int("u8", 1, 0, 8); // 1
    b.int("s16", 2, 1, 16); // 2
    b.int("u32", 4, 0, 32); // 3
    b.int("s64", 8, 1, 64); // 4
    b.int("char", 1, 2, 8); // 5
    b.int("_Bool", 1, 4, 8); // 6
    b.int("u128", 16, 0, 128); // 7
    b.int("odd", 4, 0, 12); // 8: not a multiple of 8 bits -> hex
    assert_eq!(text(&b, 1, &[200]), "200");
    assert_eq!(text(&b, 2, &(-3i16).to_ne_bytes()), "-3");
    assert_eq!(text(&b, 3, &u32::MAX.to_ne_bytes()), "4294967295");
    assert_eq!(text(&b, 4, &i64::MIN.to_ne_bytes()), "-9223372036854775808");
    assert_eq!(text(&b, 5, b"A"), "\"A\"");
    assert_eq!(text(&b, 5, &[7]), "0x7");
    assert_eq!(json(&b, 5, &[7]), serde_json::json!("\u{7}"));
    assert_eq!(text(&b, 6, &[1]), "true");
    let mut v128 = [0u8; 16];
    v128[0] = 1;
    v128[8] = 2;
    assert_eq!(text(&b, 7, &v128), "0x20000000000000001");
    assert_eq!(json(&b, 7, &v128), serde_json::json!("0x20000000000000001"));
    assert_eq!(text(&b, 8, &[0xff, 0xff, 0, 0]), "0xfff");
    assert_eq!(json(&b, 3, &7u32.to_ne_bytes()), serde_json::json!(7));
}

#[test]
fn fmt_struct_bitfields_arrays_strings() {
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32); // 1
    let ch = b.int("char", 1, 1, 8); // 2 (signed char named "char")
    b.t("", kind::ARRAY, 0, false, 0); // 3: char[8]
    b.w(ch).w(int).w(8);
    b.t("", kind::ARRAY, 0, false, 0); // 4: int[2]
    b.w(int).w(int).w(2);
    b.t("s", kind::STRUCT, 5, true, 24); // 5
    b.member("a", int, 0)
        .member("lo", int, 4 << 24 | 32)
        .member("hi", int, 4 << 24 | 36)
        .member("name", 3, 64)
        .member("v", 4, 128);
    b.t("u", kind::UNION, 2, false, 4); // 6
    b.member("i", int, 0).member("", int, 0);
    let mut data = Vec::new();
    data.extend_from_slice(&(-1i32).to_ne_bytes());
    data.push(0xa5);
    data.extend_from_slice(&[0, 0, 0]);
    data.extend_from_slice(b"comm\0xyz");
    data.extend_from_slice(&1i32.to_ne_bytes());
    data.extend_from_slice(&2i32.to_ne_bytes());
    let want = "{\n    \"a\": -1,\n    \"lo\": 0x5,\n    \"hi\": 0xa,\n    \"name\": \"comm\",\n    \"v\": [1,2\n    ]\n}";
    assert_eq!(text(&b, 5, &data), want);
    assert_eq!(
        json(&b, 5, &data),
        serde_json::json!({"a": -1, "lo": "0x5", "hi": "0xa", "name": "comm", "v": [1, 2]})
    );
    // Not a string: no NUL, or non-printable bytes -> array of chars.
    let v = format_value(load(&b).view(), 3, b"abcdefgh", Mode::Json).unwrap();
    assert_eq!(v.to_json().as_array().map(Vec::len), Some(8));
    // Anonymous union members keep their place and their empty name.
    assert_eq!(
        text(&b, 6, &5i32.to_ne_bytes()),
        "{\n    \"i\": 5,\n    \"\": 5\n}"
    );
}

#[test]
fn fmt_enums_pointers_typedefs() {
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32); // 1
    b.t("e", kind::ENUM, 2, false, 4); // 2
    let (x, y) = (b.s("X"), b.s("Y"));
    b.w(x).w(1).w(y).w(0xffff_ffff);
    b.t("", kind::PTR, 0, false, int); // 3
    b.t("t1", kind::TYPEDEF, 0, false, 5); // 4
    b.t("", kind::CONST, 0, false, 2); // 5
    b.t("e64", kind::ENUM64, 1, false, 8); // 6
    let z = b.s("Z");
    b.w(z).w(0).w(1);
    b.int("long", 8, 1, 64); // 7
    assert_eq!(text(&b, 2, &1u32.to_ne_bytes()), "\"X\"");
    assert_eq!(text(&b, 2, &u32::MAX.to_ne_bytes()), "\"Y\"");
    assert_eq!(text(&b, 2, &7u32.to_ne_bytes()), "7");
    assert_eq!(text(&b, 4, &1u32.to_ne_bytes()), "\"X\"");
    assert_eq!(text(&b, 6, &(1u64 << 32).to_ne_bytes()), "\"Z\"");
    assert_eq!(text(&b, 6, &u64::MAX.to_ne_bytes()), "-1");
    assert_eq!(text(&b, 3, &0u64.to_ne_bytes()), "(nil)");
    assert_eq!(
        text(&b, 3, &0xffff_8880_1234_0000u64.to_ne_bytes()),
        "0xffff888012340000"
    );
    assert_eq!(json(&b, 3, &16u64.to_ne_bytes()), serde_json::json!(16));
}

#[test]
fn fmt_entries_and_percpu() {
    let mut b = B::new();
    let u32_ = b.int("unsigned int", 4, 0, 32); // 1
    let view_btf = load(&b);
    let v = view_btf.view();
    let e = format_entry(
        v,
        u32_,
        u32_,
        &3u32.to_ne_bytes(),
        &9u32.to_ne_bytes(),
        None,
        Mode::Text,
    )
    .unwrap();
    assert_eq!(e.to_text(), "{\n    \"key\": 3,\n    \"value\": 9\n}");
    // Per-CPU: slots of round_up(4, 8) bytes.
    let mut vals = Vec::new();
    for c in 0..3u32 {
        vals.extend_from_slice(&(c * 10).to_ne_bytes());
        vals.extend_from_slice(&[0; 4]);
    }
    let pc = PerCpu {
        ncpus: 3,
        value_size: 4,
    };
    let e = format_entry(
        v,
        u32_,
        u32_,
        &1u32.to_ne_bytes(),
        &vals,
        Some(pc),
        Mode::Json,
    )
    .unwrap();
    assert_eq!(
        e.to_json(),
        serde_json::json!({"key": 1, "values": [
            {"cpu": 0, "value": 0}, {"cpu": 1, "value": 10}, {"cpu": 2, "value": 20}]})
    );
    let mut w = JsonW::new(Vec::new(), false);
    e.write(&mut w).unwrap();
    assert_eq!(
        String::from_utf8(w.into_inner()).unwrap(),
        r#"{"key":1,"values":[{"cpu":0,"value":0},{"cpu":1,"value":10},{"cpu":2,"value":20}]}"#
    );
    // No key BTF: the key is left out.
    let e = format_entry(v, 0, u32_, &[], &5u32.to_ne_bytes(), None, Mode::Json).unwrap();
    assert_eq!(e.to_json(), serde_json::json!({"value": 5}));
}

#[test]
fn fmt_errors_are_values_not_panics() {
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32); // 1
    b.t("fw", kind::FWD, 0, false, 0); // 2
    b.t("s", kind::STRUCT, 2, false, 8); // 3
    b.member("a", int, 0).member("b", 2, 32);
    let btf = load(&b);
    let err = format_value(btf.view(), 3, &[0; 8], Mode::Text).unwrap_err();
    assert_eq!(
        err.partial.to_text(),
        "{\n    \"a\": 0,\n    \"b\": (fwd-kind-invalid)\n}"
    );
    let err = format_value(btf.view(), 1, &[0; 2], Mode::Text).unwrap_err();
    assert!(err.to_string().contains("needs 4 bytes, 2 left"), "{err}");
    assert!(format_value(btf.view(), 99, &[0; 8], Mode::Json).is_err());
}

#[test]
fn fmt_json_markers_stay_valid_json() {
    // Regression (fuzz, value_fmt target): `(truncated)` and `(unknown)`
    // were written raw in JSON mode, so a partial -j map dump did not parse.
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32); // 1
    b.t("s", kind::STRUCT, 2, false, 8); // 2
    b.member("a", int, 0).member("v", 0, 32);
    let btf = load(&b);
    let parse = |v: &Value| {
        let mut w = JsonW::new(Vec::new(), false);
        v.write(&mut w).unwrap();
        serde_json::from_slice::<serde_json::Value>(&w.into_inner())
    };
    // A void member: no error, but a marker.
    let v = format_value(btf.view(), 2, &[0; 8], Mode::Json).unwrap();
    assert_eq!(
        parse(&v).unwrap(),
        serde_json::json!({"a": 0, "v": "(unknown)"})
    );
    // Cut short, per CPU: the partial value parses.
    let pc = PerCpu {
        ncpus: 2,
        value_size: 8,
    };
    let e = format_entry(btf.view(), 0, 2, &[], &[0; 10], Some(pc), Mode::Json).unwrap_err();
    let j = parse(&e.partial).unwrap();
    assert_eq!(j["values"][1]["value"]["a"], "(truncated)", "{j}");
    // Text keeps bpftool's raw tokens.
    let e = format_value(btf.view(), 1, &[0; 2], Mode::Text).unwrap_err();
    assert_eq!(e.partial, Value::Raw("(truncated)".into()));
}

#[test]
fn layout_offsets_through_anonymous_members_and_nested_paths() {
    use super::layout::member_offset;
    // struct path { long mnt; long dentry; };
    // struct file { int a; union { int b; struct { int c; int d; }; };
    //               struct path f_path; int bf: 3; };
    let mut b = B::new();
    let int = b.int("int", 4, 1, 32);
    let long = b.int("long", 8, 1, 64);
    let path = b.t("path", kind::STRUCT, 2, false, 16);
    b.member("mnt", long, 0).member("dentry", long, 64);
    let inner = b.t("", kind::STRUCT, 2, false, 8);
    b.member("c", int, 0).member("d", int, 32);
    let un = b.t("", kind::UNION, 2, false, 8);
    b.member("b", int, 0).member("", inner, 0);
    let file = b.t("file", kind::STRUCT, 4, true, 40);
    b.member("a", int, 0)
        .member("", un, 32)
        .member("f_path", path, 128)
        .member("bf", int, 3 << 24 | 256);
    let view = View::new(b.bytes(), None).expect("valid BTF");
    assert_eq!(member_offset(&view, file, &["a"]), Some(0));
    assert_eq!(member_offset(&view, file, &["d"]), Some(8));
    assert_eq!(member_offset(&view, file, &["f_path", "dentry"]), Some(24));
    assert_eq!(member_offset(&view, file, &["bf"]), None, "bitfield");
    assert_eq!(member_offset(&view, file, &["nope"]), None);
    assert_eq!(member_offset(&view, file, &["a", "x"]), None);
    assert_eq!(
        view.find_named(&[
            (kind::STRUCT, "path"),
            (kind::STRUCT, "file"),
            (kind::FUNC, "file")
        ]),
        vec![Some(path), Some(file), None]
    );
}

#[test]
fn record_type_by_name() {
    let b = all_kinds();
    let view = View::new(b.bytes(), None).expect("valid BTF");
    assert_eq!(view.find_record_type("s"), Some(5));
    assert_eq!(view.find_record_type("struct s"), Some(5));
    assert_eq!(view.find_record_type("u"), Some(6));
    assert_eq!(view.find_record_type("union u"), Some(6));
    assert_eq!(view.find_record_type("struct u"), None);
    assert_eq!(view.find_record_type("td"), Some(10));
    // Functions, enums and ints are not record types.
    assert_eq!(view.find_record_type("f"), None);
    assert_eq!(view.find_record_type("e"), None);
    assert_eq!(view.find_record_type("int"), None);
    assert_eq!(view.find_record_type("nope"), None);
}
