// SPDX-License-Identifier: GPL-2.0
/*
 * kslab statistics: per-CPU counters (&enum kslab_counter and the name
 * table below) summed on read, a debugfs file per cache, a sysfs
 * directory per cache (sysfs.c), and /proc/kslabinfo in exactly the
 * /proc/slabinfo 2.1 format.
 *
 * The rent and return counters are not bumped on the fast path: they are
 * the sums of the per-path counters (rent_loaded + rent_previous +
 * rent_depot + rent_slab, and the same for return), computed here.
 */
#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "internal.h"

/* ---- counters ---- */

static const char * const kslab_counter_names[] = {
	[KSLAB_CNT_RENT] = "rent",
	[KSLAB_CNT_RETURN] = "return",
	[KSLAB_CNT_RENT_LOADED] = "rent_loaded",
	[KSLAB_CNT_RENT_PREVIOUS] = "rent_previous",
	[KSLAB_CNT_RENT_DEPOT] = "rent_depot",
	[KSLAB_CNT_RENT_SLAB] = "rent_slab",
	[KSLAB_CNT_RETURN_LOADED] = "return_loaded",
	[KSLAB_CNT_RETURN_PREVIOUS] = "return_previous",
	[KSLAB_CNT_RETURN_DEPOT] = "return_depot",
	[KSLAB_CNT_RETURN_SLAB] = "return_slab",
	[KSLAB_CNT_RETURN_REMOTE] = "return_remote",
	[KSLAB_CNT_DEPOT_CONTENDED] = "depot_contended",
	[KSLAB_CNT_MAGAZINE_RESIZE] = "magazine_resize",
	[KSLAB_CNT_SLAB_ALLOC] = "slab_alloc",
	[KSLAB_CNT_SLAB_FREE] = "slab_free",
	[KSLAB_CNT_PAGES_ALLOC] = "pages_alloc",
	[KSLAB_CNT_PAGES_FREE] = "pages_free",
	[KSLAB_CNT_RENT_FAIL] = "rent_fail",
	[KSLAB_CNT_SHRINK] = "shrink",
	[KSLAB_CNT_DEBUG_ERROR] = "debug_error",
};

static_assert(ARRAY_SIZE(kslab_counter_names) == KSLAB_CNT_NR);

/**
 * kslab_counter_name() - the printable name of a counter.
 * @counter: the counter.
 *
 * Context: any context.
 * Return: its name, as debugfs prints it, or NULL for no counter.
 */
const char *kslab_counter_name(enum kslab_counter counter)
{
	return counter < KSLAB_CNT_NR ? kslab_counter_names[counter] : NULL;
}
EXPORT_SYMBOL_GPL(kslab_counter_name);

/**
 * kslab_stat_sum() - one counter summed over every possible CPU.
 * @cache: the cache.
 * @item: the counter.
 *
 * Context: any context; does not sleep.
 * Return: the sum (not the derived rent and return totals).
 */
unsigned long kslab_stat_sum(struct kslab_cache *cache, enum kslab_counter item)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(cache->cpu, cpu)->stat[item]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_stat_sum);

static u64 kslab_sum_range(const u64 *c, enum kslab_counter first,
			   enum kslab_counter last)
{
	u64 sum = 0;

	for (; first <= last; first++)
		sum += c[first];
	return sum;
}

/**
 * kslab_cache_stats() - read the counters and slab figures of a cache.
 * @cache: the cache.
 * @stats: filled in.
 *
 * active_objects is rents minus returns: exact when no rent or return is
 * in flight.
 *
 * Context: task context; does not sleep.
 */
void kslab_cache_stats(struct kslab_cache *cache,
		       struct kslab_cache_stats *stats)
{
	u64 *c = stats->counters, empty;
	unsigned int i;

	for (i = 0; i < KSLAB_CNT_NR; i++)
		c[i] = kslab_stat_sum(cache, i);
	c[KSLAB_CNT_RENT] = kslab_sum_range(c, KSLAB_CNT_RENT_LOADED,
					    KSLAB_CNT_RENT_SLAB);
	c[KSLAB_CNT_RETURN] = kslab_sum_range(c, KSLAB_CNT_RETURN_LOADED,
					      KSLAB_CNT_RETURN_SLAB);
	stats->object_size = cache->layout.object_size;
	stats->stride = cache->layout.stride;
	stats->objects_per_slab = cache->layout.objects;
	stats->order = cache->layout.order;
	stats->magazine_size = READ_ONCE(cache->magazine_size);
	stats->init_on_alloc = kslab_fast_want_init(&cache->fast, GFP_KERNEL);
	stats->active_objects = c[KSLAB_CNT_RENT] > c[KSLAB_CNT_RETURN] ?
				c[KSLAB_CNT_RENT] - c[KSLAB_CNT_RETURN] : 0;
	stats->slabs = kslab_slab_count(cache, &empty);
	stats->total_objects = stats->slabs * cache->layout.objects;
	stats->pages = stats->slabs << cache->layout.order;
}
EXPORT_SYMBOL_GPL(kslab_cache_stats);

/* ---- debugfs ---- */

static struct dentry *kslab_debugfs_root;

static int kslab_debugfs_stats_show(struct seq_file *m, void *unused)
{
	struct kslab_cache *cache = m->private;
	struct kslab_cache_stats st;
	unsigned int i;

	kslab_cache_stats(cache, &st);
	seq_printf(m, "object_size %u\nstride %u\nobjects_per_slab %u\n",
		   st.object_size, st.stride, st.objects_per_slab);
	seq_printf(m, "order %u\nmagazine_size %u\ninit_on_alloc %u\n",
		   st.order, st.magazine_size, st.init_on_alloc);
	seq_printf(m, "active_objects %llu\ntotal_objects %llu\n",
		   st.active_objects, st.total_objects);
	seq_printf(m, "slabs %llu\npages %llu\n", st.slabs, st.pages);
	for (i = 0; i < KSLAB_CNT_NR; i++)
		seq_printf(m, "%s %llu\n", kslab_counter_names[i], st.counters[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kslab_debugfs_stats);

/* ---- /proc/kslabinfo ---- */

/* Every live kslab cache, for /proc/kslabinfo. */
static LIST_HEAD(kslab_caches);
static DEFINE_MUTEX(kslab_caches_mutex);

/*
 * Enabled trace events that want every rent and return in the slow path
 * (kslab_rent, kslab_return); under kslab_caches_mutex.
 */
static unsigned int kslab_slow_users;

/*
 * Point the inline fast path of @cache at its own per-CPU layer, or at
 * kslab_cpu_miss (every call takes the slow path) for a debug cache and
 * for every cache while kslab_slow_users; kslab_caches_mutex held. A call
 * under way on the other layer finishes there.
 */
static void kslab_cache_route(struct kslab_cache *cache)
{
	bool slow = kslab_slow_users || (cache->fast.flags & KSLAB_DEBUG);

	lockdep_assert_held(&kslab_caches_mutex);
	WRITE_ONCE(cache->fast.cpu, slow ? &kslab_cpu_miss : cache->cpu);
}

/**
 * kslab_caches_route_slow() - send every rent and return of every cache
 *	to the slow path, or stop.
 * @slow: true for one more user that wants it, false for one fewer.
 *
 * A cache created while some user wants it starts on the slow path too.
 *
 * Context: task context; sleeps (kslab_caches_mutex).
 */
void kslab_caches_route_slow(bool slow)
{
	struct kslab_cache *cache;

	mutex_lock(&kslab_caches_mutex);
	if (slow)
		kslab_slow_users++;
	else if (!WARN_ON_ONCE(!kslab_slow_users))
		kslab_slow_users--;
	list_for_each_entry(cache, &kslab_caches, list)
		kslab_cache_route(cache);
	mutex_unlock(&kslab_caches_mutex);
}

static void *kslabinfo_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&kslab_caches_mutex);
	return seq_list_start_head(&kslab_caches, *pos);
}

static void *kslabinfo_next(struct seq_file *m, void *p, loff_t *pos)
{
	return seq_list_next(p, &kslab_caches, pos);
}

static void kslabinfo_stop(struct seq_file *m, void *p)
{
	mutex_unlock(&kslab_caches_mutex);
}

/* The same header and columns as mm/slab_common.c's slabinfo 2.1. */
static void kslabinfo_header(struct seq_file *m)
{
	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	seq_putc(m, '\n');
}

static void kslabinfo_cache(struct seq_file *m, struct kslab_cache *cache)
{
	unsigned long depot = 0;
	struct kslab_cache_stats st;
	u64 slabs, empty;
	int nid;

	kslab_cache_stats(cache, &st);
	slabs = kslab_slab_count(cache, &empty);
	for_each_node(nid)
		depot += kslab_depot_count(cache, nid);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", cache->name,
		   (unsigned long)min(st.active_objects, st.total_objects),
		   (unsigned long)st.total_objects, st.stride,
		   st.objects_per_slab, 1 << st.order);
	seq_printf(m, " : tunables %4u %4u %4u", st.magazine_size,
		   READ_ONCE(cache->batch), KSLAB_DEPOT_PER_CPU);
	seq_printf(m, " : slabdata %6lu %6lu %6lu",
		   (unsigned long)(slabs - empty), (unsigned long)slabs, depot);
	seq_putc(m, '\n');
}

static int kslabinfo_show(struct seq_file *m, void *p)
{
	if (p == &kslab_caches)
		kslabinfo_header(m);
	else
		kslabinfo_cache(m, list_entry(p, struct kslab_cache, list));
	return 0;
}

static const struct seq_operations kslabinfo_ops = {
	.start = kslabinfo_start,
	.next = kslabinfo_next,
	.stop = kslabinfo_stop,
	.show = kslabinfo_show,
};

/* ---- registration ---- */

/**
 * kslab_stats_add_cache() - list a new cache in /proc/kslabinfo, debugfs
 *	and sysfs, and open its inline fast path.
 * @cache: the cache, fully set up.
 *
 * Its directories in debugfs and /sys/kernel/kslab are "<name>.<id>": a
 * name that two caches may share, made unique by the cache's id.
 *
 * Context: task context; may sleep.
 */
void kslab_stats_add_cache(struct kslab_cache *cache)
{
	char name[KSLAB_NAME_LEN + 12];

	snprintf(name, sizeof(name), "%s.%u", cache->name, cache->id);
	cache->debugfs = debugfs_create_dir(name, kslab_debugfs_root);
	debugfs_create_file("stats", 0400, cache->debugfs, cache,
			    &kslab_debugfs_stats_fops);
	kslab_sysfs_add_cache(cache, name);
	mutex_lock(&kslab_caches_mutex);
	kslab_cache_route(cache);
	list_add_tail(&cache->list, &kslab_caches);
	mutex_unlock(&kslab_caches_mutex);
}

/**
 * kslab_stats_remove_cache() - take a cache off /proc/kslabinfo, debugfs
 * and sysfs; waits for readers and for sysfs writes (a tune, a shrink).
 * @cache: the cache.
 *
 * Context: task context; may sleep; no lock of @cache held.
 */
void kslab_stats_remove_cache(struct kslab_cache *cache)
{
	kslab_sysfs_remove_cache(cache);
	mutex_lock(&kslab_caches_mutex);
	list_del(&cache->list);
	mutex_unlock(&kslab_caches_mutex);
	debugfs_remove(cache->debugfs);
}

/**
 * kslab_stats_init() - create /proc/kslabinfo, /sys/kernel/kslab and the
 * debugfs directory.
 *
 * Context: module init; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kslab_stats_init(void)
{
	if (!proc_create_seq("kslabinfo", 0400, NULL, &kslabinfo_ops))
		return -ENOMEM;
	if (kslab_sysfs_init()) {
		remove_proc_entry("kslabinfo", NULL);
		return -ENOMEM;
	}
	kslab_debugfs_root = debugfs_create_dir("kslab", NULL);
	return 0;
}

/**
 * kslab_stats_exit() - remove /proc/kslabinfo, /sys/kernel/kslab and the
 * debugfs directory.
 *
 * Context: module exit; may sleep.
 */
void kslab_stats_exit(void)
{
	debugfs_remove(kslab_debugfs_root);
	kslab_sysfs_exit();
	remove_proc_entry("kslabinfo", NULL);
}
