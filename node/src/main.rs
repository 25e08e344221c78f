//! `pbnode`: thin entry point; all logic lives in the `pbnode` library.
fn main() {
    println!("pbnode {}", env!("CARGO_PKG_VERSION"));
}
