/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Object layout of a kslab slab: how big a slot is, where the object and
 * (in debug mode) its red zones and state word lie in it, how many pages a
 * slab takes and how many objects it holds.
 */
#ifndef _KSLAB_LAYOUT_H
#define _KSLAB_LAYOUT_H

#include <linux/types.h>

/* The smallest and largest object (KSLAB_SIZE_MIN/MAX) are the API's. */
#include <kslab/kslab.h>

/* Largest slab order chosen for waste; an object that needs more gets it. */
#define KSLAB_MAX_ORDER		4U
/* A slab wastes at most 1/KSLAB_WASTE_FRACTION of its bytes, if possible. */
#define KSLAB_WASTE_FRACTION	16U
/* ... and holds at least this many objects when the order bound allows. */
#define KSLAB_MIN_OBJECTS	16U
/* Debug mode: smallest left red zone, right red zone and state word. */
#define KSLAB_REDZONE		16U
#define KSLAB_STATE_SIZE	sizeof(unsigned long)

/**
 * struct kslab_layout - where the objects of one slab lie.
 * @object_size: bytes the user asked for.
 * @align: alignment of every object, a power of two.
 * @offset: offset of the object in its slot (the left red zone; 0 unless
 *	debug).
 * @meta: offset of the debug state word in its slot; 0 without debug.
 * @stride: distance between two slots in a slab.
 * @order: a slab is 2^@order pages.
 * @objects: objects carved from one slab.
 * @waste: bytes of a slab that hold no slot.
 */
struct kslab_layout {
	unsigned int object_size;
	unsigned int align;
	unsigned int offset;
	unsigned int meta;
	unsigned int stride;
	unsigned int order;
	unsigned int objects;
	unsigned int waste;
};

unsigned int kslab_layout_min_objects(void);
int __kslab_layout_compute(unsigned int size, unsigned int align, bool debug,
			   unsigned int min_objects, struct kslab_layout *layout);
int kslab_layout_compute(unsigned int size, unsigned int align, bool debug,
			 struct kslab_layout *layout);

#endif /* _KSLAB_LAYOUT_H */
