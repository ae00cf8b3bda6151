//! Compute-unit profiling. `cu_trace!("label")` logs the label and the units left, only in a
//! program built with `--features cu-trace` (`scripts/cu-profile.sh`); otherwise it compiles to
//! nothing, so the deployed program and its measured figures are unchanged.

/// Logs `$label` and the compute units left, in a `cu-trace` build only.
#[macro_export]
macro_rules! cu_trace {
    ($label:literal) => {
        #[cfg(all(feature = "cu-trace", target_os = "solana"))]
        {
            ::anchor_lang::solana_program::log::sol_log($label);
            // SAFETY: a syscall without arguments.
            #[allow(unsafe_code)]
            unsafe {
                ::anchor_lang::compat::solana_define_syscall::definitions::sol_log_compute_units_()
            };
        }
    };
}
