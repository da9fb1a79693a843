/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Object layout of a kslab slab: how big a slot is, how many pages a slab
 * takes and how many objects it holds.
 */
#ifndef _KSLAB_LAYOUT_H
#define _KSLAB_LAYOUT_H

#include <linux/types.h>

/* Smallest and largest object a kslab cache accepts. */
#define KSLAB_MIN_OBJECT_SIZE	8U
#define KSLAB_MAX_OBJECT_SIZE	(64U * 1024U)
/* Largest slab: order 4 holds a 64 KiB object with no waste. */
#define KSLAB_MAX_ORDER		4U
/* A slab wastes at most 1/KSLAB_WASTE_FRACTION of its bytes, if possible. */
#define KSLAB_WASTE_FRACTION	16U
/* ... and holds at least this many objects when the order bound allows. */
#define KSLAB_MIN_OBJECTS	16U

/**
 * struct kslab_layout - where the objects of one slab lie.
 * @object_size: bytes the user asked for.
 * @align: alignment of every object, a power of two.
 * @stride: distance between two objects in a slab (size rounded up to
 *	@align).
 * @order: a slab is 2^@order pages.
 * @objects: objects carved from one slab.
 * @waste: bytes of a slab that hold no object.
 */
struct kslab_layout {
	unsigned int object_size;
	unsigned int align;
	unsigned int stride;
	unsigned int order;
	unsigned int objects;
	unsigned int waste;
};

int kslab_layout_compute(unsigned int size, unsigned int align,
			 struct kslab_layout *layout);

#endif /* _KSLAB_LAYOUT_H */
