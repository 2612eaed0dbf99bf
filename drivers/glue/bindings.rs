// SPDX-License-Identifier: GPL-2.0

//! Raw bindings to the C networking API, generated at build time by bindgen
//! from `bindings_helper.h` (see `Kbuild` and `bindgen_parameters`).

#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    missing_docs,
    dead_code,
    clippy::all,
    clippy::pedantic,
    clippy::restriction,
    clippy::undocumented_unsafe_blocks
)]

// Blocklisted in `bindgen_parameters`, as the kernel's own bindings do, so
// that sizes map to Rust's pointer-sized integers.
type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;

include!("bindings_generated.rs");
