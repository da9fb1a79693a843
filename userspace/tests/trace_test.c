// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: kslab's trace events. In a tracefs instance of its own, with
 * kslab:kslab_rent, kslab:kslab_return and kslab:kslab_slab_alloc enabled,
 * NR_OBJS rents and NR_OBJS returns through /dev/kslab leave exactly
 * NR_OBJS events of each for the cache's name, at least one slab
 * allocation, and layers as the paths go; disabled, they leave none.
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("enables trace events in tracefs");

#define NR_OBJS		40
#define LINE_MAX_LEN	512

/*
 * The tracefs mount: /sys/kernel/tracing (mounted here when it is not),
 * else the one debugfs shows. NULL when the kernel has no tracing.
 */
static const char *tracefs(void)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/instances", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
		if (!i && !access(dirs[i], F_OK) &&
		    !mount("nodev", dirs[i], "tracefs", 0, NULL) &&
		    !access(path, F_OK))
			return dirs[i];
	}
	return NULL;
}

/* What the events of one cache say, counted from an instance's trace. */
struct counts {
	unsigned int rent, ret, slab_alloc;
	unsigned int rent_layer[5], ret_layer[5];
	char first_rent_layer[16];
	unsigned int bad_layer;
};

static const char * const layers[] = {
	"loaded", "previous", "depot", "slab", "busy",
};

/* Index of the "layer=" of @line in layers[], or -1. */
static int layer_of(const char *line, char *word, size_t len)
{
	const char *p = strstr(line, " layer=");
	unsigned int i;

	if (!p)
		return -1;
	snprintf(word, len, "%s", p + 7);
	word[strcspn(word, " \n")] = 0;
	for (i = 0; i < 5; i++)
		if (!strcmp(word, layers[i]))
			return i;
	return -1;
}

/* Count the events of the cache @name in the trace file @path. */
static int count_events(const char *path, const char *name, struct counts *c)
{
	char line[LINE_MAX_LEN], want[KSLAB_NAME_MAX + 16], word[16];
	FILE *f = fopen(path, "re");
	int layer;

	if (!f)
		return -errno;
	memset(c, 0, sizeof(*c));
	snprintf(want, sizeof(want), " cache=%s ", name);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, want))
			continue;
		if (strstr(line, " kslab_slab_alloc: ")) {
			c->slab_alloc++;
			continue;
		}
		layer = layer_of(line, word, sizeof(word));
		if (strstr(line, " kslab_rent: ")) {
			if (!c->rent++)
				snprintf(c->first_rent_layer,
					 sizeof(c->first_rent_layer), "%s",
					 word);
			if (layer >= 0)
				c->rent_layer[layer]++;
		} else if (strstr(line, " kslab_return: ")) {
			c->ret++;
			if (layer >= 0)
				c->ret_layer[layer]++;
		} else {
			continue;
		}
		if (layer < 0)
			c->bad_layer++;
	}
	fclose(f);
	return 0;
}

FIXTURE(trace) {
	int fd;
	int id;
	char name[KSLAB_NAME_MAX];
	char inst[256];
	char trace[300];
	uint64_t h[NR_OBJS];
};

FIXTURE_VARIANT(trace) {
	unsigned int backend;
};

FIXTURE_VARIANT_ADD(trace, kslab) {
	.backend = KSLAB_BACKEND_KSLAB,
};

FIXTURE_VARIANT_ADD(trace, kslab_locked) {
	.backend = KSLAB_BACKEND_LOCKED,
};

/* Write "0" or "1" to the enable file of kslab:@event in the instance. */
static int event_enable(const char *inst, const char *event, int on)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/events/kslab/%s/enable", inst, event);
	return write_file(path, on ? "1" : "0");
}

static int events_enable(const char *inst, int on)
{
	return event_enable(inst, "kslab_rent", on) ?:
	       event_enable(inst, "kslab_return", on) ?:
	       event_enable(inst, "kslab_slab_alloc", on);
}

FIXTURE_SETUP(trace)
{
	const char *root = tracefs();

	self->inst[0] = 0;
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	if (!root)
		SKIP(return, "no tracefs: the kernel has no CONFIG_TRACING");
	snprintf(self->inst, sizeof(self->inst), "%s/instances/kslab-%d",
		 root, (int)getpid());
	ASSERT_EQ(0, mkdir(self->inst, 0700)) TH_LOG("%s: %s", self->inst,
						    strerror(errno));
	snprintf(self->trace, sizeof(self->trace), "%s/trace", self->inst);
	ASSERT_EQ(0, events_enable(self->inst, 1));
	/* Created with the events on: a new cache is traced from its start. */
	self->id = kslab_dev_cache_create(self->fd, variant->backend,
					  test_name(self->name,
						    sizeof(self->name), "tr"),
					  64, 0);
	ASSERT_LT(0, self->id);
}

FIXTURE_TEARDOWN(trace)
{
	if (self->inst[0]) {
		events_enable(self->inst, 0);
		rmdir(self->inst);
	}
	kslab_dev_close(self->fd);
}

TEST_F(trace, rents_and_returns)
{
	uint64_t more[NR_OBJS];
	struct kslab_stats st;
	struct counts c;
	uint64_t loaded;
	unsigned int i;

	ASSERT_EQ(NR_OBJS, kslab_dev_rent(self->fd, self->id, self->h,
					   NR_OBJS));
	ASSERT_EQ(NR_OBJS, kslab_dev_return(self->fd, self->id, self->h,
					     NR_OBJS));
	ASSERT_EQ(0, events_enable(self->inst, 0));

	ASSERT_EQ(0, count_events(self->trace, self->name, &c));
	EXPECT_EQ(NR_OBJS, c.rent);
	EXPECT_EQ(NR_OBJS, c.ret);
	EXPECT_LE(1, c.slab_alloc);
	EXPECT_EQ(0, c.bad_layer);
	/* A new cache has nothing cached: its first rent is from a slab. */
	EXPECT_STREQ("slab", c.first_rent_layer);
	if (variant->backend == KSLAB_BACKEND_KSLAB) {
		/* A slab refills the loaded magazine: the next rents pop it. */
		EXPECT_LE(1, c.rent_layer[0]);
		EXPECT_LE(1, c.ret_layer[0]);
	} else {
		/* KSLAB_LOCKED: returns go to the shared magazine. */
		EXPECT_EQ(NR_OBJS, c.ret_layer[2]);
	}
	for (i = 0; i < 5; i++)
		TH_LOG("%s: %u rents, %u returns", layers[i], c.rent_layer[i],
		       c.ret_layer[i]);

	/* Disabled: no more events, and the loaded magazine serves again. */
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	loaded = st.counters[KSLAB_STAT_RENT_LOADED];
	ASSERT_EQ(NR_OBJS, kslab_dev_rent(self->fd, self->id, more, NR_OBJS));
	ASSERT_EQ(NR_OBJS, kslab_dev_return(self->fd, self->id, more,
					     NR_OBJS));
	ASSERT_EQ(0, count_events(self->trace, self->name, &c));
	EXPECT_EQ(NR_OBJS, c.rent);
	EXPECT_EQ(NR_OBJS, c.ret);
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	if (variant->backend == KSLAB_BACKEND_KSLAB)
		EXPECT_LT(loaded, st.counters[KSLAB_STAT_RENT_LOADED]);
}

TEST_HARNESS_MAIN
