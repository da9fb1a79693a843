// SPDX-License-Identifier: GPL-2.0
/*
 * kslab in sysfs: a directory per cache under /sys/kernel/kslab/, named as
 * its debugfs directory is ("<name>.<id>", stats.c), with one value per
 * file as /sys/kernel/slab/<cache>/ has for SLUB:
 *
 *   object_size     bytes asked for per object
 *   slab_size       bytes an object takes in a slab (the stride)
 *   objs_per_slab   objects carved from one slab
 *   order           a slab is 2^order pages
 *   slabs           slabs held now
 *   partial         slabs with some objects rented and some free
 *   objects         objects rented out now (SLUB: objects in use)
 *   total_objects   objects in the slabs (rented, cached or free)
 *   magazine_size   objects per magazine; writing tunes it
 *   shrink          reads 0; writing 1 shrinks the cache
 *   counters/<name> each &enum kslab_counter, by kslab_counter_name()
 *
 * The counters have a directory of their own because one of them is
 * called "shrink". Everything is read through kslab_cache_stats(), as the
 * debugfs file and /proc/kslabinfo read it. Every file is root's alone
 * (0400, 0600), as /proc/kslabinfo and SLUB's files are.
 *
 * Lifetime. The cache's kobject is not embedded in the cache: it is a
 * small &struct kslab_kobj that points to the cache, and its release frees
 * that alone. kslab_sysfs_remove_cache() is the first thing
 * kslab_cache_destroy() does (through kslab_stats_remove_cache()):
 * kobject_del() removes the directory with kernfs_remove(), which
 * deactivates every file of it and waits until each show() and store()
 * that is running has returned (kernfs_drain()); from then on a read or
 * write of a file that is still open fails with -ENODEV and never reaches
 * the handlers below. So a handler runs only while the kobject is
 * registered, that is while the cache is whole, and after kobject_del()
 * nothing dereferences @kk->cache again. The kobject_put() that follows
 * drops the last reference (an open sysfs file pins the kernfs node, not
 * the kobject), and the release frees only the &struct kslab_kobj, so a
 * late release (CONFIG_DEBUG_KOBJECT_RELEASE) touches nothing the teardown
 * frees. The handlers call kslab_cache_tune() and kslab_cache_shrink(),
 * which take cache->mutex; kslab_cache_destroy() holds no kslab lock when
 * it waits for them, so the wait cannot deadlock.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

/* /sys/kernel/kslab. */
static struct kset *kslab_kset;

/**
 * struct kslab_kobj - the directory of one cache.
 * @kobj: its kobject; its release frees this structure, nothing else.
 * @cache: the cache; used only while @kobj is registered.
 */
struct kslab_kobj {
	struct kobject kobj;
	struct kslab_cache *cache;
};

/**
 * struct kslab_attr - one file of a cache's directory.
 * @attr: the sysfs attribute.
 * @show: prints the value.
 * @store: takes a value, or NULL for a read-only file.
 * @counter: the counter a file of counters/ prints.
 */
struct kslab_attr {
	struct attribute attr;
	ssize_t (*show)(struct kslab_cache *cache, const struct kslab_attr *ka,
			char *buf);
	ssize_t (*store)(struct kslab_cache *cache, const char *buf,
			 size_t len);
	enum kslab_counter counter;
};

static inline struct kslab_cache *kslab_kobj_cache(struct kobject *kobj)
{
	return container_of(kobj, struct kslab_kobj, kobj)->cache;
}

/* ---- the files ---- */

/* A read-only file that prints one figure of kslab_cache_stats(). */
#define KSLAB_STATS_ATTR(_name, _value)					\
static ssize_t _name##_show(struct kslab_cache *cache,			\
			    const struct kslab_attr *ka, char *buf)	\
{									\
	struct kslab_cache_stats st;					\
									\
	kslab_cache_stats(cache, &st);					\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(_value));	\
}									\
static struct kslab_attr _name##_attr = {				\
	.attr = { .name = #_name, .mode = 0400 },			\
	.show = _name##_show,						\
}

KSLAB_STATS_ATTR(object_size, st.object_size);
KSLAB_STATS_ATTR(slab_size, st.stride);
KSLAB_STATS_ATTR(objs_per_slab, st.objects_per_slab);
KSLAB_STATS_ATTR(order, st.order);
KSLAB_STATS_ATTR(slabs, st.slabs);
/* Rents minus returns, bounded by the slabs as /proc/kslabinfo bounds it. */
KSLAB_STATS_ATTR(objects, min(st.active_objects, st.total_objects));
KSLAB_STATS_ATTR(total_objects, st.total_objects);

static ssize_t partial_show(struct kslab_cache *cache,
			    const struct kslab_attr *ka, char *buf)
{
	return sysfs_emit(buf, "%llu\n", kslab_slab_partial(cache));
}

static struct kslab_attr partial_attr = {
	.attr = { .name = "partial", .mode = 0400 },
	.show = partial_show,
};

static ssize_t magazine_size_show(struct kslab_cache *cache,
				  const struct kslab_attr *ka, char *buf)
{
	struct kslab_cache_stats st;

	kslab_cache_stats(cache, &st);
	return sysfs_emit(buf, "%u\n", st.magazine_size);
}

/* kslab_cache_tune(): -EINVAL out of range, -EOPNOTSUPP when KSLAB_LOCKED. */
static ssize_t magazine_size_store(struct kslab_cache *cache, const char *buf,
				   size_t len)
{
	unsigned int size;
	int err;

	err = kstrtouint(buf, 10, &size);
	if (err)
		return err;
	err = kslab_cache_tune(cache, size);
	if (err)
		return err;
	return len;
}

static struct kslab_attr magazine_size_attr = {
	.attr = { .name = "magazine_size", .mode = 0600 },
	.show = magazine_size_show,
	.store = magazine_size_store,
};

static ssize_t shrink_show(struct kslab_cache *cache,
			   const struct kslab_attr *ka, char *buf)
{
	return sysfs_emit(buf, "0\n");
}

static ssize_t shrink_store(struct kslab_cache *cache, const char *buf,
			    size_t len)
{
	unsigned int one;
	int err;

	err = kstrtouint(buf, 10, &one);
	if (err)
		return err;
	if (one != 1)
		return -EINVAL;
	kslab_cache_shrink(cache);
	return len;
}

static struct kslab_attr shrink_attr = {
	.attr = { .name = "shrink", .mode = 0600 },
	.show = shrink_show,
	.store = shrink_store,
};

static struct attribute *kslab_attrs[] = {
	&object_size_attr.attr,
	&slab_size_attr.attr,
	&objs_per_slab_attr.attr,
	&order_attr.attr,
	&slabs_attr.attr,
	&partial_attr.attr,
	&objects_attr.attr,
	&total_objects_attr.attr,
	&magazine_size_attr.attr,
	&shrink_attr.attr,
	NULL,
};

static const struct attribute_group kslab_group = {
	.attrs = kslab_attrs,
};

/* counters/: one file per counter, filled in by kslab_sysfs_init(). */
static ssize_t counter_show(struct kslab_cache *cache,
			    const struct kslab_attr *ka, char *buf)
{
	struct kslab_cache_stats st;

	kslab_cache_stats(cache, &st);
	return sysfs_emit(buf, "%llu\n", st.counters[ka->counter]);
}

static struct kslab_attr kslab_counter_attr[KSLAB_CNT_NR];
static struct attribute *kslab_counter_attrs[KSLAB_CNT_NR + 1];

static const struct attribute_group kslab_counter_group = {
	.name = "counters",
	.attrs = kslab_counter_attrs,
};

static const struct attribute_group *kslab_groups[] = {
	&kslab_group,
	&kslab_counter_group,
	NULL,
};

/* ---- the kobject ---- */

static ssize_t kslab_attr_show(struct kobject *kobj, struct attribute *attr,
			       char *buf)
{
	struct kslab_attr *ka = container_of(attr, struct kslab_attr, attr);

	return ka->show(kslab_kobj_cache(kobj), ka, buf);
}

static ssize_t kslab_attr_store(struct kobject *kobj, struct attribute *attr,
				const char *buf, size_t len)
{
	struct kslab_attr *ka = container_of(attr, struct kslab_attr, attr);

	if (!ka->store)
		return -EIO;
	return ka->store(kslab_kobj_cache(kobj), buf, len);
}

static const struct sysfs_ops kslab_sysfs_ops = {
	.show = kslab_attr_show,
	.store = kslab_attr_store,
};

/* The last reference is gone: the cache may be long gone too. */
static void kslab_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct kslab_kobj, kobj));
}

static const struct kobj_type kslab_ktype = {
	.release = kslab_kobj_release,
	.sysfs_ops = &kslab_sysfs_ops,
	.default_groups = kslab_groups,
};

/**
 * kslab_sysfs_add_cache() - create a cache's directory in /sys/kernel/kslab.
 * @cache: the cache, fully set up.
 * @name: the directory's name, unique among the live caches.
 *
 * A cache whose directory cannot be made works as well without it (as
 * without its debugfs directory): the failure is logged and @cache->kobj
 * left NULL.
 *
 * Context: task context; sleeps.
 */
void kslab_sysfs_add_cache(struct kslab_cache *cache, const char *name)
{
	struct kslab_kobj *kk;
	int err;

	kk = kzalloc(sizeof(*kk), GFP_KERNEL | cache->gfp);
	if (!kk) {
		err = -ENOMEM;
		goto fail;
	}
	kk->cache = cache;
	kk->kobj.kset = kslab_kset;
	err = kobject_init_and_add(&kk->kobj, &kslab_ktype, NULL, "%s", name);
	if (err) {
		kobject_put(&kk->kobj);
		goto fail;
	}
	kobject_uevent(&kk->kobj, KOBJ_ADD);
	cache->kobj = &kk->kobj;
	return;

fail:
	pr_warn_ratelimited("kslab %s: no directory in /sys/kernel/kslab (%d)\n",
			    name, err);
}

/**
 * kslab_sysfs_remove_cache() - remove a cache's directory; waits for the
 *	file handlers that are running.
 * @cache: the cache.
 *
 * When this returns no handler runs on @cache, nor will (see the comment
 * at the top of this file).
 *
 * Context: task context; sleeps; no lock a handler takes (cache->mutex)
 * may be held.
 */
void kslab_sysfs_remove_cache(struct kslab_cache *cache)
{
	struct kobject *kobj = cache->kobj;

	if (!kobj)
		return;
	cache->kobj = NULL;
	kobject_uevent(kobj, KOBJ_REMOVE);
	kobject_del(kobj);
	kobject_put(kobj);
}

/**
 * kslab_sysfs_init() - create /sys/kernel/kslab.
 *
 * Context: module init; sleeps.
 * Return: 0 or -ENOMEM.
 */
int kslab_sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < KSLAB_CNT_NR; i++) {
		struct kslab_attr *ka = &kslab_counter_attr[i];

		sysfs_attr_init(&ka->attr);
		ka->attr.name = kslab_counter_name(i);
		ka->attr.mode = 0400;
		ka->show = counter_show;
		ka->counter = i;
		kslab_counter_attrs[i] = &ka->attr;
	}
	kslab_kset = kset_create_and_add("kslab", NULL, kernel_kobj);
	return kslab_kset ? 0 : -ENOMEM;
}

/**
 * kslab_sysfs_exit() - remove /sys/kernel/kslab; every cache is gone.
 *
 * Context: module exit; sleeps.
 */
void kslab_sysfs_exit(void)
{
	kset_unregister(kslab_kset);
}
