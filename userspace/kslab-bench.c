// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench: rent/return round trips of every kslab backend against
 * kmem_cache, side by side, in the kernel (KSLAB_IOC_BENCH) and through
 * the ioctl path (RENT/RETURN and RENT_ONE/RETURN_ONE against NOP). See
 * Documentation/benchmarks.rst.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_client.h"

/* hold-N and bulk rows whose objects would exceed this are left out */
#define BENCH_MAX_HELD_BYTES	(64U << 20)

static const char *const usage_text =
"usage: kslab-bench [options]\n"
"  --backends LIST   kslab,kslab-locked,kmem_cache,kmalloc,mempool,objpool (default: all the module has)\n"
"  --patterns LIST   burn,hold,cross,all,bulk,ioctl,memory (default: all)\n"
"  --sizes LIST      object sizes in bytes (default 64,512,1024,65536)\n"
"  --holds LIST      N of hold-N (default 1,16,256,4096)\n"
"  --bulks LIST      batches of bulk (default 1,16,64,256)\n"
"  --cpus LIST       CPU counts of all-CPUs (default 1..online CPUs)\n"
"  --threads LIST    threads of the threaded ioctl cases (RENT_ONE +\n"
"                    RETURN_ONE), on one file and with a file each\n"
"                    (default 1,online CPUs)\n"
"  --all-sizes       hold, cross, all-CPUs, bulk and ioctl cases at every size (default: the first)\n"
"  --reps R          repetitions after the warm-up (default 10, at most 64)\n"
"  --target-ms MS    time one repetition aims at (default 40)\n"
"  --max-iters N     iterations per repetition at most (default 2^24)\n"
"  --unit ns|instr   what kernel time counts (instr under QEMU -icount shift=0)\n"
"  --json FILE       write JSON (- for stdout)\n"
"  --csv FILE        write CSV (- for stdout)\n"
"  --progress        progress line on stderr even when it is not a terminal\n"
"  --quiet           no table\n"
"  --require-all     fail when a command is missing (-ENOTTY) or a backend the\n"
"                    module lists in VERSION answers -EOPNOTSUPP\n"
"  --device PATH     default " KSLAB_DEVICE_PATH "\n"
"  --commit DESC     what was built (git describe), for the JSON's context\n"
"  --platform NAME   bare-metal, vm, qemu-tcg or qemu-kvm, for the JSON's context\n"
"                    (default: vm when the CPU has the hypervisor flag, else bare-metal)\n"
"  --icount-shift N  QEMU ran with -icount shift=N (needs --platform qemu-tcg)\n"
"  -h, --help        this text\n"
"  --version         the client's ABI version\n";

/* ================== Options ================== */

static int parse_list(const char *arg, struct bench_list *l)
{
	char *copy = strdup(arg), *tok, *save, *end;

	if (!copy)
		return -ENOMEM;
	l->n = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned long v = strtoul(tok, &end, 0);

		if (*end || !v || v > (1UL << 20) || l->n == BENCH_MAX_LIST) {
			free(copy);
			return -EINVAL;
		}
		l->v[l->n++] = v;
	}
	free(copy);
	return l->n ? 0 : -EINVAL;
}

static int parse_names(const char *arg, const char *(*name)(unsigned int),
		       unsigned int nr, uint64_t *mask)
{
	char *copy = strdup(arg), *tok, *save;
	unsigned int i;

	if (!copy)
		return -ENOMEM;
	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < nr && strcmp(tok, name(i)); i++)
			;
		if (i == nr) {
			free(copy);
			return -EINVAL;
		}
		*mask |= 1ULL << i;
	}
	free(copy);
	return 0;
}

/* --patterns names: each turns on some kinds. */
static const char *const pattern_names[] = {
	"burn", "hold", "cross", "all", "bulk", "ioctl", "memory",
};

static const unsigned int pattern_kinds[] = {
	(1U << BK_BURN) | (1U << BK_EMPTY), 1U << BK_HOLD, 1U << BK_CROSS,
	1U << BK_ALL,
	1U << BK_BULK,
	(1U << BK_COPY) | (1U << BK_NOP) | (1U << BK_RT) | (1U << BK_RTO) |
	(1U << BK_RTW) | (1U << BK_RTT_SHARED) | (1U << BK_RTT_OWN),
	1U << BK_MEM,
};

#define NR_PATTERNS	ARRAY_SIZE(pattern_names)

static const char *pattern_name(unsigned int i)
{
	return pattern_names[i];
}

static unsigned int kinds_of(uint64_t patterns)
{
	unsigned int kinds = 0, i;

	for (i = 0; i < NR_PATTERNS; i++)
		if (patterns & (1ULL << i))
			kinds |= pattern_kinds[i];
	return kinds;
}

static void default_opts(struct bench_opts *o)
{
	static const struct bench_list sizes = { 4, { 64, 512, 1024, 65536 } };
	static const struct bench_list holds = { 4, { 1, 16, 256, 4096 } };
	static const struct bench_list bulks = { 4, { 1, 16, 64, 256 } };
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->backends = (1ULL << KSLAB_BACKEND_NR) - 1;
	o->kinds = (1U << BK_NR) - 1;
	o->sizes = sizes;
	o->holds = holds;
	o->bulks = bulks;
	for (i = 1; i <= online && i <= BENCH_MAX_LIST; i++)
		o->cpus.v[o->cpus.n++] = i;
	o->threads.v[o->threads.n++] = 1;
	if (online > 1)
		o->threads.v[o->threads.n++] = online;
	o->reps = 10;
	o->target_ms = 40;
	o->max_iters = KSLAB_BENCH_MAX_ITERATIONS;
	o->unit = "ns";
	o->progress = isatty(STDERR_FILENO);
	o->device = KSLAB_DEVICE_PATH;
	o->icount_shift = -1;
}

enum { O_BACKENDS = 256, O_PATTERNS, O_SIZES, O_HOLDS, O_BULKS, O_CPUS,
	O_ALL_SIZES, O_REPS, O_TARGET, O_MAX_ITERS, O_UNIT, O_JSON, O_CSV,
	O_PROGRESS, O_QUIET, O_REQUIRE_ALL, O_DEVICE, O_COMMIT, O_PLATFORM,
	O_ICOUNT_SHIFT, O_THREADS, O_HELP = 'h',
	O_VERSION = 257 + 32 };

static const struct option long_opts[] = {
	{ "backends", required_argument, NULL, O_BACKENDS },
	{ "patterns", required_argument, NULL, O_PATTERNS },
	{ "sizes", required_argument, NULL, O_SIZES },
	{ "holds", required_argument, NULL, O_HOLDS },
	{ "bulks", required_argument, NULL, O_BULKS },
	{ "cpus", required_argument, NULL, O_CPUS },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "all-sizes", no_argument, NULL, O_ALL_SIZES },
	{ "reps", required_argument, NULL, O_REPS },
	{ "target-ms", required_argument, NULL, O_TARGET },
	{ "max-iters", required_argument, NULL, O_MAX_ITERS },
	{ "unit", required_argument, NULL, O_UNIT },
	{ "json", required_argument, NULL, O_JSON },
	{ "csv", required_argument, NULL, O_CSV },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "require-all", no_argument, NULL, O_REQUIRE_ALL },
	{ "device", required_argument, NULL, O_DEVICE },
	{ "commit", required_argument, NULL, O_COMMIT },
	{ "platform", required_argument, NULL, O_PLATFORM },
	{ "icount-shift", required_argument, NULL, O_ICOUNT_SHIFT },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* --platform names: what the host knows of the machine the client runs on */
static const char *const platform_names[] = {
	"bare-metal", "vm", "qemu-tcg", "qemu-kvm",
};

#define NR_PLATFORMS	ARRAY_SIZE(platform_names)

static const char *platform_name(unsigned int i)
{
	return platform_names[i];
}

static int parse_number(const char *arg, uint64_t max, uint64_t *v)
{
	char *end;

	*v = strtoull(arg, &end, 0);
	return *end || !*v || *v > max ? -EINVAL : 0;
}

static int parse_opt(int c, struct bench_opts *o)
{
	uint64_t v, mask;
	char *end;
	int ret = 0;

	switch (c) {
	case O_BACKENDS:
		return parse_names(optarg, kslab_backend_name, KSLAB_BACKEND_NR,
				   &o->backends);
	case O_PATTERNS:
		ret = parse_names(optarg, pattern_name, NR_PATTERNS, &mask);
		o->kinds = kinds_of(mask);
		return ret;
	case O_SIZES:
		return parse_list(optarg, &o->sizes);
	case O_HOLDS:
		return parse_list(optarg, &o->holds);
	case O_BULKS:
		return parse_list(optarg, &o->bulks);
	case O_CPUS:
		return parse_list(optarg, &o->cpus);
	case O_THREADS:
		return parse_list(optarg, &o->threads);
	case O_ALL_SIZES:
		o->sizes_all = true;
		return 0;
	case O_REPS:
		ret = parse_number(optarg, BENCH_MAX_REPS, &v);
		o->reps = v;
		return ret;
	case O_TARGET:
		ret = parse_number(optarg, 60000, &v);
		o->target_ms = v;
		return ret;
	case O_MAX_ITERS:
		return parse_number(optarg, KSLAB_BENCH_MAX_ITERATIONS,
				    &o->max_iters);
	case O_UNIT:
		o->unit = optarg;
		return strcmp(optarg, "ns") && strcmp(optarg, "instr") ?
			-EINVAL : 0;
	case O_JSON:
		o->json = optarg;
		return 0;
	case O_CSV:
		o->csv = optarg;
		return 0;
	case O_PROGRESS:
		o->progress = true;
		return 0;
	case O_QUIET:
		o->quiet = true;
		return 0;
	case O_REQUIRE_ALL:
		o->require_all = true;
		return 0;
	case O_DEVICE:
		o->device = optarg;
		return 0;
	case O_COMMIT:
		o->commit = optarg;
		return 0;
	case O_PLATFORM:
		ret = parse_names(optarg, platform_name, NR_PLATFORMS, &mask);
		/* one name, not a list */
		if (!ret && (mask & (mask - 1)))
			ret = -EINVAL;
		o->platform = optarg;
		return ret;
	case O_ICOUNT_SHIFT:
		/* QEMU takes shift=0..10 */
		v = strtoull(optarg, &end, 10);
		o->icount_shift = v;
		return *end || end == optarg || v > 10 ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	int c;

	default_opts(o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == O_HELP) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (c == O_VERSION) {
			printf("kslab-bench, ABI version %d\n", KSLAB_ABI_VERSION);
			exit(0);
		}
		if (c == '?' || c == ':') {
			/* optind has moved past the option getopt refused */
			fprintf(stderr, "kslab-bench: unknown option or missing value: %s\n%s",
				argv[optind - 1], usage_text);
			return -EINVAL;
		}
		if (parse_opt(c, o)) {
			/* --opt=value is one word; --opt value two */
			const char *opt = argv[optind - 1];

			if (optarg && optarg == opt && optind >= 2)
				opt = argv[optind - 2];
			fprintf(stderr, "kslab-bench: bad value for %s: %s\n%s",
				opt, optarg ? optarg : "", usage_text);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "kslab-bench: unexpected argument: %s\n%s",
			argv[optind], usage_text);
		return -EINVAL;
	}
	if (o->icount_shift >= 0 &&
	    (!o->platform || strcmp(o->platform, "qemu-tcg"))) {
		fprintf(stderr, "kslab-bench: --icount-shift needs --platform qemu-tcg\n%s",
			usage_text);
		return -EINVAL;
	}
	o->argc = argc - 1;
	o->argv = argv + 1;
	return 0;
}

/* ================== Suite ================== */

static int add(struct bench_results *res, const struct bench_opts *o,
	       enum bench_kind kind, unsigned int backend, unsigned int size,
	       unsigned int param)
{
	struct bench_result *r;

	if (!(o->kinds & (1U << kind)))
		return 0;
	if (res->n == res->cap) {
		unsigned int cap = res->cap ? 2 * res->cap : 64;

		r = realloc(res->r, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		res->r = r;
		res->cap = cap;
	}
	r = &res->r[res->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->backend = backend;
	r->size = size;
	r->param = param;
	return 0;
}

static int add_list(struct bench_results *res, const struct bench_opts *o,
		    enum bench_kind kind, unsigned int backend,
		    unsigned int size, const struct bench_list *l)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < l->n; i++)
		if ((uint64_t)l->v[i] * size <= BENCH_MAX_HELD_BYTES)
			ret = add(res, o, kind, backend, size, l->v[i]);
	return ret;
}

/* A memory row, for the backends whose caches have a slabinfo row. */
static int add_mem(struct bench_results *res, const struct bench_opts *o,
		   unsigned int b, unsigned int size)
{
	if (!((KSLAB_BACKENDS_SLABINFO | KSLAB_BACKENDS_KSLABINFO) &
	      _BITULL(b)))
		return 0;
	return add(res, o, BK_MEM, b, size, BENCH_MEM_ROWS_HELD);
}

/* Every case of one backend at one size except burn. */
static int add_backend(struct bench_results *res, const struct bench_opts *o,
		       unsigned int b, unsigned int size, long online)
{
	int ret;

	ret = add_list(res, o, BK_HOLD, b, size, &o->holds);
	ret = ret ?: add_list(res, o, BK_BULK, b, size, &o->bulks);
	if (online >= 2)
		ret = ret ?: add(res, o, BK_CROSS, b, size, 2);
	ret = ret ?: add_list(res, o, BK_ALL, b, size, &o->cpus);
	ret = ret ?: add(res, o, BK_RT, b, size, 1);
	ret = ret ?: add(res, o, BK_RT, b, size, 64);
	ret = ret ?: add(res, o, BK_RTO, b, size, 1);
	ret = ret ?: add_list(res, o, BK_RTT_SHARED, b, size, &o->threads);
	ret = ret ?: add_list(res, o, BK_RTT_OWN, b, size, &o->threads);
	return ret ?: add(res, o, BK_RTW, b, size, 1);
}

/* A copy row of @bytes unless there is one. */
static int add_copy(struct bench_results *res, const struct bench_opts *o,
		    unsigned int bytes)
{
	if (bench_find(res, BK_COPY, BENCH_NO_BACKEND, bytes, 0))
		return 0;
	return add(res, o, BK_COPY, BENCH_NO_BACKEND, bytes, 0);
}

/*
 * The copies the round trips make besides the object: the argument
 * structs, and the handles of a batch of 1 and of 64.
 */
static int add_copies(struct bench_results *res, const struct bench_opts *o)
{
	return add_copy(res, o, sizeof(struct kslab_batch)) ?:
	       add_copy(res, o, sizeof(struct kslab_obj_io)) ?:
	       add_copy(res, o, sizeof(__u64)) ?:
	       add_copy(res, o, 64 * sizeof(__u64));
}

static int build_suite(struct bench_results *res, const struct bench_opts *o)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int s, b, nsizes = o->sizes_all ? o->sizes.n : 1;
	int ret = 0;

	for (s = 0; !ret && s < o->sizes.n; s++) {
		ret = add_copy(res, o, o->sizes.v[s]) ?:
		      add(res, o, BK_EMPTY, BENCH_NO_BACKEND, o->sizes.v[s], 0);
		for (b = 0; !ret && b < KSLAB_BACKEND_NR; b++)
			if (o->backends & (1ULL << b))
				ret = add(res, o, BK_BURN, b, o->sizes.v[s], 0) ?:
				      add_mem(res, o, b, o->sizes.v[s]);
	}
	/* NOP not first: the guest is still settling right after insmod */
	ret = ret ?: add_copies(res, o);
	ret = ret ?: add(res, o, BK_NOP, BENCH_NO_BACKEND, 0, 0);
	for (s = 0; !ret && s < nsizes; s++)
		for (b = 0; !ret && b < KSLAB_BACKEND_NR; b++)
			if (o->backends & (1ULL << b))
				ret = add_backend(res, o, b, o->sizes.v[s],
						  online);
	return ret;
}

/* ================== Run ================== */

static bool is_kernel_case(enum bench_kind kind)
{
	return kind != BK_NOP && kind != BK_RT && kind != BK_RTW &&
	       kind != BK_MEM && !bench_by_value(kind);
}

static void progress(const struct bench_opts *o, unsigned int i,
		     unsigned int n, const struct bench_result *r)
{
	bool tty = isatty(STDERR_FILENO);

	if (!o->progress)
		return;
	/* a terminal gets one line redrawn, a log one line per case */
	fprintf(stderr, "%s[%u/%u] %s %s %u B %s %u%s", tty ? "\r\033[K" : "",
		i + 1, n, bench_kind_name(r->kind),
		r->backend == BENCH_NO_BACKEND ? "-" :
		kslab_backend_name(r->backend),
		r->size, bench_param_name(r->kind), r->param,
		tty && i + 1 < n ? "" : "\n");
}

static int run_suite(int fd, const struct bench_opts *o,
		     struct bench_results *res)
{
	unsigned int i, errors = 0;

	for (i = 0; i < res->n; i++) {
		struct bench_result *r = &res->r[i];

		progress(o, i, res->n, r);
		r->error = is_kernel_case(r->kind) ?
			bench_kernel_case(fd, o, r) :
			bench_ioctl_case(fd, o, r);
		/* a backend or command this kernel lacks is not a failure */
		if (r->error && (o->require_all ||
				 (r->error != -EOPNOTSUPP &&
				  r->error != -ENOTTY)))
			errors++;
	}
	return errors;
}

static void print_header(FILE *f, const struct bench_opts *o,
			 const struct bench_results *res,
			 const struct bench_context *c)
{
	int zero = bench_init_on_alloc(res);

	fprintf(f, "kslab-bench: kernel %s, %ld CPUs online, init_on_alloc=%s, unit=%s%s\n",
		c->kernel, c->cpus_online,
		zero < 0 ? "?" : zero ? "1" : "0", o->unit,
		strcmp(o->unit, "instr") ? "" :
		" (QEMU -icount shift=0: 1 ns of guest time = 1 instruction)");
	fprintf(f, "statistics: warm-up, then %u repetitions of ~%u ms each; Error = half-width of the 99.9%% confidence interval; Ratio = median / kmem_cache median of the same case\n",
		o->reps, o->target_ms);
}

static int write_outputs(const struct bench_opts *o,
			 const struct bench_results *res,
			 const struct bench_context *c)
{
	int ret = 0;

	if (!o->quiet) {
		print_header(stdout, o, res, c);
		bench_table(stdout, res, o, c);
		bench_breakdown(stdout, res, o);
		bench_targets(stdout, res, o);
	}
	if (o->json)
		ret = bench_json(o->json, res, o, c);
	if (!ret && o->csv)
		ret = bench_csv(o->csv, res, o);
	return ret;
}

int main(int argc, char **argv)
{
	struct bench_results res = { 0 };
	struct kslab_version ver;
	struct bench_context ctx;
	struct bench_opts o;
	int fd, ret, errors;

	if (parse_opts(argc, argv, &o))
		return 2;
	bench_context_read(&ctx);
	fd = kslab_dev_open(o.device);
	if (fd < 0) {
		fprintf(stderr, "kslab-bench: %s: %s\n", o.device, strerror(-fd));
		return 1;
	}
	ret = kslab_dev_version(fd, &ver);
	/* the module says which backends the running kernel has */
	if (!ret && ver.backends)
		o.backends &= ver.backends;
	if (!ret)
		ctx.module_abi = ver.abi_version;
	if (!ret)
		ret = build_suite(&res, &o);
	if (ret) {
		fprintf(stderr, "kslab-bench: %s\n", strerror(-ret));
		return 1;
	}
	errors = run_suite(fd, &o, &res);
	kslab_dev_close(fd);
	bench_ratios(&res);
	ret = write_outputs(&o, &res, &ctx);
	if (ret)
		fprintf(stderr, "kslab-bench: writing results: %s\n",
			strerror(-ret));
	if (errors)
		fprintf(stderr, "kslab-bench: %d case(s) failed\n", errors);
	free(res.r);
	return ret || errors ? 1 : 0;
}
