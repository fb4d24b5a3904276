#!/usr/bin/env python3
"""Summarizes one scripts/bench/signalling-step run directory as key=value lines
(after shared/bench-peers/summarize.py): sipp's final -trace_stat line, CPU per
process group from pidstat, socket drops, and for Legato the loop lag from
`legato ctl status --json` and the overload log lines."""
import collections, json, os, re, sys

R, mode, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])


def last(path):
    try:
        lines = [l.rstrip('\n') for l in open(path) if l.strip()]
    except OSError:
        return None
    if len(lines) < 2:
        return None
    return dict(zip(lines[0].split(';'), lines[-1].split(';')))


out = {}
uac = last(os.path.join(R, 'uac_stat.csv'))
uas = last(os.path.join(R, 'uas_stat.csv'))
if uac:
    t0 = float(uac['StartTime'].split('\t')[-1]); t1 = float(uac['CurrentTime'].split('\t')[-1])
    el = t1 - t0
    # Calls are generated for SECS; the last ones end HOLD_MS later: the
    # achieved rate is over the generation time, not the hold at the end.
    gen = el - int(os.environ.get('HOLD_MS', '0')) / 1000.0
    ok = int(uac['SuccessfulCall(C)']); fail = int(uac['FailedCall(C)'])
    rtx = int(uac['Retransmissions(C)'])
    out.update(target=rate, elapsed=round(el, 1), created=int(uac['TotalCallCreated']), ok=ok, failed=fail,
               uac_retrans=rtx, retrans_pct=round(100.0 * rtx / max(ok + fail, 1), 3),
               achieved_cps=round(ok / gen, 1) if gen > 0 else 0, rt_avg=uac['ResponseTime1(C)'],
               dead=uac['DeadCallMsgs(C)'], unexpected=uac.get('FailedUnexpectedMessage(C)', '0'),
               wd_major=uac['WatchdogMajor(C)'])
if uas:
    out.update(uas_ok=uas['SuccessfulCall(C)'], uas_failed=uas['FailedCall(C)'], uas_retrans=uas['Retransmissions(C)'])

pids = dict(x.split('=') for x in open(os.path.join(R, 'pids.txt')).read().split())
sut = set()
kp = os.path.join(R, 'kam_pids.txt')
if os.path.exists(kp):
    sut = set(x for x in open(kp).read().strip().split(',') if x)
per = collections.defaultdict(dict)
waits = collections.defaultdict(dict)  # %wait: runnable but not running (the machine was busy)
for l in open(os.path.join(R, 'pidstat.txt')):
    f = l.split()
    if len(f) >= 10 and f[0][0].isdigit() and f[2].isdigit():
        per[f[0]][f[2]] = float(f[7])
        waits[f[0]][f[2]] = float(f[6])
grp = collections.defaultdict(list)
for t, d in per.items():
    if d.get(pids['uac'], 0) < 1.0:
        continue  # only the seconds in which the generator was running
    grp['uac'].append(d.get(pids['uac'], 0))
    grp['uas'].append(d.get(pids['uas'], 0))
    if sut:
        grp['sut'].append(sum(v for p, v in d.items() if p in sut))
        grp['sutwait'].append(max([v for p, v in waits[t].items() if p in sut] or [0]))
for g, v in grp.items():
    if v:
        out['cpu_%s_avg' % g] = round(sum(v) / len(v), 1)
        out['cpu_%s_max' % g] = round(max(v), 1)
if 'cpu_sut_avg' in out and out.get('achieved_cps'):
    out['sut_cpu_ms_per_call'] = round(10.0 * out['cpu_sut_avg'] / out['achieved_cps'], 3)
try:
    txt = open(os.path.join(R, 'sockets_end.txt')).read()
    for port, rb, drops in re.findall(r'127\.0\.0\.1:(\d+) .*?skmem:\(r\d+,rb(\d+),.*?d(\d+)\)', txt, re.S):
        out['sock%s_rb_drops' % port] = '%s/%s' % (rb, drops)
except OSError:
    pass
if mode == 'legato':
    # One status per signalling shard (ctl_status.json, ctl_status.1.json, ...):
    # the worst lag of any shard, and the beats of all.
    import glob
    for path in sorted(glob.glob(os.path.join(R, 'ctl_status*.json'))):
        try:
            st = json.load(open(path))
        except (OSError, ValueError):
            out.setdefault('lag_p99_ms', 'n/a')
            continue
        for k in ('lag_p99_ms', 'lag_max_ms'):
            if k in st:
                prev = out.get(k)
                out[k] = st[k] if not isinstance(prev, (int, float)) else max(prev, st[k])
        if 'lag_beats' in st:
            out['lag_beats'] = out.get('lag_beats', 0) + st['lag_beats']
        if 'calls_total' in st:
            out['shard_calls'] = (str(out['shard_calls']) + '/' if 'shard_calls' in out else '') + str(st['calls_total'])
    if 'lag_p99_ms' not in out:
        out['lag_p99_ms'] = 'n/a'
    try:
        log = open(os.path.join(R, 'legato.log'), errors='replace').read()
        out['overloaded_logs'] = log.count('legato.overloaded')
    except OSError:
        pass
for k, v in out.items():
    print('%s=%s' % (k, v))
