// SPDX-License-Identifier: GPL-2.0
/*
 * Slab layout: choose a slab order that bounds the waste per slab.
 *
 * Rule: the stride is the object size rounded up to the alignment (at least
 * the size of a pointer). The order is the smallest one, from the order that
 * fits one object up to KSLAB_MAX_ORDER, whose slab holds at least
 * KSLAB_MIN_OBJECTS objects and wastes at most 1/KSLAB_WASTE_FRACTION of its
 * bytes. When no order meets both, the order with the least waste per byte
 * wins, the smaller on a tie. No per-slab metadata lives in the slab, so
 * every byte of it is available to objects.
 */
#include <linux/align.h>
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
 * kslab_layout_compute() - compute the slab layout of a cache.
 * @size: object size in bytes, KSLAB_MIN_OBJECT_SIZE..KSLAB_MAX_OBJECT_SIZE.
 * @align: object alignment, a power of two no larger than PAGE_SIZE, or 0
 *	for the natural alignment of a pointer.
 * @layout: filled in on success.
 *
 * Context: any context; does not sleep.
 * Return: 0 on success, -EINVAL when @size or @align is out of range.
 */
int kslab_layout_compute(unsigned int size, unsigned int align,
			 struct kslab_layout *layout)
{
	unsigned int order, best, stride;

	if (size < KSLAB_MIN_OBJECT_SIZE || size > KSLAB_MAX_OBJECT_SIZE)
		return -EINVAL;
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE))
		return -EINVAL;

	align = max_t(unsigned int, align, sizeof(void *));
	stride = ALIGN(size, align);
	order = get_order(stride);
	best = order;
	for (; order <= KSLAB_MAX_ORDER; order++) {
		unsigned long bytes = PAGE_SIZE << order;
		unsigned int waste = layout_waste(order, stride);

		if (bytes / stride >= KSLAB_MIN_OBJECTS &&
		    waste * KSLAB_WASTE_FRACTION <= bytes) {
			best = order;
			break;
		}
		/* waste/bytes smaller than the best so far? */
		if ((u64)waste * (PAGE_SIZE << best) <
		    (u64)layout_waste(best, stride) * bytes)
			best = order;
	}

	layout->object_size = size;
	layout->align = align;
	layout->stride = stride;
	layout->order = best;
	layout->objects = (PAGE_SIZE << best) / stride;
	layout->waste = layout_waste(best, stride);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_layout_compute);
