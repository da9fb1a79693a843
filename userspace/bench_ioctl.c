// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench: the round trips from userspace. NOP measures the ioctl path
 * alone; RENT + RETURN of a batch measures what a user of /dev/kslab pays
 * per object; RENT_ONE + RETURN_ONE does the same for one object with the
 * cache id and the handle passed by value (no struct, no copy: the fast
 * path); RENT + OBJ_WRITE(object size) + RETURN adds the copy. Each case
 * creates its own cache and destroys it at the end. The threaded cases run
 * RENT_ONE + RETURN_ONE on N threads at once, sharing the case's file (one
 * session and cache) or each with a file and cache of its own, and time
 * the whole: whether threads of one session serialise. After the timed
 * repetitions, one untimed pass of as many round trips counts the
 * contended locks the guest met meanwhile (bench_lock.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_client.h"

struct ioctl_ctx {
	int fd;
	struct bench_result *r;
	char name[KSLAB_NAME_MAX];
	__u32 cache_id;
	uint64_t handles[KSLAB_BATCH_MAX];
	void *buf;
	struct ioctl_thread *thread;
	unsigned int threads;
};

static int cache_create(struct ioctl_ctx *c)
{
	static unsigned int seq;
	struct kslab_cache_create cc = {
		.backend = c->r->backend,
		.object_size = c->r->size,
		.capacity = c->r->kind == BK_MEM ? c->r->param : 0,
		.name = (uintptr_t)c->name,
	};
	int ret;

	snprintf(c->name, sizeof(c->name), "bench-%d-%u", (int)getpid(), seq++);
	ret = kslab_dev_cache_create_args(c->fd, &cc);
	c->cache_id = cc.cache_id;
	return ret < 0 ? ret : 0;
}

/* RENT or RETURN of the first @n handles; 0 when all of them went. */
static int batch(struct ioctl_ctx *c, bool rent, unsigned int n)
{
	int ret = rent ? kslab_dev_rent(c->fd, c->cache_id, c->handles, n) :
			 kslab_dev_return(c->fd, c->cache_id, c->handles, n);

	return ret == (int)n ? 0 : ret < 0 ? ret : -EIO;
}

/* RENT_ONE + RETURN_ONE: the handle comes back as the result. */
static int round_trip_one(struct ioctl_ctx *c)
{
	int64_t h = kslab_dev_rent_one(c->fd, c->cache_id);

	return h < 0 ? (int)h : kslab_dev_return_one(c->fd, h);
}

static int round_trip(struct ioctl_ctx *c)
{
	unsigned int n = c->r->param;
	int ret;

	if (bench_by_value(c->r->kind))
		return round_trip_one(c);
	ret = batch(c, true, n);
	if (!ret && c->r->kind == BK_RTW)
		ret = kslab_dev_obj_write(c->fd, c->cache_id, c->handles[0], 0,
					  c->buf, c->r->size);
	if (!ret)
		ret = batch(c, false, n);
	return ret;
}

static int ioctl_once(void *data, uint64_t iters, struct bench_sample *s)
{
	struct ioctl_ctx *c = data;
	unsigned int per = c->r->kind == BK_NOP ? 1 : c->r->param;
	double t0 = bench_now_ns();
	uint64_t i;
	int ret = 0;

	for (i = 0; !ret && i < iters; i++)
		ret = c->r->kind == BK_NOP ?
			kslab_dev_nop(c->fd) :
			round_trip(c);
	memset(s, 0, sizeof(*s));
	s->t = (bench_now_ns() - t0) / ((double)iters * per);
	return ret;
}

/**
 * struct ioctl_thread - one thread of a threaded case.
 * @c: its context: the case's file and cache (one file) or its own.
 * @iters: round trips to do.
 * @go: set once every thread exists: they start together.
 * @tid: the thread.
 * @ret: 0 or the first error.
 */
struct ioctl_thread {
	struct ioctl_ctx c;
	uint64_t iters;
	const int *go;
	pthread_t tid;
	int ret;
};

static void *thread_fn(void *data)
{
	struct ioctl_thread *t = data;
	uint64_t i;

	while (!__atomic_load_n(t->go, __ATOMIC_ACQUIRE))
		;
	for (i = 0; !t->ret && i < t->iters; i++)
		t->ret = round_trip(&t->c);
	return NULL;
}

/* Set up thread @i: the shared file and cache, or a file and cache of its own. */
static int thread_setup(struct ioctl_ctx *c, struct ioctl_thread *t,
			const char *device)
{
	t->c = *c;
	if (c->r->kind == BK_RTT_SHARED)
		return 0;
	t->c.fd = kslab_dev_open(device);
	if (t->c.fd < 0)
		return t->c.fd;
	return cache_create(&t->c);
}

static void thread_teardown(struct ioctl_thread *t)
{
	if (t->c.r->kind == BK_RTT_SHARED || t->c.fd < 0)
		return;
	if (t->c.cache_id)
		kslab_dev_cache_destroy(t->c.fd, t->c.cache_id);
	close(t->c.fd);
}

/* One sample: the case's threads, iters round trips each; wall time per trip. */
static int threads_once(void *data, uint64_t iters, struct bench_sample *s)
{
	struct ioctl_ctx *c = data;
	struct ioctl_thread *t = c->thread;
	unsigned int n = c->threads, i, started;
	int go = 0, ret = 0;
	double t0;

	for (i = 0; i < n; i++) {
		t[i].iters = iters;
		t[i].go = &go;
		t[i].ret = 0;
	}
	for (started = 0; started < n; started++)
		if (pthread_create(&t[started].tid, NULL, thread_fn,
				   &t[started]))
			break;
	if (started < n) {
		/* Those that exist leave at once. */
		for (i = 0; i < started; i++)
			t[i].iters = 0;
		ret = -EAGAIN;
	}
	t0 = bench_now_ns();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < started; i++) {
		pthread_join(t[i].tid, NULL);
		ret = ret ?: t[i].ret;
	}
	memset(s, 0, sizeof(*s));
	s->t = (bench_now_ns() - t0) / ((double)iters * n);
	return ret;
}

/*
 * The untimed pass: as many round trips as the timed repetitions made,
 * with lock:contention_begin counted. No count (l->why says why) is not an
 * error of the row; a failed round trip is.
 */
static int lock_pass(struct ioctl_ctx *c)
{
	struct bench_lock *l = &c->r->lock;
	uint64_t iters = c->r->iters * c->r->reps;
	struct bench_sample s;
	int ret;

	if (!iters || bench_lock_begin(l))
		return 0;
	ret = threads_once(c, iters, &s);
	if (!bench_lock_end(l) && !ret)
		l->trips = iters * c->threads;
	return ret;
}

static int threads_case(struct ioctl_ctx *c, const struct bench_opts *o)
{
	unsigned int n = c->r->param, i, ready = 0;
	int ret = 0;

	c->thread = calloc(n, sizeof(*c->thread));
	if (!c->thread)
		return -ENOMEM;
	c->threads = n;
	for (; !ret && ready < n; ready++)
		ret = thread_setup(c, &c->thread[ready], o->device);
	if (!ret)
		ret = bench_repeat(o, c->r, 1, threads_once, c);
	if (!ret)
		ret = lock_pass(c);
	for (i = 0; i < ready; i++)
		thread_teardown(&c->thread[i]);
	free(c->thread);
	return ret;
}

/* Slab figures while holding param objects, after return, after shrink. */
static int mem_case(struct ioctl_ctx *c)
{
	struct bench_result later;
	int ret, ret2;

	ret = batch(c, true, c->r->param);
	if (ret)
		return ret;
	ret = bench_mem_read(c->r->backend, c->name, c->r, &c->r->pages);
	ret2 = batch(c, false, c->r->param);
	ret = ret ?: ret2;
	ret = ret ?: bench_mem_read(c->r->backend, c->name, &later,
				    &c->r->pages_returned);
	if (!ret)
		bench_mem_shrink(c->name);
	return ret ?: bench_mem_read(c->r->backend, c->name, &later,
				     &c->r->pages_shrunk);
}

int bench_ioctl_case(int fd, const struct bench_opts *o,
		     struct bench_result *r)
{
	struct ioctl_ctx *c = calloc(1, sizeof(*c));
	int ret, ret2;

	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->r = r;
	c->buf = calloc(1, r->size ? r->size : 1);
	ret = c->buf ? 0 : -ENOMEM;
	if (!ret && r->kind != BK_NOP)
		ret = cache_create(c);
	if (ret)
		goto out;
	if (r->kind == BK_MEM)
		ret = mem_case(c);
	else if (r->kind == BK_RTT_SHARED || r->kind == BK_RTT_OWN)
		ret = threads_case(c, o);
	else
		ret = bench_repeat(o, r, 1, ioctl_once, c);
	if (r->kind != BK_NOP) {
		ret2 = kslab_dev_cache_destroy(c->fd, c->cache_id);
		ret = ret ? ret : ret2;
	}
out:
	free(c->buf);
	free(c);
	return ret;
}
