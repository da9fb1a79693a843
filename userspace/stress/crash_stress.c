// SPDX-License-Identifier: GPL-2.0
/*
 * crash_stress: children that rent objects are killed with SIGKILL at
 * random points, many of them in the middle of an ioctl (a batch of up to
 * KSLAB_BATCH_MAX handles, object I/O, or an in-kernel BENCH loop).
 * After each kill, every cache the child made must be gone from
 * /proc/kslabinfo and /proc/slabinfo, and a surviving session that the
 * children inherited (but never used) must still hold its objects, intact,
 * with STATS showing exactly them active.
 *
 *   crash_stress [--count KILLS] [--threads CHILDREN_AT_ONCE] [--seed N]
 *                [--seconds S]
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#include "stress.h"

#define MAX_AT_ONCE	16
#define CANARY_OBJS	16
#define CHILD_LIVE	2048
#define MAX_CCACHES	3

enum { C_KILL, C_ERRNO, C_GONE, C_CANARY, C_REAP, C_NR };

/*
 * A killed child must be gone within this many seconds: long enough for the
 * release of thousands of objects under KASAN on a busy host, far shorter
 * than a BENCH of KSLAB_BENCH_MAX_ITERATIONS that ignored the signal.
 */
#define REAP_MAX	30.0

struct progress {
	atomic_ulong ops;
	atomic_int in_ioctl;	/* 1 + the command number while in an ioctl */
	int failed;
	char msg[160];
};

static struct stress_opts opt = { .count = 10, .seconds = 120, .threads = 3 };
static struct kslab_version ver;
static struct progress *prog;
static pid_t parent;

/* ---------------- the child ---------------- */

struct ccache {
	uint32_t id;
	unsigned int size, backend;
	unsigned int n;
	uint64_t h[CHILD_LIVE];
};

static struct ccache cc[MAX_CCACHES];

static long cioctl(struct progress *p, int fd, unsigned long cmd, void *arg)
{
	long ret;

	atomic_store(&p->in_ioctl, 1 + (_IOC_NR(cmd) - KSLAB_IOC_BASE));
	ret = kslab_dev_ioctl(fd, cmd, arg);
	atomic_store(&p->in_ioctl, 0);
	atomic_fetch_add(&p->ops, 1);
	return ret;
}

static void __attribute__((noreturn, format(printf, 2, 3)))
child_fail(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	p->failed = 1;
	_exit(3);
}

static void child_create(struct progress *p, struct rng *r, int fd, int slot,
			 struct ccache *c, unsigned int gen)
{
	char name[KSLAB_NAME_MAX];
	struct kslab_cache_create a = { .size = sizeof(a) };
	long ret;

	snprintf(name, sizeof(name), "cr%dc%d.%u", parent, slot, gen);
	c->backend = dev_pick_backend(&ver, rng_next(r));
	c->size = 8 + rng_below(r, 1024);
	c->n = 0;
	a.backend = c->backend;
	a.object_size = c->size;
	a.flags = backend_flags(c->backend, rng_below(r, 8) & KSLAB_CACHE_FLAGS_ALL);
	a.capacity = backend_fixed(c->backend) ? CHILD_LIVE : 0;
	a.name = (uintptr_t)name;
	ret = cioctl(p, fd, KSLAB_IOC_CACHE_CREATE, &a);
	if (ret)
		child_fail(p, "CACHE_CREATE %s %s: %s", name,
			   kslab_backend_name(c->backend), strerror(-ret));
	c->id = a.cache_id;
}

static void __attribute__((noreturn)) child(int slot, uint64_t seed)
{
	struct progress *p = &prog[slot];
	uint8_t buf[1024];
	struct rng r;
	unsigned int gen = 0, ncache, i;
	int fd = kslab_dev_open(NULL);

	rng_seed(&r, seed, 1000 + slot);
	if (fd < 0)
		child_fail(p, "open: %s", strerror(-fd));
	ncache = 1 + rng_below(&r, MAX_CCACHES);
	for (i = 0; i < ncache; i++)
		child_create(p, &r, fd, slot, &cc[i], gen++);
	for (;;) {
		struct ccache *c = &cc[rng_below(&r, ncache)];
		unsigned int k = rng_below(&r, 100);
		long ret;

		if (k < 40) {
			/* a big batch: the kill often lands in it */
			unsigned int n = 1 + rng_below(&r, KSLAB_BATCH_MAX);
			struct kslab_batch b = { .size = sizeof(b), .cache_id = c->id };

			if (n > CHILD_LIVE - c->n)
				n = CHILD_LIVE - c->n;
			if (!n)
				continue;
			b.count = n;
			b.handles = (uintptr_t)(c->h + c->n);
			ret = cioctl(p, fd, KSLAB_IOC_RENT, &b);
			if (ret < 0 && ret != -ENOSPC)
				child_fail(p, "RENT %u: %s", n, strerror(-ret));
			if (ret > 0)
				c->n += ret;
		} else if (k < 70) {
			unsigned int n = c->n ? 1 + rng_below(&r, c->n) : 0;
			struct kslab_batch b = { .size = sizeof(b), .cache_id = c->id };

			if (!n)
				continue;
			b.count = n > KSLAB_BATCH_MAX ? KSLAB_BATCH_MAX : n;
			b.handles = (uintptr_t)(c->h + c->n - b.count);
			ret = cioctl(p, fd, KSLAB_IOC_RETURN, &b);
			if (ret != b.count)
				child_fail(p, "RETURN %u: %ld", b.count, ret);
			c->n -= b.count;
		} else if (k < 90) {
			struct kslab_obj_io io = { .size = sizeof(io), .cache_id = c->id };

			if (!c->n)
				continue;
			io.handle = c->h[rng_below(&r, c->n)];
			io.length = 1 + rng_below(&r, c->size);
			io.buf = (uintptr_t)buf;
			pattern_fill(buf, io.handle, 0, io.length);
			ret = cioctl(p, fd, rng_pct(&r, 50) ? KSLAB_IOC_OBJ_WRITE :
				     KSLAB_IOC_OBJ_READ, &io);
			if (ret)
				child_fail(p, "OBJ I/O: %s", strerror(-ret));
		} else if (k < 95 && dev_has(&ver, KSLAB_CMD_BENCH)) {
			/* killed in an in-kernel loop: its kthreads must stop */
			struct kslab_bench b = {
				.size = sizeof(b),
				.backend = dev_pick_backend(&ver, rng_next(&r)),
				.object_size = 64,
				.pattern = rng_pct(&r, 50) ? KSLAB_BENCH_BURN : KSLAB_BENCH_HOLD,
				.iterations = 3000,
			};
			long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

			if (b.pattern == KSLAB_BENCH_HOLD)
				b.batch = 16;
			/* one that would run for minutes: only the kill ends it */
			if (rng_pct(&r, 30))
				b.iterations = KSLAB_BENCH_MAX_ITERATIONS;
			if (rng_pct(&r, 50) && ncpu > 1)
				b.cpu_mask = ncpu >= 64 ? ~0ULL : (1ULL << ncpu) - 1;

			ret = cioctl(p, fd, KSLAB_IOC_BENCH, &b);
			if (ret && ret != -EINTR)
				child_fail(p, "BENCH %s: %s", kslab_backend_name(b.backend),
					   strerror(-ret));
		} else if (!c->n) {
			struct kslab_cache_destroy d = { .size = sizeof(d), .cache_id = c->id };

			ret = cioctl(p, fd, KSLAB_IOC_CACHE_DESTROY, &d);
			if (ret)
				child_fail(p, "CACHE_DESTROY: %s", strerror(-ret));
			child_create(p, &r, fd, slot, c, gen++);
		}
	}
}

/* ---------------- the parent ---------------- */

int main(int argc, char **argv)
{
	static uint64_t canary_h[CANARY_OBJS], canary_tag = 0x1234;
	struct kslab_version v;
	struct kslab_stats st;
	struct rng r;
	uint32_t canary;
	char name[KSLAB_NAME_MAX], prefix[32], first[96];
	unsigned long kills = 0, mid_ioctl = 0, child_ops = 0, late = 0, waves = 0;
	double max_reap = 0;
	unsigned int at_once, i;
	uint8_t buf[256];
	double t0;
	long ret;
	int fd;

	stress_parse(argc, argv, &opt,
		     "Kill --count children (--threads at a time) with SIGKILL while they\n"
		     "rent, return, copy and BENCH; check that nothing they had survives.");
	ksft_print_header();
	ksft_print_msg("crash_stress --seed %llu --count %llu --threads %u\n",
		       (unsigned long long)opt.seed, (unsigned long long)opt.count,
		       opt.threads);
	parent = getpid();
	fd = dev_open_checked(&ver);
	if (fd < 0)
		ksft_exit_fail_msg("cannot use the device\n");
	ksft_set_plan(C_NR);
	rng_seed(&r, opt.seed, 0);
	at_once = opt.threads ? opt.threads : 1;
	if (at_once > MAX_AT_ONCE)
		at_once = MAX_AT_ONCE;
	prog = mmap(NULL, sizeof(*prog) * MAX_AT_ONCE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (prog == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));

	/* the surviving session, inherited by every child */
	snprintf(name, sizeof(name), "cr%d-canary", parent);
	ret = kslab_dev_cache_create(fd, dev_pick_backend(&ver, 0), name, sizeof(buf), 0);
	if (ret < 0)
		ksft_exit_fail_msg("CACHE_CREATE %s: %s\n", name, strerror(-ret));
	canary = ret;
	ret = kslab_dev_rent(fd, canary, canary_h, CANARY_OBJS);
	if (ret != CANARY_OBJS)
		ksft_exit_fail_msg("RENT canary: %ld\n", ret);
	for (i = 0; i < CANARY_OBJS; i++) {
		pattern_fill(buf, canary_tag + i, 0, sizeof(buf));
		ret = kslab_dev_obj_write(fd, canary, canary_h[i], 0, buf, sizeof(buf));
		if (ret)
			ksft_exit_fail_msg("OBJ_WRITE canary: %s\n", strerror(-ret));
	}

	t0 = now_s();
	while (kills < opt.count && now_s() - t0 < opt.seconds) {
		pid_t pid[MAX_AT_ONCE];
		unsigned int n = at_once, order[MAX_AT_ONCE];

		if (n > opt.count - kills)
			n = opt.count - kills;
		memset(prog, 0, sizeof(*prog) * MAX_AT_ONCE);
		for (i = 0; i < n; i++) {
			uint64_t seed = rng_next(&r);

			pid[i] = fork();
			if (pid[i] < 0)
				ksft_exit_fail_msg("fork: %s\n", strerror(errno));
			if (!pid[i])
				child(i, seed);
			order[i] = i;
		}
		for (i = 0; i < n; i++) {	/* kill them in a random order */
			unsigned int j = i + rng_below(&r, n - i), tmp = order[i];

			order[i] = order[j];
			order[j] = tmp;
		}
		for (i = 0; i < n; i++) {
			unsigned int s = order[i];
			unsigned long want = 1 + rng_below(&r, 6);
			double killed;
			int in_cmd;
			double give_up = now_s() + 20;
			int status;

			/* let it get going, then kill it at a random moment */
			while (atomic_load(&prog[s].ops) < want && !prog[s].failed &&
			       atomic_load(&prog[s].in_ioctl) != 1 + KSLAB_CMD_BENCH &&
			       now_s() < give_up && waitpid(pid[s], &status, WNOHANG) == 0)
				usleep(200);
			usleep(rng_below(&r, 2000));
			in_cmd = atomic_load(&prog[s].in_ioctl);
			if (in_cmd)
				mid_ioctl++;
			killed = now_s();
			kill(pid[s], SIGKILL);
			if (waitpid(pid[s], &status, 0) != pid[s]) {
				stress_fail(C_KILL, "waitpid %d: %s", pid[s], strerror(errno));
				continue;
			}
			killed = now_s() - killed;
			if (opt.verbose)
				ksft_print_msg("child %u killed in command %d after %lu calls, gone in %.3f s\n",
					       s, in_cmd - 1, atomic_load(&prog[s].ops), killed);
			if (killed > max_reap)
				max_reap = killed;
			if (killed > REAP_MAX)
				stress_fail(C_REAP, "child %d (in command %d) took %.1f s to die after SIGKILL",
					    s, in_cmd - 1, killed);
			child_ops += atomic_load(&prog[s].ops);
			if (prog[s].failed)
				stress_fail(C_ERRNO, "child %d: %s", s, prog[s].msg);
			else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
				stress_fail(C_KILL, "child %d ended with status %#x, not by our SIGKILL",
					    s, status);
			else
				kills++;
		}
		waves++;
		/* everything of the killed children is gone */
		snprintf(prefix, sizeof(prefix), "cr%dc", parent);
		if (rows_with_prefix(prefix, first, sizeof(first))) {
			double until = now_s() + 3;

			while (now_s() < until && rows_with_prefix(prefix, NULL, 0))
				usleep(10000);
			if (rows_with_prefix(prefix, first, sizeof(first)))
				stress_fail(C_GONE, "wave %lu: %s is still listed after its session died",
					    waves, first);
			else
				late++;
		}
		/* the device still works and the survivor is intact */
		ret = kslab_dev_version(fd, &v);
		if (ret)
			stress_fail(C_CANARY, "VERSION after the kills: %s", strerror(-ret));
	}
	if (late)
		ksft_print_msg("%lu waves: a killed child's cache was still listed right after waitpid() and went later\n",
			       late);

	ret = stats_read(fd, canary, &st);
	if (ret)
		stress_fail(C_CANARY, "STATS canary: %s", strerror(-ret));
	else if (st.active_objects != CANARY_OBJS)
		stress_fail(C_CANARY, "STATS canary: active_objects %llu, want %d",
			    (unsigned long long)st.active_objects, CANARY_OBJS);
	for (i = 0; i < CANARY_OBJS; i++) {
		long bad;

		memset(buf, 0, sizeof(buf));
		ret = kslab_dev_obj_read(fd, canary, canary_h[i], 0, buf, sizeof(buf));
		bad = ret ? 0 : pattern_check(buf, canary_tag + i, 0, sizeof(buf));
		if (ret || bad >= 0)
			stress_fail(C_CANARY, "canary object %u: read %ld, first bad byte %ld",
				    i, ret, bad);
	}
	ret = kslab_dev_return(fd, canary, canary_h, CANARY_OBJS);
	if (ret != CANARY_OBJS)
		stress_fail(C_CANARY, "RETURN canary: %ld", ret);
	ret = kslab_dev_cache_destroy(fd, canary);
	if (ret)
		stress_fail(C_CANARY, "CACHE_DESTROY canary: %s", strerror(-ret));
	close(fd);
	snprintf(prefix, sizeof(prefix), "cr%d", parent);
	if (rows_with_prefix(prefix, first, sizeof(first)))
		stress_fail(C_GONE, "%s is still listed at the end", first);

	ksft_test_result(!stress_failures(C_KILL) && kills == opt.count,
			 "crash: %lu of %llu children killed with SIGKILL (%lu in an ioctl)%s\n",
			 kills, (unsigned long long)opt.count, mid_ioctl,
			 kills < opt.count ? ", --seconds ran out" : "");
	ksft_test_result(!stress_failures(C_ERRNO),
			 "crash: children saw only success or -ENOSPC (%lu ioctls)\n", child_ops);
	ksft_test_result(!stress_failures(C_GONE),
			 "crash: every cache of a killed child is gone from kslabinfo/slabinfo\n");
	ksft_test_result(!stress_failures(C_CANARY),
			 "crash: the surviving session kept its %d objects intact\n", CANARY_OBJS);
	ksft_test_result(!stress_failures(C_REAP),
			 "crash: every killed child was gone within %.0f s (slowest %.2f s)\n",
			 REAP_MAX, max_reap);
	figures("crash", "seed=%llu kills=%lu mid_ioctl=%lu child_ioctls=%lu max_reap_s=%.2f seconds=%.1f",
		(unsigned long long)opt.seed, kills, mid_ioctl, child_ops, max_reap, now_s() - t0);
	ksft_finished();
}
