// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench memory rows: read a cache's row of /proc/slabinfo (kmem_cache
 * and mempool caches, "kslab-<name>") or /proc/kslabinfo (kslab caches,
 * same slabinfo 2.1 format; libkslab parses both), and ask both kinds of
 * cache to give memory back: SLUB through /sys/kernel/slab/<name>/shrink,
 * kslab through its shrinker (drop_caches runs every registered shrinker).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench_client.h"

static const char *const slabinfo_files[] = {
	"/proc/slabinfo", "/proc/kslabinfo",
};

/* The row of @name in @path, parsed by libkslab: 0 or a negative errno. */
static int slabinfo_row(const char *path, const char *name,
			struct bench_result *r, uint64_t *pages)
{
	struct kslab_slabinfo row;
	int ret = kslab_slabinfo_find(path, name, &row);

	if (ret)
		return ret;
	r->stride = row.objsize;
	r->objects_per_slab = row.objperslab;
	r->pages_per_slab = row.pagesperslab;
	r->slabs = row.num_slabs;
	*pages = (uint64_t)row.num_slabs * row.pagesperslab;
	return 0;
}

/**
 * bench_mem_read() - the slab figures of cache @cache into @r.
 * @cache: the name given to CACHE_CREATE.
 * @r: gets stride, objects and pages per slab, slabs.
 * @pages: gets the pages the cache holds.
 *
 * Return: 0, or -ENOENT when neither file has the cache.
 */
int bench_mem_read(const char *cache, struct bench_result *r,
		   uint64_t *pages)
{
	char name[KSLAB_NAME_MAX + 8];
	unsigned int i;

	for (i = 0; i < sizeof(slabinfo_files) / sizeof(slabinfo_files[0]); i++) {
		snprintf(name, sizeof(name), "kslab-%s", cache);
		if (!slabinfo_row(slabinfo_files[i], name, r, pages) ||
		    !slabinfo_row(slabinfo_files[i], cache, r, pages))
			return 0;
	}
	return -ENOENT;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

/**
 * bench_mem_shrink() - ask the cache @cache to give its free memory back.
 * @cache: the name given to CACHE_CREATE.
 */
void bench_mem_shrink(const char *cache)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/slab/kslab-%s/shrink", cache);
	write_file(path, "1");
	write_file("/proc/sys/vm/drop_caches", "2");
}
