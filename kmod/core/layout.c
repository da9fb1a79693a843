// SPDX-License-Identifier: GPL-2.0
/*
 * Slab layout: choose a slab order that bounds the waste per slab.
 *
 * Rule: a slot is the object rounded up to the alignment (at least the size
 * of a pointer); in debug mode it also holds a left red zone of max(align,
 * KSLAB_REDZONE) bytes, a right red zone of at least KSLAB_REDZONE bytes
 * and a state word. The order is the smallest one, from the order that fits
 * one slot up to max(KSLAB_MAX_ORDER, that order), whose slab holds at least
 * min_objects slots and wastes at most 1/KSLAB_WASTE_FRACTION of its bytes.
 * When no order meets both, the order with the least waste per byte wins,
 * the smaller on a tie. min_objects is the larger of KSLAB_MIN_OBJECTS and
 * SLUB's own minimum, 4 * (fls(present CPUs) + 1), so a kslab slab never
 * holds fewer objects than SLUB's for the same size on the same machine.
 * No per-slab metadata lives in the slab (the freelist is an index array in
 * a separate descriptor), so every byte of it is available to objects.
 */
#include <linux/align.h>
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <kunit/visibility.h>

#include "layout.h"

static unsigned int layout_waste(unsigned int order, unsigned int stride)
{
	return (PAGE_SIZE << order) % stride;
}

/**
 * kslab_layout_min_objects() - objects a slab should hold on this machine.
 *
 * Context: any context; does not sleep.
 * Return: max(KSLAB_MIN_OBJECTS, SLUB's min_objects for the present CPUs).
 */
unsigned int kslab_layout_min_objects(void)
{
	unsigned int nr_cpus = num_present_cpus();

	if (nr_cpus <= 1)
		nr_cpus = nr_cpu_ids;
	return max(KSLAB_MIN_OBJECTS, 4U * (fls(nr_cpus) + 1));
}
EXPORT_SYMBOL_IF_KUNIT(kslab_layout_min_objects);

static unsigned int layout_order(unsigned int stride, unsigned int min_objects)
{
	unsigned int order = get_order(stride);
	unsigned int max_order = max(KSLAB_MAX_ORDER, order);
	unsigned int best = order;

	for (; order <= max_order; order++) {
		unsigned long bytes = PAGE_SIZE << order;
		unsigned int waste = layout_waste(order, stride);

		if (bytes / stride >= min_objects &&
		    waste * KSLAB_WASTE_FRACTION <= bytes)
			return order;
		/* waste/bytes smaller than the best so far? */
		if ((u64)waste * (PAGE_SIZE << best) <
		    (u64)layout_waste(best, stride) * bytes)
			best = order;
	}
	return best;
}

/**
 * __kslab_layout_compute() - compute a slab layout for a given minimum.
 * @size: object size in bytes, KSLAB_SIZE_MIN..KSLAB_SIZE_MAX.
 * @align: object alignment, a power of two no larger than PAGE_SIZE, or 0
 *	for the natural alignment of a pointer.
 * @debug: add red zones and a state word to every slot.
 * @min_objects: objects a slab should hold when the order bound allows.
 * @layout: filled in on success.
 *
 * Context: any context; does not sleep.
 * Return: 0 on success, -EINVAL when @size or @align is out of range.
 */
int __kslab_layout_compute(unsigned int size, unsigned int align, bool debug,
			   unsigned int min_objects, struct kslab_layout *layout)
{
	unsigned int offset = 0, meta = 0, slot;

	if (size < KSLAB_SIZE_MIN || size > KSLAB_SIZE_MAX)
		return -EINVAL;
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE))
		return -EINVAL;

	align = max_t(unsigned int, align, sizeof(void *));
	slot = size;
	if (debug) {
		offset = max(align, KSLAB_REDZONE);
		meta = offset + ALIGN(size, sizeof(long)) + KSLAB_REDZONE;
		slot = meta + KSLAB_STATE_SIZE;
	}
	layout->object_size = size;
	layout->align = align;
	layout->offset = offset;
	layout->meta = meta;
	layout->stride = ALIGN(slot, align);
	layout->order = layout_order(layout->stride, min_objects);
	layout->objects = (PAGE_SIZE << layout->order) / layout->stride;
	layout->waste = layout_waste(layout->order, layout->stride);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(__kslab_layout_compute);

/**
 * kslab_layout_compute() - compute the slab layout of a cache.
 * @size: object size in bytes, KSLAB_SIZE_MIN..KSLAB_SIZE_MAX.
 * @align: object alignment, a power of two no larger than PAGE_SIZE, or 0
 *	for the natural alignment of a pointer.
 * @debug: add red zones and a state word to every slot.
 * @layout: filled in on success.
 *
 * Context: any context; does not sleep.
 * Return: 0 on success, -EINVAL when @size or @align is out of range.
 */
int kslab_layout_compute(unsigned int size, unsigned int align, bool debug,
			 struct kslab_layout *layout)
{
	return __kslab_layout_compute(size, align, debug,
				      kslab_layout_min_objects(), layout);
}
EXPORT_SYMBOL_IF_KUNIT(kslab_layout_compute);
