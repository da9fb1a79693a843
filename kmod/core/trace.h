/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab's trace events, in the style of include/trace/events/kmem.h:
 * tracefs events/kslab/, perf's kslab:*, bpftrace's tracepoint:kslab:*.
 * Defined once, in trace.c (CREATE_TRACE_POINTS). See the "Trace events"
 * section of Documentation/design.rst.
 *
 * kslab_rent and kslab_return see every rent and return, those of the
 * inline fast path too: while either is enabled, every cache's fast path
 * uses kslab_cpu_miss (kslab_trace_reg()), so that each call reaches
 * __kslab_rent() or __kslab_return(). Disabled, they cost the inline fast
 * path nothing and the slow path a static branch.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kslab

#if !defined(_KSLAB_CORE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KSLAB_CORE_TRACE_H

#include <linux/smp.h>
#include <linux/tracepoint.h>

#include "../compat.h"
#include "internal.h"

#define kslab_show_layer(layer)					\
	__print_symbolic(layer,					\
			 { KSLAB_LAYER_LOADED, "loaded" },	\
			 { KSLAB_LAYER_PREVIOUS, "previous" },	\
			 { KSLAB_LAYER_DEPOT, "depot" },	\
			 { KSLAB_LAYER_SLAB, "slab" },		\
			 { KSLAB_LAYER_BUSY, "busy" })

/* A rent or a return: the object and the layer that served it. */
DECLARE_EVENT_CLASS(kslab_object,
		    TP_PROTO(const struct kslab_cache *cache, const void *obj,
			     unsigned int layer),
		    TP_ARGS(cache, obj, layer),
		    TP_STRUCT__entry(__string(name, cache->name)
				     __field(const void *, obj)
				     __field(unsigned int, cpu)
				     __field(unsigned int, layer)),
		    TP_fast_assign(kslab_assign_name(name);
				   __entry->obj = obj;
				   __entry->cpu = raw_smp_processor_id();
				   __entry->layer = layer;),
		    TP_printk("cache=%s obj=%p cpu=%u layer=%s",
			      __get_str(name), __entry->obj, __entry->cpu,
			      kslab_show_layer(__entry->layer))
);

DEFINE_EVENT_FN(kslab_object, kslab_rent,
		TP_PROTO(const struct kslab_cache *cache, const void *obj,
			 unsigned int layer),
		TP_ARGS(cache, obj, layer),
		kslab_trace_reg, kslab_trace_unreg
);

DEFINE_EVENT_FN(kslab_object, kslab_return,
		TP_PROTO(const struct kslab_cache *cache, const void *obj,
			 unsigned int layer),
		TP_ARGS(cache, obj, layer),
		kslab_trace_reg, kslab_trace_unreg
);

/* A slab allocated or freed: its order and node. */
DECLARE_EVENT_CLASS(kslab_slab,
		    TP_PROTO(const struct kslab_cache *cache, int nid),
		    TP_ARGS(cache, nid),
		    TP_STRUCT__entry(__string(name, cache->name)
				     __field(unsigned int, order)
				     __field(int, nid)),
		    TP_fast_assign(kslab_assign_name(name);
				   __entry->order = cache->layout.order;
				   __entry->nid = nid;),
		    TP_printk("cache=%s pages=%lu order=%u node=%d",
			      __get_str(name), 1UL << __entry->order,
			      __entry->order, __entry->nid)
);

DEFINE_EVENT(kslab_slab, kslab_slab_alloc,
	     TP_PROTO(const struct kslab_cache *cache, int nid),
	     TP_ARGS(cache, nid)
);

DEFINE_EVENT(kslab_slab, kslab_slab_free,
	     TP_PROTO(const struct kslab_cache *cache, int nid),
	     TP_ARGS(cache, nid)
);

/*
 * A CPU traded magazines with its node's depot: on the rent side it took
 * a full one for its empty one, on the return side the reverse. @rounds:
 * objects in the full magazine.
 */
TRACE_EVENT(kslab_depot_exchange,
	    TP_PROTO(const struct kslab_cache *cache, int nid, bool rent,
		     unsigned int rounds),
	    TP_ARGS(cache, nid, rent, rounds),
	    TP_STRUCT__entry(__string(name, cache->name)
			     __field(int, nid)
			     __field(bool, rent)
			     __field(unsigned int, rounds)),
	    TP_fast_assign(kslab_assign_name(name);
			   __entry->nid = nid;
			   __entry->rent = rent;
			   __entry->rounds = rounds;),
	    TP_printk("cache=%s node=%d side=%s took=%s rounds=%u",
		      __get_str(name), __entry->nid,
		      __entry->rent ? "rent" : "return",
		      __entry->rent ? "full" : "empty", __entry->rounds)
);

/* The magazine size of a cache changed (a tune or the automatic growth). */
TRACE_EVENT(kslab_magazine_resize,
	    TP_PROTO(const struct kslab_cache *cache, unsigned int old_size,
		     unsigned int new_size),
	    TP_ARGS(cache, old_size, new_size),
	    TP_STRUCT__entry(__string(name, cache->name)
			     __field(unsigned int, old_size)
			     __field(unsigned int, new_size)),
	    TP_fast_assign(kslab_assign_name(name);
			   __entry->old_size = old_size;
			   __entry->new_size = new_size;),
	    TP_printk("cache=%s old=%u new=%u", __get_str(name),
		      __entry->old_size, __entry->new_size)
);

/* A shrink (kslab_cache_shrink() or the shrinker) gave @pages back. */
TRACE_EVENT(kslab_shrink,
	    TP_PROTO(const struct kslab_cache *cache, unsigned long pages),
	    TP_ARGS(cache, pages),
	    TP_STRUCT__entry(__string(name, cache->name)
			     __field(unsigned long, pages)),
	    TP_fast_assign(kslab_assign_name(name);
			   __entry->pages = pages;),
	    TP_printk("cache=%s pages=%lu", __get_str(name), __entry->pages)
);

#endif /* _KSLAB_CORE_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH core
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
