//! Thread pools for batches, safe across `os.fork()`.
//!
//! A forked child inherits the parent's memory but only the forking thread:
//! the workers of a rayon pool created before the fork do not exist in the
//! child, and handing them work there waits forever (the deadlock
//! `tokenizers` guards against with `pthread_atfork`). So batches never use
//! rayon's global pool. They run in pools owned by this module, tagged with
//! the id of the process that built them; when the current process id
//! differs, the process is a forked child: the inherited pools are leaked
//! (never touched — their threads are gone and their locks may be held) and
//! fresh pools are built lazily, in the child. No `unsafe`, no fork hooks.
//!
//! One pool per requested size is kept for the life of the process:
//! `threads=None` uses rayon's default size (`RAYON_NUM_THREADS`, else the
//! number of cores); `threads=1` runs on the calling thread, with no pool.

use std::sync::{Arc, Mutex, PoisonError};

use rayon::{ThreadPool, ThreadPoolBuildError, ThreadPoolBuilder};

/// Pools of this process, by requested size (`0` = default size).
struct Pools {
    pid: u32,
    pools: Vec<(usize, Arc<ThreadPool>)>,
}

static POOLS: Mutex<Option<Pools>> = Mutex::new(None);

/// The pool for `threads` workers (`None` = default size), built on first use
/// in this process.
fn pool(threads: Option<usize>) -> Result<Arc<ThreadPool>, ThreadPoolBuildError> {
    let size = threads.unwrap_or(0);
    let pid = std::process::id();
    {
        let mut guard = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(state) = guard.as_ref().filter(|s| s.pid != pid) {
            // A forked child: the parent's pools have no threads here.
            debug_assert_ne!(state.pid, pid);
            if let Some(stale) = guard.take() {
                std::mem::forget(stale);
            }
        }
        if let Some(found) = guard
            .as_ref()
            .and_then(|s| s.pools.iter().find(|(n, _)| *n == size))
        {
            return Ok(found.1.clone());
        }
    }
    // Build outside the lock: spawning threads takes a while.
    let built = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(size)
            .thread_name(|i| format!("empathize-{i}"))
            .build()?,
    );
    let mut guard = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    let state = guard.get_or_insert_with(|| Pools {
        pid,
        pools: Vec::new(),
    });
    if let Some(found) = state.pools.iter().find(|(n, _)| *n == size) {
        return Ok(found.1.clone()); // another thread won the race
    }
    state.pools.push((size, built.clone()));
    Ok(built)
}

/// Runs a batch of `items` items with the GIL released. `f` receives
/// whether to use rayon's parallel iterators: `true` inside the pool for
/// `threads`, `false` on the calling thread when one thread is asked for or
/// the batch is too small to split (rayon's global pool is never used).
pub(crate) fn run<T: Send>(
    threads: Option<usize>,
    items: usize,
    f: impl FnOnce(bool) -> T + Send,
) -> Result<T, ThreadPoolBuildError> {
    if threads == Some(1) || items < 2 {
        return Ok(f(false));
    }
    let pool = pool(threads)?;
    if pool.current_num_threads() < 2 {
        return Ok(f(false));
    }
    Ok(pool.install(|| f(true)))
}
