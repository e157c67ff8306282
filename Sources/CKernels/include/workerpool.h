// workerpool.h — a persistent pool of worker threads for TensorCore's parallel loops. A worker that
// has just finished a chunk spins for a short while before it sleeps, so the next loop (decoding
// runs thousands of small ones a second) starts at once instead of waking a thread.
#ifndef WORKERPOOL_H
#define WORKERPOOL_H

/// One chunk of a parallel loop: `task(context, chunk)`.
typedef void (*ck_pool_task)(void *context, long chunk);

/// Runs task(context, c) for every c < chunks on up to `threads` threads, the caller one of them, and
/// returns when all are done. Chunks are claimed in order by whichever thread is free, so a worker the
/// system has descheduled does not hold the loop up. A call from inside a task, or while another thread
/// holds the pool, runs its chunks on the calling thread (the same chunks, so the same results).
void ck_pool_run(long chunks, long threads, ck_pool_task task, void *context);

#endif
