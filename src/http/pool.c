/* pool.c -- see pool.h. One mutex and one condition variable over a ring of waiting jobs;
 * threads sleep on the condition when the ring is empty. */
#include "http/pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/xalloc.h"

#include "util/banned.h"

struct job {
    pool_job *fn;
    void *arg;
};

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t ready; /* a job was queued, or the pool is closing */
    struct job *ring;
    unsigned cap, head, count;
    int closed;
    unsigned nthreads;
    pthread_t *threads;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->count == 0 && !p->closed)
            pthread_cond_wait(&p->ready, &p->lock);
        if (p->count == 0)
            break; /* closed, and nothing left to run */
        struct job j = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        pthread_mutex_unlock(&p->lock);
        j.fn(j.arg);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct pool *pool_start(unsigned threads, unsigned queue_max)
{
    struct pool *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ready, NULL);
    p->cap = queue_max ? queue_max : 1;
    p->ring = xcalloc(p->cap, sizeof(*p->ring));
    p->threads = xcalloc(threads ? threads : 1, sizeof(*p->threads));
    for (unsigned i = 0; i < (threads ? threads : 1); i++)
        if (pthread_create(&p->threads[i], NULL, worker, p) == 0)
            p->nthreads++;
    if (p->nthreads == 0) {
        pool_free(p);
        return NULL;
    }
    return p;
}

int pool_submit(struct pool *p, pool_job *fn, void *arg)
{
    pthread_mutex_lock(&p->lock);
    int rc = p->closed ? POOL_CLOSED : p->count == p->cap ? POOL_FULL : 0;
    if (rc == 0) {
        p->ring[(p->head + p->count) % p->cap] = (struct job){fn, arg};
        p->count++;
        pthread_cond_signal(&p->ready);
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void pool_stop(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->closed = 1;
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    p->nthreads = 0;
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->ready);
    free(p->threads);
    free(p->ring);
    free(p);
}
