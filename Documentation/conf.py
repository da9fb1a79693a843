# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of the kslab documentation (`make docs`, see
# Documentation/Makefile). The `.. kernel-doc::` directive is the kernel
# tree's own extension, Documentation/sphinx/kerneldoc.py, run with the
# kernel tree's scripts/kernel-doc: KSRC (the environment) names the tree.
import os
import sys

ksrc = os.environ.get('KSRC')
if not ksrc or not os.path.isfile(os.path.join(ksrc, 'scripts', 'kernel-doc')):
    sys.exit(f'KSRC={ksrc!r}: no kernel tree with scripts/kernel-doc; '
             "run 'make deps' or set KSRC")
sys.path.insert(0, os.path.join(ksrc, 'Documentation', 'sphinx'))

project = 'kslab'
author = 'the kslab authors'
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(ksrc, 'scripts', 'kernel-doc')
# The directive's paths are relative to the top of the kslab tree.
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
kerneldoc_verbosity = 1

root_doc = 'index'
exclude_patterns = []
primary_domain = 'c'
# Attributes of kernel prototypes that Sphinx's C parser does not know, as
# the kernel's own Documentation/conf.py lists them.
c_id_attributes = ['__percpu', '__always_inline', '__acquires', '__releases']
highlight_language = 'none'
html_theme = 'alabaster'
html_static_path = []
