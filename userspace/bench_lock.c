// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench: how often a pass meets a contended lock. The kernel fires
 * lock:contention_begin (include/trace/events/lock.h) when a qspinlock
 * takes its slow path and when a mutex, rwsem, percpu-rwsem or rtmutex
 * has to wait, with no CONFIG_LOCK_STAT. A tracefs instance of the
 * client's own holds a hist trigger on the event keyed by the kernel
 * stack: its total counts every contention in the guest during the pass,
 * and the stacks with a kslab function among their innermost frames, below
 * any interrupt or exception entry, count kslab's. The instance goes when
 * the count is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_client.h"

#define LOCK_EVENT	"events/lock/contention_begin"

/* Stack keys: "common_stacktrace" since Linux 6.5, "stacktrace" before. */
static const char *const hist_keys[] = {
	"hist:keys=common_stacktrace", "hist:keys=stacktrace",
};

static int write_str(const char *dir, const char *file, const char *s)
{
	char path[BENCH_LOCK_PATH + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static void lock_why(struct bench_lock *l, const char *what, int err)
{
	snprintf(l->why, sizeof(l->why), "%s%s%s", what, err ? ": " : "",
		 err ? strerror(-err) : "");
}

int bench_lock_begin(struct bench_lock *l)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[BENCH_LOCK_PATH + 64];
	unsigned int i;
	int ret = -ENOENT;

	l->inst[0] = 0;
	l->keys = NULL;
	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/instances", roots[i]);
		if (!access(path, F_OK))
			break;
	}
	if (i == ARRAY_SIZE(roots)) {
		lock_why(l, "no tracefs at /sys/kernel/tracing or /sys/kernel/debug/tracing", 0);
		return -ENOENT;
	}
	snprintf(l->inst, sizeof(l->inst), "%s/instances/kslab-bench-%d",
		 roots[i], (int)getpid());
	if (mkdir(l->inst, 0700)) {
		ret = -errno;
		lock_why(l, ret == -EACCES || ret == -EPERM ?
			 "a tracefs instance needs root" :
			 "making a tracefs instance", ret);
		l->inst[0] = 0;
		return ret;
	}
	snprintf(path, sizeof(path), "%s/%s", l->inst, LOCK_EVENT);
	if (access(path, F_OK)) {
		lock_why(l, "the kernel has no lock:contention_begin event", 0);
		bench_lock_end(l);
		return -ENOENT;
	}
	/*
	 * The trigger soft-enables the event: nothing goes to the buffer.
	 * With record-cmd on, enabling it would also hook sched_switch for
	 * the command names, patching __schedule() as well (an RT guest under
	 * TCG died of an int3 there once): the instance needs no names.
	 */
	write_str(l->inst, "options/record-cmd", "0");
	for (i = 0; ret && i < ARRAY_SIZE(hist_keys); i++) {
		ret = write_str(path, "trigger", hist_keys[i]);
		if (!ret)
			l->keys = hist_keys[i];
	}
	if (ret) {
		lock_why(l, "a hist trigger on lock:contention_begin (CONFIG_HIST_TRIGGERS)",
			 ret);
		bench_lock_end(l);
	}
	return ret;
}

/* "NAME: N" anywhere in @line, N in @v; false without it. */
static bool field(const char *line, const char *name, uint64_t *v)
{
	const char *p = strstr(line, name);

	if (!p)
		return false;
	*v = strtoull(p + strlen(name), NULL, 10);
	return true;
}

/*
 * The hist file: each stack, its frames one a line ("sym+off/size [mod]"),
 * innermost first, then "} hitcount: N"; at the end "Hits: N" (the events
 * counted in the table) and "Dropped: N" (those that found no room in it).
 * A stack is kslab's when a kslab frame comes before any entry of an
 * interrupt or exception (asm_*, on x86): a timer tick that lands in kslab
 * and waits for the runqueue lock is not kslab's contention.
 */
static int read_hist(const char *path, struct bench_lock *l)
{
	char line[512];
	bool in_kslab = false, entry = false, hits = false, drops = false;
	uint64_t v, dropped = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	l->events = 0;
	l->kslab_events = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '{') {
			in_kslab = false;
			entry = false;
		} else if (strstr(line, " asm_")) {
			entry = true;
		} else if (!entry && strstr(line, " [kslab]")) {
			in_kslab = true;
		}
		if (field(line, "} hitcount:", &v) && in_kslab)
			l->kslab_events += v;
		if (field(line, "    Hits:", &v)) {
			l->events = v;
			hits = true;
		}
		if (field(line, "    Dropped:", &dropped))
			drops = true;
	}
	fclose(f);
	if (!hits || !drops)
		return -EIO;
	/* Whose stacks found no room is unknown: so is kslab's count. */
	l->events += dropped;
	l->kslab_known = !dropped;
	return 0;
}

int bench_lock_end(struct bench_lock *l)
{
	char path[BENCH_LOCK_PATH + 64], off[64];
	int ret = 0;

	if (!l->inst[0])
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s/hist", l->inst, LOCK_EVENT);
	if (l->keys) {
		ret = read_hist(path, l);
		if (ret)
			lock_why(l, "reading the hist of lock:contention_begin",
				 ret);
		snprintf(off, sizeof(off), "!%s", l->keys);
		path[strlen(path) - strlen("/hist")] = 0;
		write_str(path, "trigger", off);
	}
	rmdir(l->inst);
	l->inst[0] = 0;
	return l->keys ? ret : -ENOENT;
}
