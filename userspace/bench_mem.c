// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench memory rows: read a cache's row of /proc/slabinfo (kmem_cache
 * and mempool caches, KSLAB_SLABINFO_PREFIX "<name>") or /proc/kslabinfo
 * (kslab caches, same slabinfo 2.1 format; libkslab parses both), and ask
 * both kinds of cache to give memory back: SLUB through
 * /sys/kernel/slab/<name>/shrink, kslab through its shrinker (drop_caches
 * runs every registered shrinker).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench_client.h"

/**
 * bench_mem_read() - the slab figures of cache @cache into @r.
 * @backend: the cache's &enum kslab_backend, which says where it is listed.
 * @cache: the name given to CACHE_CREATE.
 * @r: gets stride, objects and pages per slab, slabs.
 * @pages: gets the pages the cache holds.
 *
 * Return: 0, -ENOENT when its file has no row of the cache (or caches of
 * @backend are in no file), another negative errno when the file cannot
 * be read or parsed.
 */
int bench_mem_read(unsigned int backend, const char *cache,
		   struct bench_result *r, uint64_t *pages)
{
	char name[KSLAB_SLABINFO_ROW_MAX];
	struct kslab_slabinfo row;
	const char *path;
	int ret;

	path = kslab_slabinfo_locate(backend, cache, name, sizeof(name));
	if (!path)
		return -ENOENT;
	ret = kslab_slabinfo_find(path, name, &row);
	if (ret)
		return ret;
	r->stride = row.objsize;
	r->objects_per_slab = row.objperslab;
	r->pages_per_slab = row.pagesperslab;
	r->slabs = row.num_slabs;
	*pages = (uint64_t)row.num_slabs * row.pagesperslab;
	return 0;
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

	snprintf(path, sizeof(path),
		 "/sys/kernel/slab/" KSLAB_SLABINFO_PREFIX "%s/shrink", cache);
	write_file(path, "1");
	write_file("/proc/sys/vm/drop_caches", "2");
}
