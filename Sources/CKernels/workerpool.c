// workerpool.c — the persistent worker pool behind TensorCore's parallel loops (see workerpool.h).
// One word holds the current loop: its generation, its chunk count and the next unclaimed chunk.
// A thread claims a chunk by compare-and-swap on that word, so a worker that wakes late for a loop
// that has finished (or been replaced) claims nothing. The loop's task and context are written
// before its word is published and stay valid until its last chunk is done, which is when the
// caller returns.
#include "workerpool.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

enum { MAX_WORKERS = 255 };
// How long an idle worker spins before it sleeps: longer than the gaps between the loops of one
// decoding step, short enough to cost nothing worth measuring when the process has gone quiet.
enum { SPIN_NANOSECONDS = 200000 };

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;   // held by the thread running a loop
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static _Atomic uint64_t loop_word;      // generation (32 bits) | chunks (16) | next chunk (16)
static atomic_long done_chunks;
static atomic_long sleepers;
static ck_pool_task loop_task;
static void *loop_context;
static long workers_started;            // under run_lock
static uint32_t generation;             // under run_lock
static _Thread_local int in_pool;       // this thread is a worker, or is running a loop

static inline uint64_t word_chunks(uint64_t w) { return (w >> 16) & 0xFFFF; }
static inline uint64_t word_next(uint64_t w) { return w & 0xFFFF; }

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline int64_t now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

// Claims and runs chunks of the loop in `w` until none is left; returns the word last seen.
static uint64_t run_chunks(uint64_t w) {
    while (word_next(w) < word_chunks(w)) {
        if (atomic_compare_exchange_weak(&loop_word, &w, w + 1)) {
            loop_task(loop_context, (long)word_next(w));
            atomic_fetch_add_explicit(&done_chunks, 1, memory_order_release);
            w = atomic_load(&loop_word);
        }
    }
    return w;
}

// Waits until the loop word differs from `seen`: spins (yielding the core to any other runnable
// thread, such as OpenBLAS's) for the spin time, then sleeps until the next loop is published.
static uint64_t wait_for_loop(uint64_t seen) {
    int64_t start = now_nanoseconds();
    uint64_t w;
    for (long spins = 1; (w = atomic_load_explicit(&loop_word, memory_order_acquire)) == seen; spins++) {
        cpu_relax();
        if (spins % 64 == 0) {
            sched_yield();
            if (now_nanoseconds() - start > SPIN_NANOSECONDS) break;
        }
    }
    if (w != seen) return w;
    pthread_mutex_lock(&sleep_lock);
    atomic_fetch_add(&sleepers, 1);
    while ((w = atomic_load(&loop_word)) == seen) pthread_cond_wait(&wake, &sleep_lock);
    atomic_fetch_sub(&sleepers, 1);
    pthread_mutex_unlock(&sleep_lock);
    return w;
}

static void *worker_main(void *unused) {
    (void)unused;
    in_pool = 1;
    uint64_t w = atomic_load(&loop_word);
    for (;;) w = run_chunks(wait_for_loop(w));
    return NULL;
}

static void run_serially(long chunks, ck_pool_task task, void *context) {
    for (long c = 0; c < chunks; c++) task(context, c);
}

void ck_pool_run(long chunks, long threads, ck_pool_task task, void *context) {
    if (chunks <= 1 || threads <= 1 || chunks > 0xFFFF || in_pool || pthread_mutex_trylock(&run_lock) != 0) {
        run_serially(chunks, task, context);
        return;
    }
    long wanted = threads - 1 < MAX_WORKERS ? threads - 1 : MAX_WORKERS;
    for (; workers_started < wanted; workers_started++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;   // fewer workers: the caller claims the chunks they would have run
    }
    loop_task = task;
    loop_context = context;
    atomic_store_explicit(&done_chunks, 0, memory_order_relaxed);
    generation++;
    uint64_t w = (uint64_t)generation << 32 | (uint64_t)chunks << 16;
    atomic_store(&loop_word, w);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    in_pool = 1;
    run_chunks(w);
    in_pool = 0;
    for (long spins = 1; atomic_load_explicit(&done_chunks, memory_order_acquire) < chunks; spins++) {
        cpu_relax();
        if (spins % 64 == 0) sched_yield();   // a worker still on its chunk may need this core
    }
    pthread_mutex_unlock(&run_lock);
}
