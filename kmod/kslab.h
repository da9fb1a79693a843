/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab: a slab-style object cache with per-CPU magazines and a per-node
 * depot (Bonwick & Adams, USENIX 2001), usable wherever a kmem_cache is.
 *
 * Contexts: every function here is for task (process) context only, never
 * hard or soft interrupt context. kslab_rent() and kslab_rent_bulk() may
 * sleep when @gfp allows it; the return functions never sleep and may be
 * called with preemption disabled or a spinlock held. Lockdep enforces it:
 * the per-CPU local_lock and the per-node spinlocks are never taken with
 * interrupts or bottom halves disabled, so a call from a softirq or
 * hardirq shows up as an inconsistent lock state. Creation, destruction,
 * shrink and tune may sleep. See Documentation/design.rst.
 */
#ifndef _KSLAB_KSLAB_H
#define _KSLAB_KSLAB_H

#include <linux/gfp.h>
#include <linux/types.h>

#include <uapi/kslab.h>

struct kslab_cache;

/* Largest magazine a cache accepts (objects). */
#define KSLAB_MAGAZINE_MAX	256U

struct kslab_cache *kslab_cache_create(const char *name, unsigned int size,
				       unsigned int align, unsigned int flags,
				       void (*ctor)(void *),
				       unsigned int magazine_size);
void kslab_cache_destroy(struct kslab_cache *cache);
void *kslab_rent(struct kslab_cache *cache, gfp_t gfp);
int kslab_return(struct kslab_cache *cache, void *obj);
unsigned int kslab_rent_bulk(struct kslab_cache *cache, gfp_t gfp,
			     unsigned int nr, void **objs);
int kslab_return_bulk(struct kslab_cache *cache, unsigned int nr,
		      void **objs);
unsigned long kslab_cache_shrink(struct kslab_cache *cache);
int kslab_cache_tune(struct kslab_cache *cache, unsigned int magazine_size);
void kslab_cache_stats(struct kslab_cache *cache, struct kslab_stats *stats);
const char *kslab_cache_name(const struct kslab_cache *cache);

#endif /* _KSLAB_KSLAB_H */
