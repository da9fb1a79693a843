/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two backends over kslab's own cache (kslab and kslab-locked)
 * share: the translation of the ABI's cache flags and stats to and from
 * the core's, through <kslab/kslab.h> alone.
 */
#ifndef _KSLAB_BACKENDS_KSLAB_H
#define _KSLAB_BACKENDS_KSLAB_H

#include "backend.h"

struct kslab_cache;

int kslab_be_cache_create(struct kslab_pool *pool,
			  const struct kslab_pool_args *args,
			  unsigned int flags, unsigned int magazine_size);
void kslab_be_cache_stats(struct kslab_pool *pool, struct kslab_stats *stats);

/* Ops of both backends, in kslab.c. */
void kslab_be_destroy(struct kslab_pool *pool);
unsigned int kslab_be_rent_bulk(struct kslab_pool *pool, gfp_t gfp,
				unsigned int nr, void **objs);
void kslab_be_return_bulk(struct kslab_pool *pool, unsigned int nr,
			  void **objs);
unsigned long kslab_be_shrink(struct kslab_pool *pool);

#endif /* _KSLAB_BACKENDS_KSLAB_H */
