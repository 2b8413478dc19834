//! A global allocator that counts the heap allocations of a piece of code: how `ottl-bench`
//! prints allocations per record, and how the `jit_allocations` test proves that native
//! predicates allocate nothing. Wraps the allocator that does the work (mimalloc, as in
//! `ottlc` and the agent), and counts only while [`count`] runs, on its thread: other
//! threads (tests running in parallel) and the timed runs of a bench are not counted.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Heap allocations made while counting: `alloc`, `alloc_zeroed` and `realloc` calls, and
/// the bytes they asked for (a `realloc` counts its new size). Frees are not counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allocations {
    pub count: u64,
    pub bytes: u64,
}

impl Allocations {
    /// Per record of a run over `records`.
    pub fn per_record(self, records: usize) -> (f64, f64) {
        let records = records.max(1) as f64;
        (self.count as f64 / records, self.bytes as f64 / records)
    }
}

/// `inner`, counting. Install it with `#[global_allocator]`.
pub struct Counting<A> {
    inner: A,
}

impl<A> Counting<A> {
    pub const fn new(inner: A) -> Counting<A> {
        Counting { inner }
    }
}

/// How many threads are counting: while none is, an allocation costs one relaxed load more
/// than `inner`'s, and no thread-local look-up.
static COUNTING_THREADS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's counts while it counts, `None` otherwise. Const-initialised and
    /// without a destructor, so the allocator can read it without allocating.
    static COUNTS: Cell<Option<Allocations>> = const { Cell::new(None) };
}

/// Adds one allocation of `bytes` to this thread's counts, if it is counting.
fn record(bytes: usize) {
    if COUNTING_THREADS.load(Ordering::Relaxed) == 0 {
        return;
    }
    // `try_with`: an allocation while the thread's locals are torn down is not counted.
    let _ = COUNTS.try_with(|counts| {
        if let Some(mut so_far) = counts.get() {
            so_far.count += 1;
            so_far.bytes += bytes as u64;
            counts.set(Some(so_far));
        }
    });
}

// SAFETY: every call is passed on to `inner` unchanged; counting allocates nothing.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { self.inner.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: the caller's contract, passed on.
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.inner.dealloc(ptr, layout) }
    }
}

/// Runs `work` and counts the heap allocations it makes on this thread, when the process's
/// global allocator is a [`Counting`] (otherwise the counts are zero). What `work` returns
/// is dropped by the caller, after counting stopped, so frees and drops are not in the
/// count. Counts do not nest: `work` must not call `count`.
pub fn count<T>(work: impl FnOnce() -> T) -> (T, Allocations) {
    /// Stops counting on this thread when dropped, also if `work` panics.
    struct Counter;
    impl Drop for Counter {
        fn drop(&mut self) {
            COUNTS.set(None);
            COUNTING_THREADS.fetch_sub(1, Ordering::Relaxed);
        }
    }
    COUNTS.set(Some(Allocations::default()));
    COUNTING_THREADS.fetch_add(1, Ordering::Relaxed);
    let counter = Counter;
    let result = work();
    let counts = COUNTS.get().unwrap_or_default();
    drop(counter);
    (result, counts)
}
