// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_sample: a module that uses kslab where it would use a kmem_cache,
 * through <kslab/kslab.h> and kslab.ko's Module.symvers alone (see
 * Makefile here). On load it creates a cache, rents and returns objects
 * one at a time and in bulk, checks what it got, shrinks and destroys the
 * cache, and fails to load (with the errno) if anything went wrong.
 */
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kslab/kslab.h>

#define SAMPLE_BULK	16

/**
 * struct sample_req - what a driver would keep per request.
 * @id: request number.
 * @payload: its data.
 */
struct sample_req {
	u64 id;
	u8 payload[56];
};

static int sample_one(struct kslab_cache *cache)
{
	struct sample_req *req;

	req = kslab_rent(cache, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	/* KSLAB_ZERO: every rent is zeroed. */
	if (req->id || memchr_inv(req->payload, 0, sizeof(req->payload))) {
		kslab_return(cache, req);
		return -EIO;
	}
	req->id = 1;
	memset(req->payload, 0xab, sizeof(req->payload));
	return kslab_return(cache, req);
}

static int sample_bulk(struct kslab_cache *cache)
{
	void *objs[SAMPLE_BULK];
	unsigned int got, i;

	got = kslab_rent_bulk(cache, GFP_KERNEL, SAMPLE_BULK, objs);
	for (i = 0; i < got; i++)
		((struct sample_req *)objs[i])->id = i;
	if (got)
		kslab_return_bulk(cache, got, objs);
	return got == SAMPLE_BULK ? 0 : -ENOMEM;
}

/* Everything went back: the counters agree and a shrink frees every page. */
static int sample_check(struct kslab_cache *cache)
{
	struct kslab_cache_stats st;

	kslab_cache_shrink(cache);
	kslab_cache_stats(cache, &st);
	pr_info("kslab_sample: cache %s: %llu rents, %llu returns, %llu pages after shrink\n",
		kslab_cache_name(cache), st.counters[KSLAB_CNT_RENT],
		st.counters[KSLAB_CNT_RETURN], st.pages);
	if (st.counters[KSLAB_CNT_RENT] != 1 + SAMPLE_BULK ||
	    st.counters[KSLAB_CNT_RETURN] != 1 + SAMPLE_BULK ||
	    st.active_objects || st.pages)
		return -EIO;
	return 0;
}

static int __init sample_init(void)
{
	struct kslab_cache *cache;
	int ret;

	cache = kslab_cache_create("kslab_sample", sizeof(struct sample_req),
				   0, KSLAB_ZERO, NULL, 0);
	if (IS_ERR(cache))
		return PTR_ERR(cache);
	ret = sample_one(cache);
	if (!ret)
		ret = sample_bulk(cache);
	if (!ret)
		ret = sample_check(cache);
	kslab_cache_destroy(cache);
	if (ret)
		pr_err("kslab_sample: failed: %d\n", ret);
	return ret;
}

static void __exit sample_exit(void)
{
}

module_init(sample_init);
module_exit(sample_exit);

MODULE_DESCRIPTION("kslab sample: a kslab cache instead of a kmem_cache");
MODULE_AUTHOR("kslab developers");
MODULE_LICENSE("GPL");
