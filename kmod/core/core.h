/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's entry point needs of the core: bringing it up and
 * down (cache.c). Everything else of the core is <kslab/kslab.h>.
 */
#ifndef _KSLAB_CORE_H
#define _KSLAB_CORE_H

int kslab_core_init(void);
void kslab_core_exit(void);

#endif /* _KSLAB_CORE_H */
