/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions of /dev/kslab: each open file owns its caches and the handles
 * of the objects it rents. The ioctl layer (dev.c) decodes and checks the
 * user's structs; everything here works on kernel values, except the
 * handle arrays and object buffers, which are copied straight between the
 * user and the session's own memory or the objects.
 *
 * Every function is for process context and may sleep.
 */
#ifndef _KSLAB_SESSION_H
#define _KSLAB_SESSION_H

#include <linux/compiler_types.h>
#include <linux/types.h>

#include <uapi/kslab.h>

struct kslab_pool_args;
struct kslab_session;

struct kslab_session *kslab_session_open(void);
void kslab_session_release(struct kslab_session *s);
void kslab_session_exit(void);

int kslab_session_create(struct kslab_session *s, unsigned int backend,
			 const struct kslab_pool_args *args, u32 *id);
int kslab_session_destroy(struct kslab_session *s, u32 id);
int kslab_session_tune(struct kslab_session *s, u32 id,
		       unsigned int magazine_size);
int kslab_session_stats(struct kslab_session *s, u32 id,
			struct kslab_stats *stats);

long kslab_session_rent(struct kslab_session *s, u32 id,
			u64 __user *handles, unsigned int count);
long kslab_session_return(struct kslab_session *s, u32 id,
			  const u64 __user *handles, unsigned int count);
long kslab_session_rent_one(struct kslab_session *s, u32 id);
int kslab_session_return_one(struct kslab_session *s, u64 handle);
int kslab_session_obj_write(struct kslab_session *s,
			    const struct kslab_obj_io *io);
int kslab_session_obj_read(struct kslab_session *s,
			   const struct kslab_obj_io *io);

#endif /* _KSLAB_SESSION_H */
