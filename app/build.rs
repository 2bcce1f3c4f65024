//! Links the parent's wasm so that it can be cut into chunks after the build
//! (scripts/split-wasm.mjs): `--emit-relocs` keeps the relocations the splitter
//! follows, and `-O0` keeps wasm-ld from merging strings across pages (merged
//! data cannot be split, and would all stay in the first download). Only that
//! binary's link step changes, so no crate is rebuilt for it.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=hocphi-parent=--emit-relocs");
        println!("cargo::rustc-link-arg-bin=hocphi-parent=-O0");
    }
}
