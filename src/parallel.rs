//! Work spread over the machine's cores, with results handed on in input order: the output
//! of a parallel run is byte-identical to a sequential one. Used by emission and plan views
//! (one deployable per item) and by the staging of `--out DIR`.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Items a worker takes at a time: large enough that handing results over costs little,
/// small enough that the two workers stay busy until the end.
const BATCH: usize = 64;

/// Worker threads at most: the target machine has two cores, and more threads than cores
/// only add memory held in flight.
const MAX_THREADS: usize = 4;

/// Worker threads the shell asked for (`X07_TOPO_THREADS`); 0: as many as pay.
static REQUESTED: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of worker threads (1: everything on the calling thread; 0: the default).
/// The shell calls it once, before any work.
pub fn set_threads(n: usize) {
    REQUESTED.store(n, Ordering::Relaxed);
}

/// How many worker threads to use: as asked, else as many as pay on this machine.
pub fn threads() -> usize {
    match REQUESTED.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, NonZeroUsize::get).min(MAX_THREADS),
        n => n,
    }
}

/// Applies `f` to every item, on worker threads a batch at a time, and hands each result to
/// `consume` in item order. A worker runs at most one batch ahead of `consume`, so memory
/// holds a few batches' results, never all of them. The first error of `consume` stops the
/// run (workers finish the batch they are on) and is returned.
///
/// Whatever `f` allocates and does not return is freed on the worker that allocated it.
pub fn map_in_order<T, R, E>(items: &[T], f: impl Fn(&T) -> R + Sync, mut consume: impl FnMut(R) -> Result<(), E>) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    let workers = threads().min(items.len().div_ceil(BATCH));
    if workers <= 1 {
        return items.iter().try_for_each(|item| consume(f(item)));
    }
    let batches: Vec<&[T]> = items.chunks(BATCH).collect();
    std::thread::scope(|scope| {
        let receivers: Vec<mpsc::Receiver<Vec<R>>> = (0..workers)
            .map(|w| {
                let (send, receive) = mpsc::sync_channel(1);
                let (f, batches) = (&f, &batches);
                scope.spawn(move || {
                    for batch in batches.iter().skip(w).step_by(workers) {
                        if send.send(batch.iter().map(f).collect()).is_err() {
                            return; // `consume` failed: nobody reads on
                        }
                    }
                });
                receive
            })
            .collect();
        for i in 0..batches.len() {
            // A worker that panicked closes its channel; the scope re-raises its panic.
            let Ok(results) = receivers[i % workers].recv() else { break };
            for r in results {
                consume(r)?;
            }
        }
        Ok(())
    })
}

/// [`map_in_order`] collecting the results into a vector.
pub fn map_collect<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut out = Vec::with_capacity(items.len());
    let _ = map_in_order(items, f, |r| {
        out.push(r);
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_item_order() {
        let items: Vec<u64> = (0..10_000).collect();
        let squares = map_collect(&items, |x| {
            // Uneven work, so that workers finish their batches out of order.
            if x % 97 == 0 {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            x * x
        });
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_error_stops_the_run() {
        let items: Vec<u32> = (0..5_000).collect();
        let mut seen = Vec::new();
        let result = map_in_order(&items, |x| *x, |x| {
            if x == 1_000 {
                return Err(x);
            }
            seen.push(x);
            Ok(())
        });
        assert_eq!(result, Err(1_000));
        assert_eq!(seen, (0..1_000).collect::<Vec<_>>());
    }

    #[test]
    fn few_items_run_on_the_calling_thread() {
        let me = std::thread::current().id();
        let ids = map_collect(&[1, 2, 3], |_| std::thread::current().id());
        assert!(ids.iter().all(|id| *id == me));
    }
}
