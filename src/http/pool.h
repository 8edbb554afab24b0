/* pool.h -- a few threads that run jobs from a bounded queue: the server's heavy work (a
 * year's bulletin, the whole audit) runs here, so that it holds no connection-serving thread
 * and short requests go on being answered. Knows nothing of HTTP. */
#ifndef SHISHI_POOL_H
#define SHISHI_POOL_H

struct pool;
typedef void pool_job(void *arg);

enum { POOL_FULL = -1, POOL_CLOSED = -2 };

/* Starts `threads` threads (at least 1) over a queue of at most `queue_max` waiting jobs;
 * NULL when no thread could be started. */
struct pool *pool_start(unsigned threads, unsigned queue_max);
/* Queues fn(arg) to run on a pool thread: 0, or POOL_FULL when queue_max jobs already wait,
 * or POOL_CLOSED once pool_stop() has begun. The caller keeps arg alive until fn has run. */
int pool_submit(struct pool *p, pool_job *fn, void *arg);
/* Refuses new jobs (POOL_CLOSED), runs every job already queued and joins the threads. */
void pool_stop(struct pool *p);
/* Frees a stopped pool, once no one can call pool_submit() on it any more. */
void pool_free(struct pool *p);

#endif
