#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the result sections of a guest console log and count tests.

results.py --ksrc KSRC --label LABEL LOG

Sections are framed by KSLAB-BEGIN KIND NAME / KSLAB-END KIND NAME rc=N
(scripts/guest/lib.sh). KUnit KTAP goes through the kernel tree's own
`tools/testing/kunit/kunit.py parse --json`, whose test cases are counted
(its text report is shown on a failure); kselftest output is TAP from
kselftest_harness.h, one program per section, or the kernel's
run_kselftest.sh running a collection of them (KIND run_kselftest): its TAP
has a line per program and each program's own TAP, "# "-prefixed, within.
Prints one line per section (per program for run_kselftest) and, last,
"passed failed skipped" for the caller to add up. A skipped test is neither
passed nor failed. Exit status 0 unless the log cannot be read.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

BEGIN = re.compile(r'^KSLAB-BEGIN (\S+) (\S+)\s*$')
END = re.compile(r'^KSLAB-END (\S+) (\S+) rc=(\d+)(?: secs=([0-9.]+))?\s*$')
TOTALS = re.compile(r'^# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) '
                    r'skip:(\d+) error:(\d+)')
ANSI = re.compile(r'\x1b\[[0-9;]*m')
# run_kselftest.sh (tools/testing/selftests/kselftest/runner.sh)
RUN_PLAN = re.compile(r'^1\.\.(\d+)\s*$')
RUN_START = re.compile(r'^# selftests: (\S+): (\S+)\s*$')
RUN_RESULT = re.compile(r'^(ok|not ok) \d+ selftests: (\S+): (\S+)(?: # (.*))?$')


def sections(lines):
    cur, body = None, []
    for line in lines:
        line = line.rstrip('\r\n')
        m = BEGIN.match(line)
        if m:
            cur, body = (m.group(1), m.group(2)), []
            continue
        m = END.match(line)
        if m and cur == (m.group(1), m.group(2)):
            yield cur[0], cur[1], int(m.group(3)), m.group(4), body
            cur = None
            continue
        if cur:
            body.append(line)
    if cur:
        yield cur[0], cur[1], -1, None, body


def kunit_cases(group, path):
    """Yield (suite.case name, status) of every test case in kunit.py's
    JSON: the leaves; a parameterised case is a group of its parameters."""
    for sub in group.get('sub_groups', []):
        yield from kunit_cases(sub, path + [sub['name']])
    for case in group.get('test_cases', []):
        yield '.'.join(path + [case['name'] or '?']), case['status']


def kunit(ksrc, body):
    """Return (passed, failed, skipped, report). A case is PASS, SKIP, or
    failed (FAIL, or ERROR: it crashed); no case at all, or kunit.py
    failing with no failed case, is one failure."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'kunit.json')
        proc = subprocess.run([sys.executable,
                               ksrc + '/tools/testing/kunit/kunit.py',
                               'parse', '--json=' + path],
                              input='\n'.join(body) + '\n',
                              capture_output=True, text=True, cwd=ksrc,
                              check=False)
        out = ANSI.sub('', proc.stdout + proc.stderr)
        try:
            with open(path) as f:
                top = json.load(f)
        except (OSError, ValueError) as e:
            return 0, 1, 0, f'{out}\nkunit.py parse --json: {e}'
    passed = failed = skipped = 0
    bad = []
    for name, status in kunit_cases(top, []):
        if status == 'PASS':
            passed += 1
        elif status == 'SKIP':
            skipped += 1
        else:
            failed += 1
            bad.append(f'{status} {name}')
    if bad:
        out += '\nfailed cases:\n  ' + '\n  '.join(bad)
    if (proc.returncode or not passed + failed + skipped) and not failed:
        failed = 1
    return passed, failed, skipped, out


def kselftest(rc, body):
    """Return (passed, failed, skipped) from the # Totals line."""
    for line in body:
        m = TOTALS.match(line)
        if m:
            passed = int(m.group(1)) + int(m.group(3))
            failed = int(m.group(2)) + int(m.group(4)) + int(m.group(6))
            # kselftest exits 0 (pass) or 4 (all skipped)
            if rc not in (0, 4) and not failed:
                failed = 1
            return passed, failed, int(m.group(5))
    return 0, 1, 0


def kselftest_run(body):
    """Split run_kselftest.sh output into its programs.

    Yields (name, passed, failed, skipped, output). A program's counts come
    from its own # Totals line; without one (a program that SKIPped as a
    whole, or died) it counts as one test of the runner's verdict. A program
    that the runner reports failed (exit status, timeout) counts at least
    one failure. When the runner's plan and its results disagree (it did
    not finish), a last entry "run_kselftest.sh" counts one failure.
    """
    plan, seen, out = None, 0, []
    for line in body:
        m = RUN_PLAN.match(line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        if RUN_START.match(line):
            out = []
        m = RUN_RESULT.match(line)
        if not m:
            out.append(line)
            continue
        seen += 1
        ok, name, directive = m.group(1) == 'ok', m.group(3), m.group(4) or ''
        inner = [l[2:] if l.startswith('# ') else l for l in out]
        totals = [TOTALS.match(l) for l in inner]
        totals = [t for t in totals if t]
        if totals:
            t = totals[-1]
            p = int(t.group(1)) + int(t.group(3))
            f = int(t.group(2)) + int(t.group(4)) + int(t.group(6))
            sk = int(t.group(5))
        elif directive.startswith('SKIP'):
            p, f, sk = 0, 0, 1
        else:
            p, f, sk = (1, 0, 0) if ok else (0, 1, 0)
        if not ok and not f:
            f = 1
        yield name, p, f, sk, out + [line]
        out = []
    if plan is None or seen != plan:
        yield 'run_kselftest.sh', 0, 1, 0, out + [
            f'run_kselftest.sh planned {plan} programs, reported {seen}']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ksrc', required=True)
    ap.add_argument('--label', required=True)
    ap.add_argument('log')
    args = ap.parse_args()
    with open(args.log, errors='replace') as f:
        lines = f.readlines()
    total_p = total_f = total_s = 0
    seen = 0
    for kind, name, rc, secs, body in sections(lines):
        seen += 1
        sk = 0
        if kind == 'kunit':
            p, f, sk, out = kunit(args.ksrc, body)
            if f:
                print(out)
        elif kind == 'kselftest':
            p, f, sk = kselftest(rc, body)
            if f:
                print('\n'.join(body))
        elif kind == 'run_kselftest':
            p = f = 0
            for prog, pp, pf, ps, out in kselftest_run(body):
                if pf:
                    print('\n'.join(out))
                state = 'FAIL' if pf else 'ok'
                skipped = f', {ps} skipped' if ps else ''
                print(f'[{args.label}] kselftest {prog}: {pp} passed, {pf} failed{skipped} ({state})')
                p, f, sk = p + pp, f + pf, sk + ps
            state = 'FAIL' if f else 'ok'
            took = f', {float(secs):.0f} s' if secs else ''
            print(f'[{args.label}] run_kselftest.sh {name}: {p} passed, {f} failed ({state}{took})')
            total_p += p
            total_f += f
            total_s += sk
            continue
        elif kind == 'kmemleak':
            leaks = [l for l in body if l.startswith('unreferenced object')]
            if any(l.startswith('kmemleak: not available') for l in body):
                print(f'[{args.label}] {kind} {name}: skipped, kernel has no kmemleak')
                continue
            p, f = (0, 1) if leaks or rc else (1, 0)
            if f:
                print('\n'.join(body))
        else:
            p, f = (1, 0) if rc == 0 else (0, 1)
            if f:
                print('\n'.join(body))
        state = 'FAIL' if f else 'ok'
        skipped = f', {sk} skipped' if sk else ''
        took = f', {float(secs):.0f} s' if secs else ''
        print(f'[{args.label}] {kind} {name}: {p} passed, {f} failed{skipped} ({state}{took})')
        total_p += p
        total_f += f
        total_s += sk
    if not seen:
        print(f'[{args.label}] no result sections in {args.log}')
        total_f += 1
    print(total_p, total_f, total_s)
    return 0


if __name__ == '__main__':
    sys.exit(main())
