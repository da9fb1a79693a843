/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab compatibility with the kernels Debian 12 ships, 6.1 and 6.12.
 *
 * Every LINUX_VERSION_CODE test of the module lives in this file; the rest
 * of the code calls the newest API, or the kslab_* wrapper below where the
 * API changed shape. What a kernel lacks entirely (lib/objpool.c before
 * 6.7) is left out by kmod/Kbuild and reported through VERSION's backend
 * bitmap instead.
 */
#ifndef _KSLAB_COMPAT_H
#define _KSLAB_COMPAT_H

#include <linux/kthread.h>
#include <linux/list_lru.h>
#include <linux/sched/task.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/version.h>

/* ================== slab flags ================== */

#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
/*
 * SLAB_NO_MERGE arrived in 6.5. Before it, a cache with a usercopy region
 * is never merged (slab_unmergeable()), and kslab's kmem_cache backends
 * always have one, so the flag has nothing left to do.
 */
#define SLAB_NO_MERGE	0
#endif

/* ================== kthreads ================== */

#if KERNEL_VERSION(6, 6, 0) > LINUX_VERSION_CODE
/**
 * kthread_stop_put() - stop a kthread and drop the reference held on it.
 * @k: a kthread whose task_struct the caller holds a reference on.
 *
 * Context: process context; sleeps until @k exits.
 * Return: what the thread function returned, or -EINTR if it never ran.
 */
static inline int kthread_stop_put(struct task_struct *k)
{
	int ret = kthread_stop(k);

	put_task_struct(k);
	return ret;
}
#endif

/* ================== shrinkers ================== */

#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE

/**
 * kslab_shrinker_create() - allocate and register a shrinker.
 * @flags: SHRINKER_* flags.
 * @count: the count_objects callback.
 * @scan: the scan_objects callback.
 * @private: what kslab_shrinker_private() hands back to the callbacks.
 * @name: name for debugfs; registered as "kslab-<name>".
 *
 * Context: process context; may sleep.
 * Return: the registered shrinker, or NULL when out of memory.
 */
static inline struct shrinker *
kslab_shrinker_create(unsigned int flags,
		      unsigned long (*count)(struct shrinker *,
					     struct shrink_control *),
		      unsigned long (*scan)(struct shrinker *,
					    struct shrink_control *),
		      void *private, const char *name)
{
	struct shrinker *shrinker = shrinker_alloc(flags, "kslab-%s", name);

	if (!shrinker)
		return NULL;
	shrinker->count_objects = count;
	shrinker->scan_objects = scan;
	shrinker->private_data = private;
	shrinker_register(shrinker);
	return shrinker;
}

/**
 * kslab_shrinker_private() - the private pointer of a kslab shrinker.
 * @shrinker: made by kslab_shrinker_create().
 *
 * Context: any.
 * Return: the @private given to kslab_shrinker_create().
 */
static inline void *kslab_shrinker_private(struct shrinker *shrinker)
{
	return shrinker->private_data;
}

/**
 * kslab_shrinker_destroy() - unregister and free a shrinker.
 * @shrinker: made by kslab_shrinker_create(), or NULL.
 *
 * Context: process context; may sleep (waits for running callbacks).
 */
static inline void kslab_shrinker_destroy(struct shrinker *shrinker)
{
	shrinker_free(shrinker);
}

#else /* before 6.7: the caller allocates struct shrinker */

struct kslab_compat_shrinker {
	struct shrinker shrinker;
	void *private;
};

static inline struct shrinker *
kslab_shrinker_create(unsigned int flags,
		      unsigned long (*count)(struct shrinker *,
					     struct shrink_control *),
		      unsigned long (*scan)(struct shrinker *,
					    struct shrink_control *),
		      void *private, const char *name)
{
	struct kslab_compat_shrinker *ks = kzalloc(sizeof(*ks), GFP_KERNEL);

	if (!ks)
		return NULL;
	ks->shrinker.flags = flags;
	ks->shrinker.seeks = DEFAULT_SEEKS;
	ks->shrinker.count_objects = count;
	ks->shrinker.scan_objects = scan;
	ks->private = private;
	if (register_shrinker(&ks->shrinker, "kslab-%s", name)) {
		kfree(ks);
		return NULL;
	}
	return &ks->shrinker;
}

static inline void *kslab_shrinker_private(struct shrinker *shrinker)
{
	return container_of(shrinker, struct kslab_compat_shrinker,
			    shrinker)->private;
}

static inline void kslab_shrinker_destroy(struct shrinker *shrinker)
{
	if (!shrinker)
		return;
	unregister_shrinker(shrinker);
	kfree(container_of(shrinker, struct kslab_compat_shrinker, shrinker));
}

#endif /* shrinkers */

/* ================== memcg-aware shrinkers ================== */

#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
/*
 * Reclaim inside a memory cgroup asks a SHRINKER_MEMCG_AWARE shrinker only
 * while a list_lru tied to it holds an item of that memcg and node (the
 * shrinker bit of list_lru_add()): kslab keeps one marker item per node
 * there. list_lru_add() takes the memcg and node since 6.8.
 */
#define KSLAB_SHRINKER_MEMCG	SHRINKER_MEMCG_AWARE

/**
 * kslab_lru_init() - a list_lru tied to a memcg-aware shrinker.
 * @lru: the list.
 * @shrinker: its shrinker, allocated with KSLAB_SHRINKER_MEMCG.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
static inline int kslab_lru_init(struct list_lru *lru,
				 struct shrinker *shrinker)
{
	return list_lru_init_memcg(lru, shrinker);
}

/**
 * kslab_lru_add() - put a marker item of a memcg and node on the list.
 * @lru: the list.
 * @item: the marker, not on any list.
 * @nid: the node.
 * @memcg: the memcg, whose lists the list has (see kslab_lru_prepare()).
 *
 * Context: any; does not sleep.
 */
static inline void kslab_lru_add(struct list_lru *lru, struct list_head *item,
				 int nid, struct mem_cgroup *memcg)
{
	list_lru_add(lru, item, nid, memcg);
}

/**
 * kslab_lru_del() - take a marker item off the list.
 * @lru: the list.
 * @item: the marker, added with kslab_lru_add() or never.
 * @nid: its node.
 * @memcg: its memcg.
 *
 * Context: any; does not sleep.
 */
static inline void kslab_lru_del(struct list_lru *lru, struct list_head *item,
				 int nid, struct mem_cgroup *memcg)
{
	list_lru_del(lru, item, nid, memcg);
}

#else /* before 6.8: list_lru_add() takes the memcg of the item's slab */

/* The shrinker is not memcg-aware: reclaim in a memcg does not ask it. */
#define KSLAB_SHRINKER_MEMCG	0

static inline int kslab_lru_init(struct list_lru *lru,
				 struct shrinker *shrinker)
{
	return list_lru_init(lru);
}

static inline void kslab_lru_add(struct list_lru *lru, struct list_head *item,
				 int nid, struct mem_cgroup *memcg)
{
}

static inline void kslab_lru_del(struct list_lru *lru, struct list_head *item,
				 int nid, struct mem_cgroup *memcg)
{
}

#endif /* memcg-aware shrinkers */

/* ================== trace events ================== */

/*
 * kslab_assign_name(field) in core/trace.h's TP_fast_assign(): copy the
 * name of the event's @cache into its __string() @field. __assign_str()
 * takes the field alone since 6.10 (__string() names the source); before,
 * the source again.
 */
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
#define kslab_assign_name(field)	__assign_str(field)
#else
#define kslab_assign_name(field)	__assign_str(field, cache->name)
#endif

#endif /* _KSLAB_COMPAT_H */
