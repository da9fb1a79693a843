// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench context: what the client can see of the machine it runs on
 * (kernel, CPUs, NUMA nodes, command line, clock), for the context block
 * of the JSON. What only the host knows (the commit benched, how QEMU ran)
 * comes from --commit, --platform and --icount-shift.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench_client.h"

/* The first line of @path into @buf, without its newline; "" if none. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	fclose(f);
	/* /proc/cmdline ends in a space before its newline */
	buf[strcspn(buf, "\n")] = '\0';
	while (buf[0] && buf[strlen(buf) - 1] == ' ')
		buf[strlen(buf) - 1] = '\0';
}

/* @word is one of the blank-separated words of @list. */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
			return true;
	return false;
}

/* The value of the first /proc/cpuinfo line "@key<tabs>: value", or "". */
static void cpuinfo_value(FILE *f, const char *key, char *buf, size_t len)
{
	char line[4096], *colon;
	size_t k = strlen(key);

	buf[0] = '\0';
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, k) || !strchr("\t :", line[k]))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		return;
	}
}

/* Entries of a sysfs range list such as "0-1,3"; 0 if it cannot be read. */
static unsigned int range_count(const char *list)
{
	unsigned int n = 0;
	const char *p = list;
	char *end;

	while (*p) {
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			return 0;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (b < a)
			return 0;
		n += b - a + 1;
		if (*end != ',')
			break;
		p = end + 1;
	}
	return n;
}

void bench_context_read(struct bench_context *c)
{
	char flags[4096], nodes[256];
	time_t now = time(NULL);
	struct utsname u;
	FILE *f;

	memset(c, 0, sizeof(*c));
	strftime(c->date, sizeof(c->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (!uname(&u)) {
		snprintf(c->kernel, sizeof(c->kernel), "%s", u.release);
		snprintf(c->arch, sizeof(c->arch), "%s", u.machine);
	}
	read_line("/proc/cmdline", c->cmdline, sizeof(c->cmdline));
	f = fopen("/proc/cpuinfo", "r");
	if (f) {
		cpuinfo_value(f, "model name", c->cpu_model,
			      sizeof(c->cpu_model));
		cpuinfo_value(f, "flags", flags, sizeof(flags));
		c->hypervisor = has_word(flags, "hypervisor");
		fclose(f);
	}
	c->cpus_online = sysconf(_SC_NPROCESSORS_ONLN);
	/* a kernel without CONFIG_NUMA has no node directory: one node */
	read_line("/sys/devices/system/node/online", nodes, sizeof(nodes));
	c->numa_nodes = range_count(nodes) ?: 1;
}

const char *bench_platform(const struct bench_context *c,
			   const struct bench_opts *o)
{
	if (o->platform)
		return o->platform;
	return c->hypervisor ? "vm" : "bare-metal";
}
