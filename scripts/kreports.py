#!/usr/bin/env python3
"""Finds kernel checker reports in a test VM's console log.

    scripts/kreports.py CONSOLE-LOG

Each report (KASAN, KFENCE, UBSAN, lockdep, RCU stall, soft or hard
lockup, hung task, debug objects, kmemleak, WARNING, BUG, Oops, panic) is
named after the test case that was running when the kernel printed it
(the runner's "=== RUN NAME" / "=== END NAME" lines), or "boot" outside any
case. A case that makes a report on purpose brackets it with
"DENALI-EXPECT-REPORT BEGIN KIND" and "DENALI-EXPECT-REPORT END KIND": a
report of that kind there is expected, and its absence is a failure.

Prints one line per finding, tab-separated:
    REPORT  CASE  KIND  FIRST-LINE     (an unexpected report; its text follows,
                                         each line starting with "|")
    EXPECT  CASE  KIND  seen|missing   (one per expectation window)
    KNOWN   boot  KIND  FIRST-LINE     (a warning an emulator's CPU makes the
                                         kernel print while it boots, before
                                         any case: see KNOWN_BOOT)
"""
import re
import sys

# Kernel lines carry a printk time stamp (CONFIG_PRINTK_TIME).
KLINE = re.compile(r'^\[\s*\d+\.\d+\]\s?(.*)$')
# (kind, pattern on the message), first match wins.
KINDS = [
    ('kasan', re.compile(r'BUG: KASAN: ')),
    ('kfence', re.compile(r'BUG: KFENCE: ')),
    ('ubsan', re.compile(r'UBSAN: ')),
    ('lockdep', re.compile(r'WARNING: (possible circular locking|possible recursive locking|'
                           r'inconsistent lock state|suspicious RCU usage|bad unlock balance|'
                           r'held lock freed|lock held when returning|possible irq lock inversion|'
                           r'HARDIRQ-safe -> HARDIRQ-unsafe|SOFTIRQ-safe -> SOFTIRQ-unsafe)|'
                           r'BUG: (MAX_LOCKDEP|looking up invalid subclass|key .* has not been registered)|'
                           r'INFO: trying to register non-static key')),
    ('atomic-sleep', re.compile(r'BUG: (sleeping function called from invalid context|scheduling while atomic)')),
    ('kmemleak', re.compile(r'kmemleak: \d+ new suspected memory leaks|^DENALI-KMEMLEAK-BEGIN')),
    ('rcu-stall', re.compile(r'rcu: INFO: .*detected stalls?|rcu: .*self-detected stall')),
    ('soft-lockup', re.compile(r'BUG: soft lockup|BUG: workqueue lockup')),
    ('hard-lockup', re.compile(r'[Ww]atchdog detected hard LOCKUP|hard LOCKUP on cpu')),
    ('hung-task', re.compile(r'INFO: task .* blocked for more than')),
    ('debug-objects', re.compile(r'ODEBUG: ')),
    ('list', re.compile(r'list_(add|del) corruption')),
    ('oops', re.compile(r'Oops: |general protection fault|BUG: unable to handle|kernel BUG at')),
    ('panic', re.compile(r'Kernel panic - not syncing')),
    ('warning', re.compile(r'WARNING: ')),
    ('bug', re.compile(r'BUG: ')),
]
CONTEXT = 60
# Warnings that an emulated CPU, not the module, makes the kernel print while
# it boots (before /init). Bochs' corei7_skylake_x reports CPUID topology
# leaves and an XSAVE area size that Linux 6.12 finds inconsistent, and,
# to Debian's kernel (its Spectre mitigations on), no RETBleed protection.
KNOWN_BOOT = [
    re.compile(r'RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed'),
    re.compile(r'WARNING: CPU: \d+ PID: 0 at arch/x86/kernel/cpu/topology_common\.c:\d+ parse_legacy'),
    re.compile(r'WARNING: CPU: \d+ PID: 0 at arch/x86/kernel/fpu/xstate\.c:\d+ fpu__init_system_xstate'),
]


def classify(msg):
    for kind, pat in KINDS:
        if pat.search(msg):
            return kind
    return None


def main(path):
    with open(path, 'rb') as f:
        lines = f.read().decode('utf-8', 'replace').replace('\r', '').split('\n')
    case = 'boot'
    expect = None          # [case, kind, seen]
    results = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^=== RUN (\S+)', line)
        if m:
            case = m.group(1)
        elif line.startswith('=== END '):
            case = 'between cases'
        m = re.match(r'^DENALI-EXPECT-REPORT (BEGIN|END) (\S+)', line)
        if m:
            if m.group(1) == 'BEGIN':
                expect = [case, m.group(2), False]
            elif expect:
                results.append('EXPECT\t%s\t%s\t%s' % (expect[0], expect[1], 'seen' if expect[2] else 'missing'))
                expect = None
            i += 1
            continue
        km = KLINE.match(line)
        msg = km.group(1) if km else line
        kind = None
        if km or line.startswith('DENALI-KMEMLEAK-BEGIN'):
            kind = classify(msg)
        if kind is None:
            i += 1
            continue
        # The report's text: until a blank stretch, the end of a trace, or CONTEXT lines.
        j = i + 1
        end_marker = 'DENALI-KMEMLEAK-END' if kind == 'kmemleak' and not km else None
        while j < len(lines) and j - i < CONTEXT:
            if end_marker:
                if lines[j].startswith(end_marker):
                    j += 1
                    break
            else:
                if lines[j].startswith(('=== ', 'DENALI-')):
                    break
                lm = KLINE.match(lines[j])
                # the next report starts
                if lm and classify(lm.group(1)):
                    break
                if lm and ('---[ end trace' in lm.group(1) or re.match(r'={20,}', lm.group(1))):
                    j += 1
                    break
            j += 1
        if expect and expect[1] == kind:
            expect[2] = True
        elif case == 'boot' and any(p.search(msg) for p in KNOWN_BOOT):
            results.append('KNOWN\t%s\t%s\t%s' % (case, kind, msg.strip()[:200]))
        else:
            results.append('REPORT\t%s\t%s\t%s' % (case, kind, msg.strip()[:200]))
            for t in lines[i:j]:
                results.append('|' + t)
        i = j
    if expect:
        results.append('EXPECT\t%s\t%s\tmissing' % (expect[0], expect[1]))
    print('\n'.join(results))


if __name__ == '__main__':
    main(sys.argv[1])
