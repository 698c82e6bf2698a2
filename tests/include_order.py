#!/usr/bin/env python3
"""The include rules of docs/layout.md, checked: every quoted include in src/
names its path from src/ ("core/data/vocab.h"), the file exists, src/core
includes nothing outside core, and inside core a folder includes only from
itself and the folders before it in ORDER. Prints each break and exits 1."""
import os
import re
import sys

ORDER = ['base', 'data', 'models', 'train', 'layout', 'teach', 'io', 'live']
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def breaks(src):
    out = []
    for dirpath, _, names in os.walk(src):
        for name in sorted(names):
            if not name.endswith(('.h', '.cpp', '.inc')):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)
            text = open(path, encoding='utf-8', errors='replace').read()
            for inc in INCLUDE.findall(text):
                if inc.endswith('.inc') and os.path.exists(os.path.join(dirpath, inc)):
                    continue  # generated tables sit beside the file that reads them
                if not os.path.exists(os.path.join(src, inc)):
                    out.append('%s: "%s" is not a path from src/' % (rel, inc))
                    continue
                parts, target = rel.split(os.sep), inc.split('/')
                if parts[0] == 'core' and target[0] != 'core':
                    out.append('%s: core includes "%s" from outside core' % (rel, inc))
                elif parts[0] == 'core' and len(parts) > 2 and len(target) > 2:
                    if parts[1] in ORDER and target[1] in ORDER and ORDER.index(target[1]) > ORDER.index(parts[1]):
                        out.append('%s: core/%s/ includes "%s" from a later folder' % (rel, parts[1], inc))
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[2] == '--self-test':
        return self_test()
    found = breaks(sys.argv[1])
    for b in found:
        print(b)
    print('%d include rule breaks' % len(found))
    return 1 if found else 0


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        def put(rel, text):
            os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
            open(os.path.join(d, rel), 'w').write(text)
        put('core/base/a.h', '#pragma once\n')
        put('core/live/b.h', '#include "core/base/a.h"\n')
        put('ui/c.h', '#include "core/live/b.h"\n')
        assert breaks(d) == [], breaks(d)
        put('core/base/bad.h', '#include "core/live/b.h"\n#include "a.h"\n#include "ui/c.h"\n')
        got = breaks(d)
        assert len(got) == 3, got
    print('include rule checker: ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
