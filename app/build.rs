//! Links the wasm of the apps with split points (the parent's and the trust
//! app's) so that they can be cut into chunks after the build
//! (scripts/split-wasm.mjs): `--emit-relocs` keeps the relocations the splitter
//! follows, and `-O0` keeps wasm-ld from merging strings across pages (merged
//! data cannot be split, and would all stay in the first download). Only those
//! binaries' link steps change, so no crate is rebuilt for them.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        for bin in ["hocphi-parent", "hocphi-trust"] {
            println!("cargo::rustc-link-arg-bin={bin}=--emit-relocs");
            println!("cargo::rustc-link-arg-bin={bin}=-O0");
        }
    }
}
