// See Cargo.toml for why the binary does not use the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc.h (v3, which the mimalloc crate builds; 15 in v2 too).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // -1: never hand freed memory back to the OS during the run (see Cargo.toml).
    // SAFETY: sets a process-wide allocator option before any thread is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    // No transparent huge pages: on a virtual machine a 2 MiB fault can stall for seconds
    // while the host finds or zeroes the page; 4 KiB faults cost the same every run (see
    // Cargo.toml). It only changes how memory is mapped, so a failure is ignored.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    std::process::exit(x07_topo::cli::main());
}
