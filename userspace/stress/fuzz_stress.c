// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_stress: a seeded, reproducible ioctl fuzzer for /dev/kslab with a
 * model of what it rented.
 *
 *   fuzz_stress [--seed N] [--count IOCTLS] [--seconds S] [--threads N]
 *
 * Three sessions:
 *   model   - each worker thread owns two caches in it and keeps a model of
 *             every object it rented there (handle, pattern, bytes written).
 *             Every RENT, RENT_ONE, RETURN, RETURN_ONE, OBJ_WRITE, OBJ_READ
 *             and STATS is checked against the model: valid calls succeed,
 *             bad ones (stale, foreign, duplicate, random handles; foreign
 *             and 64-bit cache ids; bad offsets; NULL, PROT_NONE,
 *             read-only, kernel-half and straddling buffers) fail with the
 *             documented errno and change nothing (RETURN_ONE, whose
 *             handle names its cache, takes a handle of the thread's other
 *             cache); STATS'
 *             active_objects equals the model; contents read back intact
 *             and bytes never written read as zero. At the end every
 *             object is returned exactly once.
 *   chaos   - random and mutated commands with no model: valid numbers
 *             with random sizes and direction bits, unknown numbers,
 *             random fields and reserved bytes, evil and overlapping
 *             pointers, random handles, random 64-bit values as the
 *             arguments of RENT_ONE and RETURN_ONE. The answer must be
 *             success or an errno of the ABI (RENT_ONE: the positive low
 *             half of a handle, -ENOENT, -ENOSPC or -ENOMEM; RETURN_ONE: 0
 *             or -ENOENT). A disruptor thread closes, reopens and
 *             dup2()s the chaos fds and the model's dup()s while workers
 *             are in ioctls, and forks children that fuzz the inherited
 *             fds and are sometimes killed with SIGKILL.
 *   foreign - holds a cache and objects; its handles used on the model
 *             session, and the model's cache ids and handles used on it,
 *             must all be -ENOENT.
 * Every byte the module copies out (handles, STATS, VERSION, object bytes
 * of the chaos session, BENCH results) is scanned for values that look like
 * kernel pointers. The seed is printed first: --seed replays the run (the
 * interleaving of threads differs, the sequence of each thread does not).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
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

enum {
	C_ERRNO,	/* an errno outside the ABI, or the wrong one */
	C_MODEL,	/* a rent/return answer the model did not expect */
	C_DATA,		/* object contents */
	C_LEAK,		/* kernel-pointer-looking bytes copied out */
	C_UNINIT,	/* bytes the module should have written or zeroed */
	C_ISOLATION,	/* another session's ids or handles accepted */
	C_CHILD,	/* a forked child died of something other than our kill */
	C_GONE,		/* a cache outlived its session */
	C_STATS,	/* STATS disagrees with the model */
	C_REUSE,	/* a returned handle became valid again */
	C_NR,
};

#define MAX_WORKERS	32
#define MODEL_SLOT0	900
#define NMODEL_SLOTS	4
#define CHAOS_SLOT0	800
#define NCHAOS_SLOTS	4
#define MAX_LIVE	256
#define NSTALE		64
#define ARENA_RW	(80 << 10)	/* then one PROT_NONE guard page */
#define DATA_OFF	4096
#define SCAN_STRUCT	512
#define SCAN_DATA	8192
#define NCHAOS_H	64
#define NCHAOS_ID	16
#define NFOREIGN	8

struct mobj {
	uint64_t h;
	uint64_t tag;
	uint32_t written;	/* bytes [0, written) hold pattern(tag) */
};

struct mcache {
	uint32_t id;
	unsigned int backend, size, flags;
	unsigned int n;
	char name[40];
	struct mobj objs[MAX_LIVE];
};

struct tctx {
	int id;
	bool in_child;
	unsigned long child_err;
	struct rng r;
	uint8_t *arena;		/* ARENA_RW bytes, then a guard page */
	uint8_t shadow[SCAN_STRUCT + SCAN_DATA];
	struct mcache mc[2];
	unsigned int gen;	/* of cache names */
	uint64_t stale[NSTALE];
	unsigned int nstale;
	unsigned long ioctls, verified, rents, returns;
};

static struct stress_opts opt = { .count = 5000, .seconds = 20, .threads = 3 };
static struct kslab_version ver;
static int model_fd, foreign_fd;
static uint32_t foreign_cache;
static uint64_t foreign_h[NFOREIGN];
static atomic_int stop;
static atomic_ulong total_ioctls, total_forks, total_kills, total_closes;
static double deadline;
static _Atomic uint64_t chaos_h[NCHAOS_H];
static _Atomic uint32_t chaos_id[NCHAOS_ID];
static uint8_t *page_none, *page_ro;
static unsigned int page_size;
static pid_t main_pid;
static char *child_msg;		/* MAP_SHARED: a forked child's first failure */
/*
 * Cache ids are global and reused: creating and destroying caches of the
 * model session is serialised, so that a destroyed id is checked before
 * another worker's new cache can take it.
 */
static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;

/* A failure, in a worker (recorded) or in a forked child (for its parent). */
#define FAIL(t, check, fmt, ...) do {					\
	if ((t)->in_child) {						\
		if (!(t)->child_err++)					\
			snprintf(child_msg, 256, fmt, ##__VA_ARGS__);	\
	} else {							\
		stress_fail(check, "thread %d: " fmt, (t)->id, ##__VA_ARGS__); \
	}								\
} while (0)

static const unsigned long exact_cmd[KSLAB_CMD_NR] = KSLAB_IOCTL_CMDS;

static bool errno_in_abi(int e)
{
	switch (e) {
	case EINVAL: case EFAULT: case ENOTTY: case ENOENT: case ENOSPC:
	case EEXIST: case EBUSY: case EOPNOTSUPP: case ENOMEM: case E2BIG:
		return true;
	}
	return false;
}

/* The raw call: -errno or the result; counts the ioctl. */
static long xioctl(struct tctx *t, int fd, unsigned long cmd, void *arg)
{
	t->ioctls++;
	return kslab_dev_ioctl(fd, cmd, arg);
}

/* The same for RENT_ONE and RETURN_ONE, whose argument is a value. */
static long xioctl_val(struct tctx *t, int fd, unsigned long cmd, uint64_t v)
{
	return xioctl(t, fd, cmd, (void *)(uintptr_t)v);
}

/* Commands whose argument is a value (a cache id, a handle), not a struct. */
static bool by_value(int nr)
{
	return nr == KSLAB_CMD_RENT_ONE || nr == KSLAB_CMD_RETURN_ONE;
}

/* Commands the chaos path never sends to the model session as they are. */
static bool changes_model(int nr)
{
	return nr == KSLAB_CMD_CACHE_CREATE || nr == KSLAB_CMD_CACHE_DESTROY ||
	       nr == KSLAB_CMD_RENT || nr == KSLAB_CMD_RENT_ONE;
}

static bool budget_left(struct tctx *t)
{
	if (atomic_load(&stop))
		return false;
	if (now_s() > deadline)
		atomic_store(&stop, 1);
	if (atomic_load(&total_ioctls) + t->ioctls >= opt.count + 0ULL)
		atomic_store(&stop, 1);
	return !atomic_load(&stop);
}

static void flush_counts(struct tctx *t)
{
	atomic_fetch_add(&total_ioctls, t->ioctls);
	t->ioctls = 0;
}

/* The object of this thread's model that @h names, and its cache in @ci. */
static struct mobj *find_live(struct tctx *t, uint64_t h, int *ci)
{
	int c;
	unsigned int i;

	for (c = 0; c < 2; c++)
		for (i = 0; i < t->mc[c].n; i++)
			if (t->mc[c].objs[i].h == h) {
				if (ci)
					*ci = c;
				return &t->mc[c].objs[i];
			}
	return NULL;
}

/* ---------------- pointers ---------------- */

static uint64_t evil_pointer(struct tctx *t, size_t len)
{
	static const uint64_t fixed[] = {
		0, 1, 0x1000,			/* below mmap_min_addr */
		0x7ffffffff000ULL - 8,		/* straddles TASK_SIZE */
		0x0000800000000000ULL,		/* non-canonical */
		0x8000000000000000ULL,
		0xffff888000000000ULL,		/* direct map */
		0xffffffff81000000ULL,		/* kernel text */
		0xffffffffff600000ULL,		/* vsyscall page */
		~0ULL,
	};
	uint8_t *guard = t->arena + ARENA_RW;

	switch (rng_below(&t->r, 6)) {
	case 0:
		return (uintptr_t)page_none + rng_below(&t->r, page_size);
	case 1:
		return (uintptr_t)page_ro;	/* fine to read, faults on write */
	case 2:	/* the last bytes before the guard page: faults midway */
		return (uintptr_t)(guard - (len > 1 ? 1 + rng_below(&t->r, len - 1) : 0));
	case 3:	/* misaligned, otherwise valid */
		return (uintptr_t)(t->arena + DATA_OFF + 1 + rng_below(&t->r, 7));
	default:
		return fixed[rng_below(&t->r, sizeof(fixed) / sizeof(fixed[0]))];
	}
}

/* ---------------- leak scan ---------------- */

static void snap(struct tctx *t)
{
	memcpy(t->shadow, t->arena, SCAN_STRUCT);
	memcpy(t->shadow + SCAN_STRUCT, t->arena + DATA_OFF, SCAN_DATA);
}

/* Scan the bytes that changed since snap() for kernel pointers. */
static void scan_changed(struct tctx *t, const char *what)
{
	const uint8_t *now[2] = { t->arena, t->arena + DATA_OFF };
	const uint8_t *old[2] = { t->shadow, t->shadow + SCAN_STRUCT };
	size_t len[2] = { SCAN_STRUCT, SCAN_DATA };
	int k;

	for (k = 0; k < 2; k++) {
		size_t i;

		for (i = 0; i + 8 <= len[k]; i++) {
			uint64_t v;

			if (now[k][i + 7] != 0xff || !memcmp(now[k] + i, old[k] + i, 8))
				continue;
			memcpy(&v, now[k] + i, 8);
			if (kernel_pointer_like(v)) {
				FAIL(t, C_LEAK, "%s copied out %#llx at %s+%zu",
				     what, (unsigned long long)v,
				     k ? "data" : "struct", i);
				return;
			}
		}
	}
}

/* ---------------- chaos ---------------- */

static uint64_t chaos_handle(struct tctx *t)
{
	switch (rng_below(&t->r, 5)) {
	case 0:
		return rng_next(&t->r);
	case 1:
		return rng_below(&t->r, 4096);
	case 2:
		return foreign_h[rng_below(&t->r, NFOREIGN)];
	default:
		return atomic_load(&chaos_h[rng_below(&t->r, NCHAOS_H)]);
	}
}

static uint32_t chaos_cache(struct tctx *t)
{
	switch (rng_below(&t->r, 6)) {
	case 0:
		return (uint32_t)rng_next(&t->r);
	case 1:
		return rng_below(&t->r, 80);
	case 2:
		return foreign_cache;
	default:
		return atomic_load(&chaos_id[rng_below(&t->r, NCHAOS_ID)]);
	}
}

static uint32_t edge32(struct tctx *t)
{
	static const uint32_t e[] = {
		0, 1, 2, 7, 8, 9, 63, 64, 4095, 4096, 4097, 65535, 65536, 65537,
		1024, 1025, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff8,
	};

	return rng_pct(&t->r, 70) ? e[rng_below(&t->r, sizeof(e) / sizeof(e[0]))] :
				    (uint32_t)rng_next(&t->r);
}

/* A 64-bit value with its bits above 32 set at random (never all clear). */
static uint64_t high_bits(struct tctx *t, uint64_t v)
{
	return (uint32_t)v | (1 + rng_below(&t->r, UINT32_MAX)) << 32;
}

/*
 * The argument of a RENT_ONE (a cache id) or RETURN_ONE (a handle) on a
 * chaos session or, @on_model, on the model session. There only values
 * that cannot name an object of the model go: no bit of a handle is
 * flipped into another cache's.
 */
static uint64_t value_arg(struct tctx *t, int nr, bool on_model)
{
	static const uint64_t edge[] = {
		0, 1, 1ULL << 31, UINT32_MAX, 1ULL << 32, 1ULL << 62,
		1ULL << 63, ~0ULL, 0xffff888000000000ULL,
	};
	uint64_t v = nr == KSLAB_CMD_RENT_ONE ? chaos_cache(t) : chaos_handle(t);
	const struct mcache *c = &t->mc[rng_below(&t->r, 2)];

	switch (rng_below(&t->r, 8)) {
	case 0:
		return edge[rng_below(&t->r, ARRAY_SIZE(edge))];
	case 1:
		return nr == KSLAB_CMD_RENT_ONE ? high_bits(t, v) :
		       v | 1ULL << 63;
	case 2:
		if (on_model)
			return v;
		/* the model's, on a chaos session */
		if (nr == KSLAB_CMD_RENT_ONE)
			return c->id;
		return c->n ? c->objs[rng_below(&t->r, c->n)].h : v;
	case 3:
		return on_model ? v : v ^ 1ULL << rng_below(&t->r, 64);
	default:
		return v;
	}
}

/* Sizes of the commands' structs; 0 for NOP. */
static size_t cmd_struct_size(unsigned int nr)
{
	return _IOC_SIZE(exact_cmd[nr]);
}

/* Build a plausible struct for command @nr at @s (on the chaos session). */
static void build_valid(struct tctx *t, unsigned int nr, uint8_t *s, bool on_model)
{
	uint8_t *data = t->arena + DATA_OFF;
	uint64_t *h = (uint64_t *)data;
	unsigned int i;

	switch (nr) {
	case KSLAB_CMD_CACHE_CREATE: {
		struct kslab_cache_create *c = (void *)s;
		static atomic_uint seq;

		c->size = sizeof(*c);
		c->flags = rng_below(&t->r, 8) & KSLAB_CACHE_FLAGS_ALL;
		c->backend = dev_pick_backend(&ver, rng_next(&t->r));
		c->object_size = 8 + rng_below(&t->r, rng_pct(&t->r, 90) ? 1024 : 65536);
		c->align = rng_pct(&t->r, 70) ? 0 : 1u << rng_below(&t->r, 13);
		c->magazine_size = rng_below(&t->r, 64);
		c->capacity = rng_below(&t->r, 256);
		snprintf((char *)data, 32, "fc%d-%u", main_pid, atomic_fetch_add(&seq, 1));
		c->name = (uintptr_t)data;
		break;
	}
	case KSLAB_CMD_CACHE_DESTROY: {
		struct kslab_cache_destroy *d = (void *)s;

		d->size = sizeof(*d);
		d->cache_id = chaos_cache(t);
		break;
	}
	case KSLAB_CMD_CACHE_TUNE: {
		struct kslab_cache_tune *c = (void *)s;

		c->size = sizeof(*c);
		c->cache_id = chaos_cache(t);
		/* 0, every valid size and some past the largest */
		c->magazine_size = rng_below(&t->r, KSLAB_MAGAZINE_SIZE_MAX + 44);
		break;
	}
	case KSLAB_CMD_RENT:
	case KSLAB_CMD_RETURN: {
		struct kslab_batch *b = (void *)s;

		b->size = sizeof(*b);
		b->cache_id = chaos_cache(t);
		b->count = 1 + rng_below(&t->r, rng_pct(&t->r, 90) ? 16 : KSLAB_BATCH_MAX);
		b->handles = (uintptr_t)h;
		if (nr == KSLAB_CMD_RETURN || on_model)
			for (i = 0; i < b->count && i < SCAN_DATA / 8; i++)
				h[i] = chaos_handle(t);
		break;
	}
	case KSLAB_CMD_OBJ_WRITE:
	case KSLAB_CMD_OBJ_READ: {
		struct kslab_obj_io *io = (void *)s;

		io->size = sizeof(*io);
		io->cache_id = chaos_cache(t);
		io->handle = chaos_handle(t);
		io->offset = rng_below(&t->r, 128);
		io->length = 1 + rng_below(&t->r, 512);
		io->buf = (uintptr_t)data;
		if (nr == KSLAB_CMD_OBJ_WRITE)
			pattern_fill(data, rng_next(&t->r), 0, io->length);
		break;
	}
	case KSLAB_CMD_STATS: {
		struct kslab_stats *st = (void *)s;

		st->size = sizeof(*st);
		st->cache_id = chaos_cache(t);
		break;
	}
	case KSLAB_CMD_BENCH: {
		struct kslab_bench *b = (void *)s;
		static const uint64_t iters[] = { 1, 10, 100, 500 };

		b->size = sizeof(*b);
		b->backend = dev_pick_backend(&ver, rng_next(&t->r));
		b->object_size = 8 + rng_below(&t->r, 1024);
		b->pattern = rng_below(&t->r, KSLAB_BENCH_NR);
		b->iterations = iters[rng_below(&t->r, 4)];
		b->cpu_mask = rng_below(&t->r, 4);
		b->batch = rng_below(&t->r, 8);
		b->threads_per_cpu = rng_below(&t->r, 2);
		b->cache_flags = rng_below(&t->r, 4);
		b->results = (uintptr_t)data;
		b->nr_results = rng_below(&t->r, 8);
		b->user_buf = (uintptr_t)(data + 4096);
		break;
	}
	default:
		break;
	}
}

/* Offsets of pointer fields of command @nr's struct, -1 terminated. */
static const int *ptr_fields(unsigned int nr)
{
	static const int create[] = { offsetof(struct kslab_cache_create, name), -1 };
	static const int batch[] = { offsetof(struct kslab_batch, handles), -1 };
	static const int io[] = { offsetof(struct kslab_obj_io, buf), -1 };
	static const int bench[] = { offsetof(struct kslab_bench, results),
				     offsetof(struct kslab_bench, user_buf),
				     offsetof(struct kslab_bench, cpus), -1 };
	static const int none[] = { -1 };

	switch (nr) {
	case KSLAB_CMD_CACHE_CREATE: return create;
	case KSLAB_CMD_RENT: case KSLAB_CMD_RETURN: return batch;
	case KSLAB_CMD_OBJ_WRITE: case KSLAB_CMD_OBJ_READ: return io;
	case KSLAB_CMD_BENCH: return bench;
	}
	return none;
}

/* Offset and length of command @nr's reserved field, or length 0. */
static void reserved_field(unsigned int nr, int *off, int *len)
{
	*len = 0;
	switch (nr) {
	case KSLAB_CMD_CACHE_CREATE:
		*off = offsetof(struct kslab_cache_create, reserved);
		*len = 16;
		break;
	case KSLAB_CMD_CACHE_DESTROY:
		*off = offsetof(struct kslab_cache_destroy, reserved);
		*len = 8;
		break;
	case KSLAB_CMD_CACHE_TUNE:
		*off = offsetof(struct kslab_cache_tune, reserved);
		*len = 4;
		break;
	case KSLAB_CMD_RENT: case KSLAB_CMD_RETURN:
		*off = offsetof(struct kslab_batch, reserved);
		*len = 4;
		break;
	case KSLAB_CMD_BENCH:
		*off = offsetof(struct kslab_bench, reserved);
		*len = 32;
		break;
	}
}

/* Sanitise a random command: never a generic VFS/filesystem ioctl. */
static unsigned long sane_random_cmd(uint32_t cmd)
{
	switch (_IOC_TYPE(cmd)) {
	case 0x00: case 0x15: case 'T': case 'X': case 'f': case 0x94:
	case 'v': case 'F':
		cmd = (cmd & ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) |
		      ((unsigned int)KSLAB_IOC_MAGIC << _IOC_TYPESHIFT);
	}
	return cmd;
}

/*
 * Commands whose struct starts with a size field (every command with a
 * struct but VERSION) accept any _IOC_SIZE in the number (kmod/device/dev.c:
 * the struct's own size field rules); VERSION and the commands with no
 * struct (NOP, RENT_ONE, RETURN_ONE) must match exactly.
 */
static bool extensible(unsigned int nr)
{
	return nr != KSLAB_CMD_VERSION && cmd_struct_size(nr);
}

/* Which command (by number) the module takes @cmd for, or -1. */
static int exact_nr(unsigned long cmd)
{
	unsigned long size_bits = (unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT;
	unsigned int nr;

	for (nr = 0; nr < KSLAB_CMD_NR; nr++) {
		unsigned long ignore = extensible(nr) ? size_bits : 0;

		if ((cmd & ~ignore) == (exact_cmd[nr] & ~ignore))
			return nr;
	}
	return -1;
}

/*
 * The answer of a RENT_ONE or RETURN_ONE of @arg on a chaos session or
 * (@on_model) the model session: RENT_ONE a positive value (the handle's
 * low half), -ENOENT, -ENOSPC or -ENOMEM, and never success for a cache id
 * above 32 bits or of another session; RETURN_ONE 0 or -ENOENT, and never
 * 0 for a handle of another session (on the model session, every handle
 * the chaos path sends is).
 */
static void check_by_value(struct tctx *t, int nr, uint64_t arg, long ret,
			   bool on_model)
{
	unsigned int i;

	if (nr == KSLAB_CMD_RETURN_ONE) {
		bool foreign = on_model || find_live(t, arg, NULL);

		for (i = 0; i < NFOREIGN; i++)
			foreign |= arg == foreign_h[i];
		if (ret && ret != -ENOENT)
			FAIL(t, C_ERRNO, "RETURN_ONE of %#llx answered %ld, not 0 or -ENOENT",
			     (unsigned long long)arg, ret);
		else if (!ret && foreign)
			FAIL(t, C_ISOLATION, "RETURN_ONE of %#llx, a handle of another session, succeeded%s",
			     (unsigned long long)arg, on_model ? " on the model session" : "");
		return;
	}
	if (ret <= 0) {
		if (ret != -ENOENT && ret != -ENOSPC && ret != -ENOMEM)
			FAIL(t, C_ERRNO, "RENT_ONE of cache %#llx answered %ld, not a positive value, -ENOENT, -ENOSPC or -ENOMEM",
			     (unsigned long long)arg, ret);
		return;
	}
	if (arg > UINT32_MAX)
		FAIL(t, C_ERRNO, "RENT_ONE of cache %#llx (above 32 bits) succeeded (%#lx), not -ENOENT",
		     (unsigned long long)arg, ret);
	if (arg == foreign_cache || arg == t->mc[0].id || arg == t->mc[1].id)
		FAIL(t, C_ISOLATION, "RENT_ONE of cache %llu of another session succeeded (%#lx)",
		     (unsigned long long)arg, ret);
	/* a handle of the chaos session, for later commands */
	atomic_store(&chaos_h[rng_below(&t->r, NCHAOS_H)],
		     KSLAB_HANDLE((uint32_t)arg, ret));
}

/*
 * One fuzzed ioctl on @fd. On the model session (@on_model) only commands
 * that cannot change the model are sent as valid structs; RETURN and
 * object I/O carry handles of other sessions or random ones and must fail.
 */
static void fuzz_one(struct tctx *t, int fd, bool on_model, bool fd_may_close)
{
	uint8_t *s = t->arena;
	unsigned long cmd;
	int nr = -1, kind = rng_below(&t->r, 100), want_enotty = 0;
	size_t ssz = 0;
	void *argp = s;
	long ret;

	memset(s, 0x5a, SCAN_STRUCT);
	if (kind < 65) {
		/* an exact command, a valid-looking struct, mutated */
		nr = rng_below(&t->r, KSLAB_CMD_NR);
		if (nr == KSLAB_CMD_BENCH && !rng_pct(&t->r, 10))
			nr = KSLAB_CMD_NOP;
		if (on_model && changes_model(nr))
			nr = KSLAB_CMD_STATS;
		cmd = exact_cmd[nr];
		ssz = cmd_struct_size(nr);
		memset(s, 0, ssz);
		build_valid(t, nr, s, on_model);
		if (kind < 15) {
			/* random bytes, keeping (mostly) the size field */
			uint32_t keep = ssz;
			size_t i;

			for (i = 0; i < ssz; i++)
				s[i] = rng_next(&t->r);
			if (rng_pct(&t->r, 70) && ssz >= 4)
				memcpy(s, &keep, 4);
		} else {
			int m, nmut = rng_below(&t->r, 4);

			for (m = 0; m < nmut && ssz >= 8; m++) {
				const int *pf = ptr_fields(nr);
				int roff, rlen, npf = 0;
				uint32_t v;
				uint64_t p;

				while (pf[npf] >= 0)
					npf++;
				switch (rng_below(&t->r, 6)) {
				case 0: /* the size field */
					v = edge32(t);
					if (rng_pct(&t->r, 50))
						v = ssz + 8 * rng_below(&t->r, 3) - 8;
					memcpy(s, &v, 4);
					/* room past the struct: zero or not */
					memset(s + ssz, rng_pct(&t->r, 50) ? 0 : 0x11, 64);
					break;
				case 1: /* any 32-bit field */
					v = edge32(t);
					memcpy(s + 4 * rng_below(&t->r, ssz / 4), &v, 4);
					break;
				case 2: /* reserved bytes */
					reserved_field(nr, &roff, &rlen);
					if (rlen)
						s[roff + rng_below(&t->r, rlen)] = 1 + rng_below(&t->r, 255);
					break;
				case 3: /* a pointer field */
					if (!npf)
						break;
					p = evil_pointer(t, 64);
					memcpy(s + pf[rng_below(&t->r, npf)], &p, 8);
					break;
				case 4: /* overlapping: a pointer field at the struct */
					if (!npf)
						break;
					p = (uintptr_t)s + 8 * rng_below(&t->r, 2);
					memcpy(s + pf[rng_below(&t->r, npf)], &p, 8);
					break;
				default: /* the argument itself */
					argp = (void *)(uintptr_t)evil_pointer(t, ssz);
					break;
				}
			}
		}
		if (by_value(nr))
			argp = (void *)(uintptr_t)value_arg(t, nr, on_model);
	} else if (kind < 80) {
		/* a valid number with random direction and size */
		nr = rng_below(&t->r, KSLAB_CMD_NR);
		cmd = _IOC(rng_below(&t->r, 4), KSLAB_IOC_MAGIC,
			   KSLAB_IOC_BASE + nr, rng_below(&t->r, 1 << 10));
		memset(s, rng_pct(&t->r, 50) ? 0 : 0x33, SCAN_STRUCT);
		want_enotty = exact_nr(cmd) != nr;
		if (!want_enotty && on_model && changes_model(nr))
			cmd = KSLAB_IOC_NOP;
	} else if (kind < 90) {
		/* unknown numbers of our magic */
		unsigned int n = rng_pct(&t->r, 50) ?
			KSLAB_IOC_BASE + KSLAB_CMD_NR + rng_below(&t->r, 256 - KSLAB_IOC_BASE - KSLAB_CMD_NR) :
			rng_below(&t->r, KSLAB_IOC_BASE);

		cmd = _IOC(rng_below(&t->r, 4), KSLAB_IOC_MAGIC, n, rng_below(&t->r, 512));
		want_enotty = 1;
		nr = -1;
	} else {
		cmd = sane_random_cmd(rng_next(&t->r));
		nr = exact_nr(cmd);
		want_enotty = nr < 0;
		if (nr >= 0 && on_model)
			cmd = KSLAB_IOC_NOP;
		if (rng_pct(&t->r, 30))
			argp = (void *)(uintptr_t)rng_next(&t->r);
	}

	snap(t);
	ret = xioctl(t, fd, cmd, argp);
	if (ret == -EBADF && fd_may_close)
		return;
	if (want_enotty && _IOC_TYPE(cmd) == KSLAB_IOC_MAGIC && ret != -ENOTTY) {
		FAIL(t, C_ERRNO, "cmd %#lx (not a kslab command) answered %ld, not -ENOTTY",
		     cmd, ret);
		return;
	}
	/* other drivers' and the VFS's numbers are not ours to judge */
	if (_IOC_TYPE(cmd) != KSLAB_IOC_MAGIC)
		return;
	if (ret < 0 && !errno_in_abi(-ret)) {
		FAIL(t, C_ERRNO, "cmd %#lx (%s) answered errno %ld (%s), not an ABI errno",
		     cmd, nr >= 0 ? kslab_cmd_name(nr) : "?", -ret, strerror(-ret));
		return;
	}
	scan_changed(t, nr >= 0 ? kslab_cmd_name(nr) : "an unknown command");
	nr = exact_nr(cmd);
	if (by_value(nr)) {
		check_by_value(t, nr, (uintptr_t)argp, ret, on_model);
		return;
	}
	if (ret < 0 || argp != s)
		return;
	if (on_model && (nr == KSLAB_CMD_RETURN || nr == KSLAB_CMD_OBJ_READ ||
			 nr == KSLAB_CMD_OBJ_WRITE)) {
		FAIL(t, C_ISOLATION, "%s with a foreign or random handle succeeded on the model session (%ld)",
		     kslab_cmd_name(nr), ret);
		return;
	}
	/* remember what the chaos session got */
	if (nr == KSLAB_CMD_CACHE_CREATE) {
		struct kslab_cache_create *c = (void *)s;

		atomic_store(&chaos_id[rng_below(&t->r, NCHAOS_ID)], c->cache_id);
	} else if (nr == KSLAB_CMD_RENT && ret > 0) {
		struct kslab_batch *b = (void *)s;
		uint64_t *h = (uint64_t *)(uintptr_t)b->handles;

		if (b->handles == (uintptr_t)(t->arena + DATA_OFF))
			atomic_store(&chaos_h[rng_below(&t->r, NCHAOS_H)],
				     h[rng_below(&t->r, ret)]);
	} else if (nr == KSLAB_CMD_OBJ_READ) {
		struct kslab_obj_io *io = (void *)s;
		uint8_t *buf = (uint8_t *)(uintptr_t)io->buf;
		uint64_t v;
		long at;

		if (buf >= t->arena && buf + io->length <= t->arena + ARENA_RW &&
		    (at = scan_kernel_pointers(buf, io->length, &v)) >= 0)
			FAIL(t, C_LEAK, "OBJ_READ of the chaos session showed %#llx at byte %ld",
			     (unsigned long long)v, at);
	} else if (nr == KSLAB_CMD_VERSION) {
		struct kslab_version *v = (void *)s;

		if (v->reserved[0] || v->reserved[1])
			FAIL(t, C_UNINIT, "VERSION reserved bytes not zero");
	}
}

/* ---------------- the model ---------------- */

static int model_fd_pick(struct tctx *t, bool *may_close)
{
	*may_close = rng_pct(&t->r, 25);
	return *may_close ? MODEL_SLOT0 + (int)rng_below(&t->r, NMODEL_SLOTS) : model_fd;
}

static void drop_obj(struct tctx *t, struct mcache *c, unsigned int i)
{
	t->stale[t->nstale++ % NSTALE] = c->objs[i].h;
	c->objs[i] = c->objs[--c->n];
}

static int mcache_create(struct tctx *t, struct mcache *c)
{
	static const unsigned int flags[] = {
		0, KSLAB_CACHE_ZERO, KSLAB_CACHE_DEBUG, KSLAB_CACHE_ACCOUNT, 0,
	};
	struct kslab_cache_create req = { 0 };
	int ret;

	c->backend = dev_pick_backend(&ver, rng_next(&t->r));
	c->size = 8 + rng_below(&t->r, rng_pct(&t->r, 80) ? 1024 : 8192);
	c->flags = backend_flags(c->backend, flags[rng_below(&t->r, 5)]);
	c->n = 0;
	snprintf(c->name, sizeof(c->name), "fz%d-%d.%u", main_pid, t->id, t->gen++);
	req.backend = c->backend;
	req.flags = c->flags;
	req.object_size = c->size;
	req.capacity = backend_fixed(c->backend) ? 1024 : 0;
	req.name = (uintptr_t)c->name;
	t->ioctls++;
	pthread_mutex_lock(&model_lock);
	ret = kslab_dev_cache_create_args(model_fd, &req);
	pthread_mutex_unlock(&model_lock);
	if (ret < 0) {
		FAIL(t, C_MODEL, "CACHE_CREATE %s %s size %u: %s", c->name,
		     kslab_backend_name(c->backend), c->size, strerror(-ret));
		return ret;
	}
	c->id = ret;
	return 0;
}

/* Read back object @o of @c and compare it with the model. */
static void model_verify(struct tctx *t, struct mcache *c, struct mobj *o,
			 uint32_t off, uint32_t len)
{
	uint8_t *buf = t->arena + DATA_OFF;
	bool may_close;
	int fd = model_fd_pick(t, &may_close);
	uint32_t i;
	long ret;

	memset(buf, 0xee, len);
	t->ioctls++;
	ret = kslab_dev_obj_read(fd, c->id, o->h, off, buf, len);
	if (ret == -EBADF && may_close)
		return;
	if (ret) {
		FAIL(t, C_MODEL, "OBJ_READ %s handle %#llx [%u,+%u): %s", c->name,
		     (unsigned long long)o->h, off, len, strerror(-ret));
		return;
	}
	for (i = 0; i < len; i++) {
		uint32_t at = off + i;
		uint8_t want = at < o->written ? pattern_byte(o->tag, at) : 0;

		if (buf[i] != want) {
			FAIL(t, at < o->written ? C_DATA : C_UNINIT,
			     "%s %s handle %#llx: byte %u reads %#x, want %#x (written %u)",
			     c->name, kslab_backend_name(c->backend),
			     (unsigned long long)o->h, at, buf[i], want, o->written);
			return;
		}
	}
	t->verified++;
}

/* Put @h, which @cmd just rented from @c, in the model. */
static void model_add(struct tctx *t, struct mcache *c, uint64_t h,
		      const char *cmd)
{
	unsigned int k, ns = t->nstale < NSTALE ? t->nstale : NSTALE;

	if (kernel_pointer_like(h))
		FAIL(t, C_LEAK, "%s handle %#llx looks like a kernel pointer",
		     cmd, (unsigned long long)h);
	if (find_live(t, h, NULL)) {
		FAIL(t, C_MODEL, "%s gave handle %#llx, which is already rented",
		     cmd, (unsigned long long)h);
		return;
	}
	for (k = 0; k < ns; k++)
		if (t->stale[k] == h)
			FAIL(t, C_REUSE, "%s from %s gave handle %#llx, returned earlier: the stale handle is valid again",
			     cmd, c->name, (unsigned long long)h);
	c->objs[c->n++] = (struct mobj){ .h = h, .tag = rng_next(&t->r) };
	t->rents++;
}

static void model_rent(struct tctx *t, struct mcache *c)
{
	unsigned int room = MAX_LIVE - c->n, n, fit = ~0u, i;
	uint64_t *h;
	bool may_close;
	int fd = model_fd_pick(t, &may_close);
	long ret;

	if (!room)
		return;
	n = 1 + rng_below(&t->r, room < 48 ? room : 48);
	h = (uint64_t *)(t->arena + DATA_OFF);
	if (rng_pct(&t->r, 12)) {
		/* only @fit handles fit before the guard page */
		fit = rng_below(&t->r, n);
		h = (uint64_t *)(t->arena + ARENA_RW) - fit;
	}
	memset(h, 0x5a, 8 * (fit < n ? fit : n));
	ret = xioctl(t, fd, KSLAB_IOC_RENT,
		     &(struct kslab_batch){ .size = sizeof(struct kslab_batch),
					    .cache_id = c->id, .count = n,
					    .handles = (uintptr_t)h });
	if (ret == -EBADF && may_close)
		return;
	if (ret == -ENOMEM)
		return;
	if (fit < n) {
		if (ret == -EFAULT)
			return;
		if (ret < 0 || ret > fit) {
			FAIL(t, C_MODEL, "RENT %u into a buffer with room for %u: %ld", n, fit, ret);
			if (ret <= 0)
				return;
			ret = fit;	/* the rest cannot be known; STATS will tell */
		}
	} else if (ret != n) {
		FAIL(t, C_MODEL, "RENT %u from %s (%s): %ld (%s)", n, c->name,
		     kslab_backend_name(c->backend), ret, ret < 0 ? strerror(-ret) : "partial");
		if (ret <= 0)
			return;
	}
	for (i = 0; i < ret; i++)
		model_add(t, c, h[i], "RENT");
}

/*
 * RENT_ONE from @c, or now and then a RENT_ONE that must be -ENOENT: of
 * @c's id on the foreign session, of the foreign session's cache, of @c's
 * id with bits above 32 set (the module must not cut the value).
 */
static void model_rent_one(struct tctx *t, struct mcache *c)
{
	bool may_close;
	int fd = model_fd_pick(t, &may_close), bad = rng_below(&t->r, 100);
	uint64_t id = c->id;
	const char *what = NULL;
	long ret;

	if (bad < 4) {
		what = "its id on the foreign session";
		fd = foreign_fd;
		may_close = false;
	} else if (bad < 8) {
		what = "the foreign session's cache";
		id = foreign_cache;
	} else if (bad < 12) {
		what = "its id with bits above 32";
		id = high_bits(t, id);
	} else if (c->n == MAX_LIVE) {
		return;
	}
	ret = xioctl_val(t, fd, KSLAB_IOC_RENT_ONE, id);
	if (ret == -EBADF && may_close)
		return;
	if (what) {
		if (ret == -ENOENT)
			return;
		FAIL(t, ret < 0 ? C_ERRNO : bad < 8 ? C_ISOLATION : C_MODEL,
		     "RENT_ONE for %s, %s (%#llx): %ld, want -ENOENT",
		     c->name, what, (unsigned long long)id, ret);
		/* it rented something after all: give it back */
		if (ret > 0)
			xioctl_val(t, fd, KSLAB_IOC_RETURN_ONE,
				   KSLAB_HANDLE((uint32_t)id, ret));
		return;
	}
	if (ret == -ENOMEM)
		return;
	if (ret <= 0) {
		FAIL(t, C_MODEL, "RENT_ONE from %s (%s): %ld (%s)", c->name,
		     kslab_backend_name(c->backend), ret,
		     ret < 0 ? strerror(-ret) : "no handle");
		return;
	}
	model_add(t, c, KSLAB_HANDLE(c->id, ret), "RENT_ONE");
}

/* A handle that is not rented in cache @c of the model. */
static uint64_t bad_handle(struct tctx *t, struct mcache *c, const char **what)
{
	uint64_t h;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		switch (rng_below(&t->r, 5)) {
		case 0:
			*what = "stale";
			h = t->nstale ? t->stale[rng_below(&t->r, t->nstale < NSTALE ? t->nstale : NSTALE)] :
					rng_next(&t->r);
			break;
		case 1:
			*what = "foreign";
			h = foreign_h[rng_below(&t->r, NFOREIGN)];
			break;
		case 2: {
			struct mcache *o = &t->mc[c == &t->mc[0]];

			*what = "other-cache";
			h = o->n ? o->objs[rng_below(&t->r, o->n)].h : rng_next(&t->r);
			break;
		}
		case 3:
			*what = "chaos";
			h = atomic_load(&chaos_h[rng_below(&t->r, NCHAOS_H)]);
			break;
		default:
			*what = "random";
			h = rng_next(&t->r);
		}
		{
			int ci = -1;

			/* live in another cache is fine: not in @c */
			if (!find_live(t, h, &ci) || &t->mc[ci] != c)
				return h;
		}
	}
	*what = "random";
	return 0;
}

static void model_return(struct tctx *t, struct mcache *c)
{
	uint64_t *h = (uint64_t *)(t->arena + DATA_OFF);
	unsigned int m, i, bad_at = ~0u, fit = ~0u, total;
	const char *what = "";
	bool may_close;
	int fd = model_fd_pick(t, &may_close);
	long ret, want;
	uint64_t pick[32];
	unsigned int idx[32];

	if (!c->n)
		return;
	m = 1 + rng_below(&t->r, c->n < 32 ? c->n : 32);
	/* m distinct live objects: a partial Fisher-Yates over indexes */
	for (i = 0; i < m; i++) {
		unsigned int j = i + rng_below(&t->r, c->n - i);
		struct mobj tmp = c->objs[i];

		c->objs[i] = c->objs[j];
		c->objs[j] = tmp;
		pick[i] = c->objs[i].h;
		idx[i] = i;
	}
	total = m;
	if (rng_pct(&t->r, 30)) {
		bad_at = rng_below(&t->r, m + 1);
		total = m + 1;
	}
	if (rng_pct(&t->r, 8)) {
		fit = rng_below(&t->r, total);
		h = (uint64_t *)(t->arena + ARENA_RW) - fit;
	}
	for (i = 0; i < total && i < fit; i++) {
		if (i == bad_at) {
			if (i > 0 && rng_pct(&t->r, 30)) {
				h[i] = pick[rng_below(&t->r, i)];	/* returned just before */
				what = "duplicate";
			} else {
				h[i] = bad_handle(t, c, &what);
			}
		} else {
			h[i] = pick[i - (bad_at < i)];
		}
	}
	want = bad_at == ~0u ? (long)total : bad_at ? (long)bad_at : -ENOENT;
	ret = xioctl(t, fd, KSLAB_IOC_RETURN,
		     &(struct kslab_batch){ .size = sizeof(struct kslab_batch),
					    .cache_id = c->id, .count = total,
					    .handles = (uintptr_t)h });
	if (ret == -EBADF && may_close)
		return;
	if (fit < total) {
		long most = bad_at < fit ? (long)bad_at : (long)fit;

		/* stops at the fault (or the bad handle) at the latest */
		if (ret == -EFAULT || (ret == -ENOENT && bad_at == 0))
			ret = 0;
		else if (ret < 0 || ret > most)
			FAIL(t, C_MODEL, "RETURN %u with room for %u (bad %s at %u): %ld",
			     total, fit, what, bad_at, ret);
	} else if (ret != want) {
		FAIL(t, C_MODEL, "RETURN of %u to %s with a %s handle at %d: %ld, want %ld",
		     total, c->name, what, (int)bad_at, ret, want);
	}
	if (ret <= 0)
		return;
	/* the first @ret entries are gone; the bad one is never among them
	 * when the answer was right */
	{
		unsigned int gone = 0;

		for (i = 0; i < (unsigned int)ret && i < total; i++)
			if (i != bad_at)
				gone++;
		/* drop pick[0..gone) : they sit at objs[0..gone) */
		for (i = gone; i-- > 0;)
			drop_obj(t, c, idx[i]);
		t->returns += gone;
	}
}

/*
 * RETURN_ONE of a rented object of @c, of a handle not rented in @c
 * (bad_handle(): stale, foreign, chaos, random, or live in the other
 * cache, which RETURN_ONE takes since the handle names its cache), of a
 * rented handle with bit 31 or 63 set, or of a rented one on the foreign
 * session.
 * The model decides: 0 for a handle it has rented, -ENOENT for any other.
 */
static void model_return_one(struct tctx *t, struct mcache *c)
{
	bool may_close;
	int fd = model_fd_pick(t, &may_close), bad = rng_below(&t->r, 100);
	int ci = -1;
	const char *what = "rented";
	struct mobj *o;
	uint64_t h;
	long ret, want;

	if (bad < 30 || !c->n) {
		h = bad_handle(t, c, &what);
	} else {
		h = c->objs[rng_below(&t->r, c->n)].h;
		if (bad < 35) {
			/* bits that are zero in every handle */
			what = "rented, bit 31 or 63 set";
			h |= 1ULL << (rng_pct(&t->r, 50) ? 31 : 63);
		} else if (bad < 40) {
			what = "rented, on the foreign session";
			fd = foreign_fd;
			may_close = false;
		}
	}
	o = fd == foreign_fd ? NULL : find_live(t, h, &ci);
	want = o ? 0 : -ENOENT;
	ret = xioctl_val(t, fd, KSLAB_IOC_RETURN_ONE, h);
	if (ret == -EBADF && may_close)
		return;
	if (ret != want) {
		unsigned int check = C_MODEL;

		if (ret && ret != -ENOENT)
			check = C_ERRNO;
		else if (!ret && (fd == foreign_fd || !strcmp(what, "foreign")))
			check = C_ISOLATION;
		else if (!ret && !strcmp(what, "stale"))
			check = C_REUSE;
		FAIL(t, check, "RETURN_ONE of %#llx (%s, for %s): %ld, want %ld",
		     (unsigned long long)h, what, c->name, ret, want);
		return;
	}
	if (o) {
		drop_obj(t, &t->mc[ci], o - t->mc[ci].objs);
		t->returns++;
	}
}

/*
 * An OBJ_WRITE whose buffer faulted at its first byte: as the ABI says
 * ("the bytes up to the fault are written, the rest reads as zero"),
 * copy_from_user() zeroed the whole range, which now counts as written.
 * Check that it reads as zero, then write the pattern back over it so the
 * model holds again (through model_fd, which no thread closes).
 */
static void model_write_faulted(struct tctx *t, struct mcache *c,
				struct mobj *o, uint32_t off, uint32_t len)
{
	uint8_t *buf = t->arena + DATA_OFF;
	uint32_t i;
	int ret;

	if (off + len > o->written)
		o->written = off + len;
	memset(buf, 0xee, len);
	t->ioctls += 2;
	ret = kslab_dev_obj_read(model_fd, c->id, o->h, off, buf, len);
	for (i = 0; !ret && i < len; i++)
		if (buf[i]) {
			FAIL(t, C_DATA, "%s %s handle %#llx: byte %u reads %#x after a faulted write, want 0",
			     c->name, kslab_backend_name(c->backend),
			     (unsigned long long)o->h, off + i, buf[i]);
			break;
		}
	pattern_fill(buf, o->tag, off, len);
	if (!ret)
		ret = kslab_dev_obj_write(model_fd, c->id, o->h, off, buf, len);
	if (ret)
		FAIL(t, C_MODEL, "restoring %s handle %#llx [%u,+%u) after a faulted write: %s",
		     c->name, (unsigned long long)o->h, off, len, strerror(-ret));
}

static void model_write(struct tctx *t, struct mcache *c)
{
	uint8_t *buf = t->arena + DATA_OFF;
	struct mobj *o;
	uint32_t off, len;
	bool may_close;
	int fd = model_fd_pick(t, &may_close), want = 0, bad = rng_below(&t->r, 100);
	uint64_t h, p = (uintptr_t)buf;
	uint32_t id = c->id;
	const char *what = "valid";
	long ret;

	if (!c->n)
		return;
	o = &c->objs[rng_below(&t->r, c->n)];
	h = o->h;
	off = rng_below(&t->r, (o->written < c->size ? o->written : c->size - 1) + 1);
	len = 1 + rng_below(&t->r, c->size - off);
	if (len > 4096)
		len = 4096;
	pattern_fill(buf, o->tag, off, len);
	if (bad < 4) {
		what = "past the end";
		len = c->size - off + 1 + rng_below(&t->r, 8);
		want = -EINVAL;
	} else if (bad < 6) {
		what = "length 0";
		len = 0;
		want = -EINVAL;
	} else if (bad < 10) {
		static const uint64_t evil[] = { 0, 0x1000, 0xffff888000000000ULL,
						 0xffffffff81000000ULL };

		what = "evil buffer";
		p = rng_pct(&t->r, 50) ? (uintptr_t)page_none : evil[rng_below(&t->r, 4)];
		want = -EFAULT;
	} else if (bad < 13) {
		const char *w;

		h = bad_handle(t, c, &w);
		what = w;
		want = -ENOENT;
	} else if (bad < 15) {
		what = "foreign session";
		fd = foreign_fd;
		may_close = false;
		want = -ENOENT;
	} else if (bad < 17) {
		const struct mcache *o = &t->mc[c == &t->mc[0]];

		what = "other cache id";
		id = o->id;
		/* bounds are checked against the named cache first */
		want = off + len > o->size ? -EINVAL : -ENOENT;
	}
	ret = xioctl(t, fd, KSLAB_IOC_OBJ_WRITE,
		     &(struct kslab_obj_io){ .size = sizeof(struct kslab_obj_io),
					     .cache_id = id, .handle = h, .offset = off,
					     .length = len, .buf = p });
	if (ret == -EBADF && may_close)
		return;
	if (ret != want) {
		FAIL(t, want == -ENOENT && ret == 0 ? C_ISOLATION : C_ERRNO,
		     "OBJ_WRITE (%s) to %s [%u,+%u): %ld, want %d", what, c->name,
		     off, len, ret, want);
		if (ret)
			return;
		if (want)	/* it wrote somewhere it should not: model lost */
			return;
	}
	if (!want && off + len > o->written)
		o->written = off + len;
	if (want == -EFAULT)
		model_write_faulted(t, c, o, off, len);
}

static void model_read(struct tctx *t, struct mcache *c)
{
	struct mobj *o;
	uint32_t off, len;
	int bad = rng_below(&t->r, 100), want;
	bool may_close;
	int fd;
	uint64_t p, h;
	uint32_t id = c->id;
	const char *what;
	long ret;

	if (!c->n)
		return;
	o = &c->objs[rng_below(&t->r, c->n)];
	off = rng_below(&t->r, c->size);
	len = 1 + rng_below(&t->r, c->size - off);
	if (len > 4096)
		len = 4096;
	if (bad >= 16) {
		model_verify(t, c, o, off, len);
		return;
	}
	fd = model_fd_pick(t, &may_close);
	h = o->h;
	p = (uintptr_t)(t->arena + DATA_OFF);
	want = -EFAULT;
	if (bad < 3) {
		what = "read-only buffer";
		p = (uintptr_t)page_ro;
		if (len > page_size)
			len = page_size;
	} else if (bad < 6) {
		what = "straddling buffer";
		p = (uintptr_t)(t->arena + ARENA_RW - len / 2);
		if (len < 2)
			len = 2, off = 0;
	} else if (bad < 8) {
		what = "kernel buffer";
		p = rng_pct(&t->r, 50) ? 0xffff888000000000ULL : 0xffffffff81000000ULL;
	} else if (bad < 10) {
		what = "past the end";
		len = c->size - off + 1;
		want = -EINVAL;
	} else if (bad < 12) {
		what = "foreign session";
		fd = foreign_fd;
		may_close = false;
		want = -ENOENT;
	} else if (bad < 14) {
		const struct mcache *o = &t->mc[c == &t->mc[0]];

		what = "other cache id";
		id = o->id;
		want = off + len > o->size ? -EINVAL : -ENOENT;
	} else {
		what = "bad handle";
		h = bad_handle(t, c, &what);
		want = -ENOENT;
	}
	ret = xioctl(t, fd, KSLAB_IOC_OBJ_READ,
		     &(struct kslab_obj_io){ .size = sizeof(struct kslab_obj_io),
					     .cache_id = id, .handle = h, .offset = off,
					     .length = len, .buf = p });
	if (ret == -EBADF && may_close)
		return;
	if (ret != want)
		FAIL(t, want == -ENOENT && ret == 0 ? C_ISOLATION : C_ERRNO,
		     "OBJ_READ (%s) of %s [%u,+%u): %ld, want %d", what, c->name,
		     off, len, ret, want);
}

static void model_stats(struct tctx *t, struct mcache *c)
{
	struct kslab_stats *st = (void *)(t->arena + DATA_OFF);
	const char *why;
	long ret;

	t->ioctls++;
	ret = stats_read(model_fd, c->id, st);
	if (ret) {
		FAIL(t, C_STATS, "STATS %s: %s", c->name, strerror(-ret));
		return;
	}
	why = stats_problem(st);
	if (why)
		FAIL(t, strstr(why, "kernel") ? C_LEAK : C_STATS, "STATS %s: %s", c->name, why);
	if (st->active_objects != c->n)
		FAIL(t, C_STATS, "STATS %s (%s): active_objects %llu, the model has %u",
		     c->name, kslab_backend_name(c->backend),
		     (unsigned long long)st->active_objects, c->n);
	if (st->object_size != c->size || st->backend != c->backend)
		FAIL(t, C_STATS, "STATS %s: object_size %u backend %u, created %u %u",
		     c->name, st->object_size, st->backend, c->size, c->backend);
	/* the same cache id from another session */
	t->ioctls++;
	ret = stats_read(foreign_fd, c->id, st);
	if (ret != -ENOENT)
		FAIL(t, C_ISOLATION, "STATS of the model's cache %u from the foreign session: %ld",
		     c->id, ret);
}

static void model_return_all(struct tctx *t, struct mcache *c, bool verify)
{
	uint64_t h[64];
	long ret;

	while (c->n) {
		unsigned int m = c->n < 64 ? c->n : 64, i;

		for (i = 0; i < m; i++) {
			if (verify)
				model_verify(t, c, &c->objs[c->n - 1 - i], 0, c->size);
			h[i] = c->objs[c->n - 1 - i].h;
		}
		t->ioctls++;
		ret = kslab_dev_return(model_fd, c->id, h, m);
		if (ret != m) {
			FAIL(t, C_MODEL, "RETURN of %u rented objects of %s: %ld", m, c->name, ret);
			c->n = 0;	/* the module lost them: release will tell */
			return;
		}
		for (i = 0; i < m; i++)
			drop_obj(t, c, c->n - 1);
		t->returns += m;
	}
}

static void model_recreate(struct tctx *t, struct mcache *c)
{
	struct mcache *other = &t->mc[c == &t->mc[0]];
	uint64_t h = 0;
	long ret;

	if (c->n) {
		t->ioctls++;
		ret = kslab_dev_cache_destroy(model_fd, c->id);
		if (ret != -EBUSY)
			FAIL(t, C_MODEL, "CACHE_DESTROY of %s with %u rented: %ld, want -EBUSY",
			     c->name, c->n, ret);
		if (!ret)
			return;
		h = c->objs[0].h;
	}
	model_return_all(t, c, false);
	pthread_mutex_lock(&model_lock);
	/* the foreign session cannot destroy it */
	t->ioctls++;
	ret = kslab_dev_cache_destroy(foreign_fd, c->id);
	if (ret != -ENOENT)
		FAIL(t, C_ISOLATION, "CACHE_DESTROY of the model's cache from the foreign session: %ld", ret);
	t->ioctls++;
	ret = kslab_dev_cache_destroy(model_fd, c->id);
	if (ret) {
		pthread_mutex_unlock(&model_lock);
		FAIL(t, C_MODEL, "CACHE_DESTROY of empty %s: %ld", c->name, ret);
		return;
	}
	/* the old id is gone */
	t->ioctls++;
	ret = kslab_dev_rent(model_fd, c->id, (uint64_t *)(t->arena + DATA_OFF), 1);
	if (ret != -ENOENT)
		FAIL(t, C_MODEL, "RENT from destroyed cache %u: %ld, want -ENOENT", c->id, ret);
	ret = xioctl_val(t, model_fd, KSLAB_IOC_RENT_ONE, c->id);
	if (ret != -ENOENT)
		FAIL(t, C_MODEL, "RENT_ONE from destroyed cache %u: %ld, want -ENOENT", c->id, ret);
	if (h) {
		t->ioctls++;
		ret = kslab_dev_return(model_fd, c->id, &h, 1);
		if (ret != -ENOENT)
			FAIL(t, C_MODEL, "RETURN to destroyed cache %u: %ld, want -ENOENT", c->id, ret);
		ret = xioctl_val(t, model_fd, KSLAB_IOC_RETURN_ONE, h);
		if (ret != -ENOENT)
			FAIL(t, C_MODEL, "RETURN_ONE of %#llx of destroyed cache %u: %ld, want -ENOENT",
			     (unsigned long long)h, c->id, ret);
	}
	/* a live name is taken */
	t->ioctls++;
	ret = kslab_dev_cache_create(model_fd, other->backend, other->name, 64, 0);
	if (ret != -EEXIST) {
		FAIL(t, C_MODEL, "CACHE_CREATE with the live name %s: %ld, want -EEXIST",
		     other->name, ret);
		if (ret > 0)
			kslab_dev_cache_destroy(model_fd, ret);
	}
	pthread_mutex_unlock(&model_lock);
	while (mcache_create(t, c) && budget_left(t))
		;
}

static void model_op(struct tctx *t)
{
	struct mcache *c = &t->mc[rng_below(&t->r, 2)];
	unsigned int k = rng_below(&t->r, 100);

	if (k < 16)
		model_rent(t, c);
	else if (k < 24)
		model_rent_one(t, c);
	else if (k < 38)
		model_return(t, c);
	else if (k < 46)
		model_return_one(t, c);
	else if (k < 66)
		model_write(t, c);
	else if (k < 88)
		model_read(t, c);
	else if (k < 95)
		model_stats(t, c);
	else if (k < 99) {
		long ret;

		t->ioctls++;
		ret = kslab_dev_cache_tune(model_fd, c->id, 1 + rng_below(&t->r, 128));
		if (ret && ret != -EOPNOTSUPP)
			FAIL(t, C_ERRNO, "CACHE_TUNE of %s: %ld", c->name, ret);
	} else {
		model_recreate(t, c);
	}
}

/* ---------------- threads ---------------- */

static void *worker(void *arg)
{
	struct tctx *t = arg;
	int c;

	for (c = 0; c < 2; c++)
		if (mcache_create(t, &t->mc[c]))
			return NULL;
	while (budget_left(t)) {
		unsigned int k = rng_below(&t->r, 100);

		if (k < 55) {
			model_op(t);
		} else if (k < 90) {
			fuzz_one(t, CHAOS_SLOT0 + rng_below(&t->r, NCHAOS_SLOTS), false, true);
		} else {
			bool may_close;
			int fd = model_fd_pick(t, &may_close);

			fuzz_one(t, fd, true, may_close);
		}
		if ((t->ioctls & 255) == 0)
			flush_counts(t);
	}
	/* the end: every object back exactly once, contents intact */
	for (c = 0; c < 2; c++) {
		struct kslab_stats st;
		long ret;

		model_return_all(t, &t->mc[c], true);
		ret = stats_read(model_fd, t->mc[c].id, &st);
		if (ret || st.active_objects)
			FAIL(t, C_STATS, "STATS of %s after returning everything: %ld, active %llu",
			     t->mc[c].name, ret, ret ? 0ULL : (unsigned long long)st.active_objects);
		ret = kslab_dev_cache_destroy(model_fd, t->mc[c].id);
		if (ret)
			FAIL(t, C_MODEL, "CACHE_DESTROY of %s at the end: %ld", t->mc[c].name, ret);
		t->ioctls += 2;
	}
	flush_counts(t);
	return NULL;
}

/* A forked child: fuzz the inherited fds a little, then exit. */
static void child_run(struct tctx *t)
{
	int i, n = 1 + rng_below(&t->r, 40);

	t->in_child = true;
	t->child_err = 0;
	for (i = 0; i < n; i++) {
		if (rng_pct(&t->r, 80))
			fuzz_one(t, CHAOS_SLOT0 + rng_below(&t->r, NCHAOS_SLOTS), false, true);
		else
			fuzz_one(t, model_fd, true, false);
		if (rng_pct(&t->r, 5))
			close(CHAOS_SLOT0 + rng_below(&t->r, NCHAOS_SLOTS));
	}
	_exit(t->child_err ? 3 : 0);
}

static void *disruptor(void *arg)
{
	struct tctx *t = arg;

	while (!atomic_load(&stop)) {
		unsigned int k = rng_below(&t->r, 100);

		if (k < 30) {
			int slot = MODEL_SLOT0 + rng_below(&t->r, NMODEL_SLOTS);

			if (rng_pct(&t->r, 50))
				close(slot);
			else
				dup2(model_fd, slot);
			atomic_fetch_add(&total_closes, 1);
		} else if (k < 65) {
			int slot = CHAOS_SLOT0 + rng_below(&t->r, NCHAOS_SLOTS);

			if (rng_pct(&t->r, 30)) {
				close(slot);
			} else if (rng_pct(&t->r, 20)) {
				dup2(CHAOS_SLOT0 + rng_below(&t->r, NCHAOS_SLOTS), slot);
			} else {
				int fd = kslab_dev_open(NULL);

				if (fd >= 0) {
					dup2(fd, slot);	/* the old session goes */
					close(fd);
				}
			}
			atomic_fetch_add(&total_closes, 1);
		} else if (k < 85) {
			pid_t pid;
			int status;

			/* the child gets its own stream of the same seed */
			t->r.s[0] ^= rng_next(&t->r);
			child_msg[0] = 0;
			pid = fork();
			if (pid == 0)
				child_run(t);
			if (pid < 0)
				continue;
			atomic_fetch_add(&total_forks, 1);
			if (rng_pct(&t->r, 50)) {
				usleep(rng_below(&t->r, 3000));
				kill(pid, SIGKILL);
				atomic_fetch_add(&total_kills, 1);
			}
			if (waitpid(pid, &status, 0) != pid)
				stress_fail(C_CHILD, "waitpid %d failed", pid);
			else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
				stress_fail(C_CHILD, "forked child died of signal %d", WTERMSIG(status));
			else if (WIFEXITED(status) && WEXITSTATUS(status))
				stress_fail(C_CHILD, "forked child (exit %d): %s",
					    WEXITSTATUS(status), child_msg);
		} else {
			int fd = dup(model_fd);
			struct kslab_version v;

			if (fd >= 0) {
				if (kslab_dev_version(fd, &v))
					stress_fail(C_ERRNO, "VERSION on a dup() of the model fd failed");
				close(fd);
			}
		}
		usleep(rng_below(&t->r, 800));
	}
	return NULL;
}

/* ---------------- main ---------------- */

/*
 * A returned handle stays stale across CACHE_DESTROY and CACHE_CREATE in
 * the same session, even when the new cache gets the old cache's id.
 */
static void reuse_probe(void)
{
	uint32_t a, b;
	uint64_t h1, h2;
	char name[40];
	long ret;

	snprintf(name, sizeof(name), "fzr%d-a", main_pid);
	ret = kslab_dev_cache_create(model_fd, dev_pick_backend(&ver, 0), name, 64, 0);
	a = ret;
	if (ret < 0 || kslab_dev_rent(model_fd, a, &h1, 1) != 1 ||
	    kslab_dev_return(model_fd, a, &h1, 1) != 1 ||
	    kslab_dev_cache_destroy(model_fd, a)) {
		stress_fail(C_MODEL, "reuse probe: create/rent/return/destroy failed");
		return;
	}
	snprintf(name, sizeof(name), "fzr%d-b", main_pid);
	ret = kslab_dev_cache_create(model_fd, dev_pick_backend(&ver, 0), name, 64, 0);
	b = ret;
	if (ret < 0 || kslab_dev_rent(model_fd, b, &h2, 1) != 1) {
		stress_fail(C_MODEL, "reuse probe: second create/rent failed");
		return;
	}
	ret = kslab_dev_return(model_fd, b, &h1, 1);
	if (ret != -ENOENT)
		stress_fail(C_REUSE, "cache %u destroyed, cache %u created in the same session: RETURN of the old, returned handle %#llx answered %ld, not -ENOENT (new handle %#llx)",
			    a, b, (unsigned long long)h1, ret, (unsigned long long)h2);
	if (ret == -ENOENT) {
		ret = kslab_dev_return_one(model_fd, h1);
		if (ret != -ENOENT)
			stress_fail(C_REUSE, "cache %u destroyed, cache %u created in the same session: RETURN_ONE of the old, returned handle %#llx answered %ld, not -ENOENT (new handle %#llx)",
				    a, b, (unsigned long long)h1, ret,
				    (unsigned long long)h2);
		if (!ret)
			ret = 1;	/* it returned the new object */
	}
	if (ret != 1 && kslab_dev_return(model_fd, b, &h2, 1) != 1)
		stress_fail(C_MODEL, "reuse probe: RETURN of the new handle failed");
	if (kslab_dev_cache_destroy(model_fd, b))
		stress_fail(C_MODEL, "reuse probe: CACHE_DESTROY failed");
}

#define MAX_ROWS	1024

struct name_set {
	int n;
	struct kslab_slabinfo rows[MAX_ROWS];
};

/* Every row of /proc/kslabinfo and every kslab row of /proc/slabinfo. */
static void kslab_rows(struct name_set *s)
{
	int n = listed_rows("", s->rows, MAX_ROWS);

	s->n = n < MAX_ROWS ? n : MAX_ROWS;
}

static const char *new_row(const struct name_set *before, const struct name_set *after)
{
	int i, j;

	for (i = 0; i < after->n; i++) {
		for (j = 0; j < before->n; j++)
			if (!strcmp(after->rows[i].name, before->rows[j].name))
				break;
		if (j == before->n)
			return after->rows[i].name;
	}
	return NULL;
}

static uint8_t *map_arena(void)
{
	uint8_t *a = mmap(NULL, ARENA_RW + page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	mprotect(a + ARENA_RW, page_size, PROT_NONE);
	return a;
}

int main(int argc, char **argv)
{
	static struct name_set before, after;
	static struct tctx ctx[MAX_WORKERS + 1];
	pthread_t th[MAX_WORKERS + 1];
	unsigned long verified = 0, rents = 0, returns = 0;
	struct kslab_stats st;
	const char *leftover;
	unsigned int i, nw;
	double t0;
	long ret;

	stress_parse(argc, argv, &opt,
		     "Fuzz /dev/kslab with --threads workers for --count ioctls or --seconds,\n"
		     "whichever ends first; --seed replays a run.");
	ksft_print_header();
	ksft_print_msg("fuzz_stress --seed %llu --count %llu --seconds %g --threads %u\n",
		       (unsigned long long)opt.seed, (unsigned long long)opt.count,
		       opt.seconds, opt.threads);
	main_pid = getpid();
	page_size = sysconf(_SC_PAGESIZE);
	model_fd = dev_open_checked(&ver);
	if (model_fd < 0)
		ksft_exit_fail_msg("cannot use the device\n");
	if (!dev_has(&ver, KSLAB_CMD_RENT_ONE) ||
	    !dev_has(&ver, KSLAB_CMD_RETURN_ONE))
		ksft_exit_fail_msg("the module lacks RENT_ONE or RETURN_ONE\n");
	ksft_set_plan(C_NR + 1);	/* one per check, and the count */
	nw = opt.threads ? opt.threads : 1;
	if (nw > MAX_WORKERS)
		nw = MAX_WORKERS;
	kslab_rows(&before);

	page_none = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page_ro = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page_none == MAP_FAILED || page_ro == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	memset(page_ro, 0x21, page_size);
	child_msg = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (child_msg == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	mprotect(page_ro, page_size, PROT_READ);

	/* the foreign session and its objects */
	foreign_fd = kslab_dev_open(NULL);
	if (foreign_fd < 0)
		ksft_exit_fail_msg("open: %s\n", strerror(-foreign_fd));
	{
		char name[40];

		snprintf(name, sizeof(name), "fzf%d", main_pid);
		ret = kslab_dev_cache_create(foreign_fd, dev_pick_backend(&ver, 0), name,
					     128, 0);
		if (ret < 0)
			ksft_exit_fail_msg("CACHE_CREATE on the foreign session: %s\n",
					   strerror(-ret));
		foreign_cache = ret;
		ret = kslab_dev_rent(foreign_fd, foreign_cache, foreign_h, NFOREIGN);
		if (ret != NFOREIGN)
			ksft_exit_fail_msg("RENT on the foreign session: %ld\n", ret);
	}
	for (i = 0; i < NCHAOS_SLOTS; i++) {
		int fd = kslab_dev_open(NULL);

		if (fd < 0 || dup2(fd, CHAOS_SLOT0 + i) < 0)
			ksft_exit_fail_msg("chaos session: %s\n", strerror(errno));
		close(fd);
	}
	for (i = 0; i < NMODEL_SLOTS; i++)
		dup2(model_fd, MODEL_SLOT0 + i);

	reuse_probe();
	t0 = now_s();
	deadline = t0 + opt.seconds;
	for (i = 0; i <= nw; i++) {
		ctx[i].id = i;
		rng_seed(&ctx[i].r, opt.seed, i + 1);
		ctx[i].arena = map_arena();
	}
	for (i = 0; i < nw; i++)
		if (pthread_create(&th[i], NULL, worker, &ctx[i]))
			ksft_exit_fail_msg("pthread_create\n");
	if (pthread_create(&th[nw], NULL, disruptor, &ctx[nw]))
		ksft_exit_fail_msg("pthread_create\n");
	for (i = 0; i < nw; i++)
		pthread_join(th[i], NULL);
	atomic_store(&stop, 1);
	pthread_join(th[nw], NULL);
	for (i = 0; i < nw; i++) {
		verified += ctx[i].verified;
		rents += ctx[i].rents;
		returns += ctx[i].returns;
	}

	/* the foreign session lost nothing to all those attempts */
	ret = stats_read(foreign_fd, foreign_cache, &st);
	if (ret || st.active_objects != NFOREIGN)
		stress_fail(C_ISOLATION, "foreign cache: STATS %ld, active %llu, want %d",
			    ret, ret ? 0ULL : (unsigned long long)st.active_objects, NFOREIGN);
	ret = kslab_dev_return(foreign_fd, foreign_cache, foreign_h, NFOREIGN);
	if (ret != NFOREIGN)
		stress_fail(C_ISOLATION, "RETURN of the foreign session's own objects: %ld", ret);
	close(foreign_fd);
	for (i = 0; i < NCHAOS_SLOTS; i++)
		close(CHAOS_SLOT0 + i);
	for (i = 0; i < NMODEL_SLOTS; i++)
		close(MODEL_SLOT0 + i);
	close(model_fd);
	kslab_rows(&after);
	leftover = new_row(&before, &after);
	if (leftover)
		stress_fail(C_GONE, "cache %s is still listed after every session closed", leftover);

	ksft_test_result(atomic_load(&total_ioctls) > 0,
			 "fuzz: %lu ioctls sent by %u threads in %.1f s\n",
			 atomic_load(&total_ioctls), nw, now_s() - t0);
	ksft_test_result(!stress_failures(C_ERRNO), "fuzz: every answer is success or the documented errno\n");
	ksft_test_result(!stress_failures(C_MODEL) && rents == returns,
			 "fuzz: every rent returned exactly once (%lu rented, %lu returned)\n",
			 rents, returns);
	ksft_test_result(!stress_failures(C_DATA) && verified,
			 "fuzz: contents intact (%lu reads verified)\n", verified);
	ksft_test_result(!stress_failures(C_LEAK), "fuzz: no kernel-pointer-like value copied out\n");
	ksft_test_result(!stress_failures(C_UNINIT), "fuzz: unwritten bytes and reserved fields read as zero\n");
	ksft_test_result(!stress_failures(C_ISOLATION), "fuzz: sessions isolated (foreign ids and handles refused)\n");
	ksft_test_result(!stress_failures(C_CHILD),
			 "fuzz: %lu forked children (%lu killed) fine, %lu fd closes/dup2s\n",
			 atomic_load(&total_forks), atomic_load(&total_kills),
			 atomic_load(&total_closes));
	ksft_test_result(!stress_failures(C_GONE), "fuzz: no cache outlives its session\n");
	ksft_test_result(!stress_failures(C_STATS), "fuzz: STATS agrees with the model\n");
	ksft_test_result(!stress_failures(C_REUSE),
			 "fuzz: a returned handle never becomes valid again (across CACHE_DESTROY/CREATE)\n");
	figures("fuzz", "seed=%llu ioctls=%lu threads=%u seconds=%.1f rented=%lu verified=%lu forks=%lu kills=%lu",
		(unsigned long long)opt.seed, atomic_load(&total_ioctls), nw, now_s() - t0,
		rents, verified, atomic_load(&total_forks), atomic_load(&total_kills));
	ksft_finished();
}
