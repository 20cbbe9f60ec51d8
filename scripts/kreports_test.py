#!/usr/bin/env python3
"""Table-driven test of scripts/kreports.py on made-up console logs.

Prints "kreports_test: N cases, F failed"; exits 1 on a failure.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

KASAN = """==================================================================
[   12.345678] BUG: KASAN: slab-out-of-bounds in do_kasan+0x5d/0x80 [denali_checkers]
[   12.345900] Read of size 1 at addr ffff888003d3c918 by task sh/190
[   12.346000] ==================================================================
"""
CASES = [
    # (what it checks, console log, the findings as (tag, case, kind[, state]))
    ('a clean log has no finding',
     '=== RUN 00-smoke\nDENALI-TEST PASS smoke\n=== END 00-smoke\n', []),
    ('a KASAN report is named after the running case',
     '=== RUN 40-memory\n' + KASAN + '=== END 40-memory\n', [('REPORT', '40-memory', 'kasan')]),
    ('a WARNING between cases is named so',
     '=== END 10-module\n[    3.1] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2\n[    3.2] ---[ end trace 0 ]---\n',
     [('REPORT', 'between cases', 'warning')]),
    ('a report before any case is the boot\'s',
     '[    0.5] BUG: sleeping function called from invalid context at mm/slab.c:1\n',
     [('REPORT', 'boot', 'atomic-sleep')]),
    ('a test\'s own output that says WARNING is no kernel report',
     '=== RUN 20-control\nWARNING: this is denalictl text\nBUG: not the kernel\n=== END 20-control\n', []),
    ('lockdep, RCU stall, soft lockup, hung task and UBSAN are told apart',
     '=== RUN 65-sched\n'
     '[ 1.0] WARNING: possible circular locking dependency detected\n'
     '[ 2.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n'
     '[ 3.0] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [denali/0:90]\n'
     '[ 4.0] INFO: task sh:12 blocked for more than 120 seconds.\n'
     '[ 5.0] UBSAN: shift-out-of-bounds in module/core/vtlb.c:10:5\n'
     '=== END 65-sched\n',
     [('REPORT', '65-sched', 'lockdep'), ('REPORT', '65-sched', 'rcu-stall'),
      ('REPORT', '65-sched', 'soft-lockup'), ('REPORT', '65-sched', 'hung-task'),
      ('REPORT', '65-sched', 'ubsan')]),
    ('an expected report is seen, not reported',
     '=== RUN 05-checkers\nDENALI-EXPECT-REPORT BEGIN kasan\n' + KASAN +
     'DENALI-EXPECT-REPORT END kasan\n=== END 05-checkers\n',
     [('EXPECT', '05-checkers', 'kasan', 'seen')]),
    ('an expected report that does not come is missing',
     '=== RUN 05-checkers\nDENALI-EXPECT-REPORT BEGIN lockdep\nDENALI-EXPECT-REPORT END lockdep\n',
     [('EXPECT', '05-checkers', 'lockdep', 'missing')]),
    ('another kind inside an expectation is still a report',
     '=== RUN 05-checkers\nDENALI-EXPECT-REPORT BEGIN kasan\n' + KASAN +
     '[ 13.0] Oops: general protection fault, probably for non-canonical address\n'
     'DENALI-EXPECT-REPORT END kasan\n',
     [('REPORT', '05-checkers', 'oops'), ('EXPECT', '05-checkers', 'kasan', 'seen')]),
    ('the runner\'s kmemleak block is a report',
     'runner: kmemleak scan\nDENALI-KMEMLEAK-BEGIN\nunreferenced object 0xffff8880 (size 128):\n'
     '  backtrace (crc 0):\n    denali_vm_new+0x10/0x20 [denali]\nDENALI-KMEMLEAK-END\n',
     [('REPORT', 'boot', 'kmemleak')]),
    ('a known emulator warning while booting is not a report',
     '[    0.1] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:605 fpu__init_system_xstate+0x875/0xb7e\n'
     '[    0.2] ---[ end trace 0 ]---\n', []),
    ('the same warning inside a case is a report',
     '=== RUN 70-cpuhp\n[ 9.1] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:605 fpu__init_system_xstate+0x8/0x9\n',
     [('REPORT', '70-cpuhp', 'warning')]),
    ('a panic is a report',
     '=== RUN 55-hostile\n[ 9.0] Kernel panic - not syncing: Fatal exception\n', [('REPORT', '55-hostile', 'panic')]),
]


def findings(log):
    with tempfile.NamedTemporaryFile('w', delete=False) as f:
        f.write(log)
    try:
        out = subprocess.run([sys.executable, os.path.join(HERE, 'kreports.py'), f.name],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    got = []
    for line in out.splitlines():
        cols = line.split('\t')
        if cols[0] == 'REPORT':
            got.append(('REPORT', cols[1], cols[2]))
        elif cols[0] == 'EXPECT':
            got.append(('EXPECT', cols[1], cols[2], cols[3]))
    return got


def main():
    failed = 0
    for what, log, want in CASES:
        got = findings(log)
        if got != want:
            failed += 1
            print('kreports_test: FAIL %s: want %s, got %s' % (what, want, got))
    print('kreports_test: %d cases, %d failed' % (len(CASES), failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
