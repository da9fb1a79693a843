// SPDX-License-Identifier: GPL-2.0
/*
 * kslabinfo: a report of the kslab caches, one line per directory of
 * /sys/kernel/kslab, in the manner of the kernel's tools/mm/slabinfo for
 * /sys/kernel/slab. See Documentation/userspace-api.rst.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KSLAB_SYSFS	"/sys/kernel/kslab"

static const char *const usage_text =
"usage: kslabinfo [-n | -s] [-T] [-d DIR]\n"
"  one line per kslab cache of " KSLAB_SYSFS ":\n"
"  Name (<name>.<id>), Objects (rented out), Objsize (bytes), Space (the\n"
"  cache's slabs), Slabs/Part (slabs, partial slabs), O/S (objects per\n"
"  slab), O (order), Mag (magazine size), Rents, Hit% (rents served by a\n"
"  CPU's magazines), SlabAlloc (slabs allocated)\n"
"  -n       sort by name (the default)\n"
"  -s       sort by size (Space), largest first\n"
"  -T       a totals line after the caches\n"
"  -d DIR   read DIR instead of " KSLAB_SYSFS "\n"
"  -h       this text\n";

/* One cache's files. */
struct cache {
	char name[256];
	uint64_t object_size, objs_per_slab, order, slabs, partial;
	uint64_t objects, total_objects, magazine_size;
	uint64_t rent, rent_loaded, rent_previous, slab_alloc;
	uint64_t space;
};

static long page_size;

/* Read the number in DIR/CACHE/FILE into *v: 0, or -errno. */
static int read_u64(const char *dir, const char *cache, const char *file,
		    uint64_t *v)
{
	char path[4096];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, cache, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	errno = 0;
	if (fscanf(f, "%" SCNu64, v) != 1)
		ret = errno ? -errno : -EPROTO;
	fclose(f);
	return ret;
}

/*
 * Fill *c from DIR/NAME: 0, -ENOENT or -ENODEV when the cache went away
 * while it was read, another -errno naming what failed in *what.
 */
static int read_cache(const char *dir, const char *name, struct cache *c,
		      const char **what)
{
	const struct {
		const char *file;
		uint64_t *v;
	} files[] = {
		{ "object_size", &c->object_size },
		{ "objs_per_slab", &c->objs_per_slab },
		{ "order", &c->order },
		{ "slabs", &c->slabs },
		{ "partial", &c->partial },
		{ "objects", &c->objects },
		{ "total_objects", &c->total_objects },
		{ "magazine_size", &c->magazine_size },
		{ "counters/rent", &c->rent },
		{ "counters/rent_loaded", &c->rent_loaded },
		{ "counters/rent_previous", &c->rent_previous },
		{ "counters/slab_alloc", &c->slab_alloc },
	};
	unsigned int i;
	int ret;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ret = read_u64(dir, name, files[i].file, files[i].v);
		if (ret) {
			*what = files[i].file;
			return ret;
		}
	}
	c->space = (c->slabs * (uint64_t)page_size) << c->order;
	return 0;
}

/* N bytes as slabinfo prints them: 1023, 1.0K, 45.3M... */
static void human(uint64_t n, char *buf, size_t len)
{
	const char *unit = "KMGTPE";
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64, n);
		return;
	}
	while (v >= 1024 && unit[u + 1]) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f%c", v, unit[u]);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cache *)a)->name,
		      ((const struct cache *)b)->name);
}

static int by_size(const void *a, const void *b)
{
	const struct cache *x = a, *y = b;

	if (x->space != y->space)
		return x->space < y->space ? 1 : -1;
	return by_name(a, b);
}

static void print_line(const struct cache *c, int width)
{
	char space[32], sp[48], hit[16];
	uint64_t hits = c->rent_loaded + c->rent_previous;

	human(c->space, space, sizeof(space));
	snprintf(sp, sizeof(sp), "%" PRIu64 "/%" PRIu64, c->slabs, c->partial);
	if (c->rent)
		snprintf(hit, sizeof(hit), "%.0f", 100.0 * hits / c->rent);
	else
		snprintf(hit, sizeof(hit), "-");
	printf("%-*s %9" PRIu64 " %7" PRIu64 " %8s %11s %4" PRIu64
	       " %2" PRIu64 " %4" PRIu64 " %10" PRIu64 " %4s %9" PRIu64 "\n",
	       width, c->name, c->objects, c->object_size, space, sp,
	       c->objs_per_slab, c->order, c->magazine_size, c->rent, hit,
	       c->slab_alloc);
}

int main(int argc, char **argv)
{
	int (*cmp)(const void *, const void *) = by_name;
	const char *dir = KSLAB_SYSFS, *what;
	struct cache *caches = NULL, *more, total;
	size_t n = 0, cap = 0, i;
	int width = 4, totals = 0, opt, ret;
	struct dirent *de;
	char space[32];
	DIR *d;

	while ((opt = getopt(argc, argv, "nsTd:h")) != -1) {
		switch (opt) {
		case 'n':
			cmp = by_name;
			break;
		case 's':
			cmp = by_size;
			break;
		case 'T':
			totals = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kslabinfo: unexpected argument '%s'\n%s",
			argv[optind], usage_text);
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "kslabinfo: %s: %s%s\n", dir, strerror(errno),
			errno == ENOENT ? " (is kslab.ko loaded?)" : "");
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			more = realloc(caches, cap * sizeof(*caches));
			if (!more) {
				fprintf(stderr, "kslabinfo: out of memory\n");
				return 1;
			}
			caches = more;
		}
		ret = read_cache(dir, de->d_name, &caches[n], &what);
		/* A cache destroyed while it was read is left out. */
		if (ret == -ENOENT || ret == -ENODEV)
			continue;
		if (ret) {
			fprintf(stderr, "kslabinfo: %s/%s/%s: %s\n", dir,
				de->d_name, what, strerror(-ret));
			return 1;
		}
		if ((int)strlen(caches[n].name) > width)
			width = strlen(caches[n].name);
		n++;
	}
	closedir(d);
	qsort(caches, n, sizeof(*caches), cmp);

	printf("%-*s %9s %7s %8s %11s %4s %2s %4s %10s %4s %9s\n", width,
	       "Name", "Objects", "Objsize", "Space", "Slabs/Part", "O/S", "O",
	       "Mag", "Rents", "Hit%", "SlabAlloc");
	memset(&total, 0, sizeof(total));
	for (i = 0; i < n; i++) {
		print_line(&caches[i], width);
		total.objects += caches[i].objects;
		total.space += caches[i].space;
		total.slabs += caches[i].slabs;
		total.partial += caches[i].partial;
		total.rent += caches[i].rent;
		total.slab_alloc += caches[i].slab_alloc;
	}
	if (totals) {
		human(total.space, space, sizeof(space));
		printf("Total: %zu caches, %" PRIu64 " objects, %s space, %"
		       PRIu64 " slabs (%" PRIu64 " partial), %" PRIu64
		       " rents, %" PRIu64 " slabs allocated\n", n,
		       total.objects, space, total.slabs, total.partial,
		       total.rent, total.slab_alloc);
	}
	free(caches);
	return 0;
}
