#!/usr/bin/env python3
"""Checks a file against the Chrome trace-event format, as `run --timeline` writes it.

Usage: timeline_check.py FILE [--expect-names]

What Perfetto and chrome://tracing need of it (the Trace Event Format document):
the JSON object form ({"traceEvents": [...]}, or a bare array); every event with
name, ph, pid and tid, and ts in microseconds unless it is metadata ("M"); "X" with a
dur >= 0; "B"/"E" balanced per thread (pid, tid), each E closing the last open B of
its name; "b"/"e" (nestable async) with cat and id, balanced per (cat, id), nested;
"C" with numeric args; "M" one of the known names with the args it needs. And what
makes a track readable: timestamps never go back on a thread, in an async slice or a
counter; a thread's "X" slices nest and do not overlap. --expect-names also wants
every process and thread that has events named by "M" events.

Prints one line per problem (the first 20) and exits 1, or prints a summary, exit 0.
"""
import json
import sys
from collections import Counter, defaultdict

PHASES = set("BEXiIbneCMsftPONDRc")
META = {"process_name": "name", "process_labels": "labels", "thread_name": "name",
        "process_sort_index": "sort_index", "thread_sort_index": "sort_index"}


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Checker:
    def __init__(self):
        self.errors = []

    def err(self, i, msg):
        self.errors.append(f"traceEvents[{i}]: {msg}")

    def fields(self, i, e):
        """The fields every event of its phase must have, with their types."""
        if not isinstance(e, dict):
            return self.err(i, "not an object") or False
        ph = e.get("ph")
        if not isinstance(ph, str) or ph not in PHASES:
            return self.err(i, f"ph {ph!r} is not a known phase") or False
        ok = True
        if not isinstance(e.get("name"), str):
            ok = self.err(i, f"{ph}: no string name") or False
        for k in ("pid", "tid"):
            if not isinstance(e.get(k), int) or isinstance(e.get(k), bool):
                ok = self.err(i, f"{ph}: no integer {k}") or False
        if ph != "M" and (not is_num(e.get("ts")) or e["ts"] < 0):
            ok = self.err(i, f"{ph}: no ts >= 0 (µs)") or False
        if ph == "X" and (not is_num(e.get("dur")) or e["dur"] < 0):
            ok = self.err(i, "X: no dur >= 0") or False
        if ph in "bne" and (not isinstance(e.get("cat"), str)
                            or not isinstance(e.get("id"), (int, str))):
            ok = self.err(i, f"{ph}: nestable async events need cat and id") or False
        if ph == "C" and (not isinstance(e.get("args"), dict) or not e["args"]
                          or not all(is_num(v) for v in e["args"].values())):
            ok = self.err(i, "C: args must be a non-empty object of numbers") or False
        if ph == "M":
            ok = self.meta(i, e) and ok
        if "args" in e and not isinstance(e["args"], dict):
            ok = self.err(i, f"{ph}: args is not an object") or False
        return ok

    def meta(self, i, e):
        key = META.get(e.get("name"))
        args = e.get("args")
        if key is None:
            return self.err(i, f"M: unknown metadata {e.get('name')!r}") or False
        if not isinstance(args, dict) or key not in args:
            return self.err(i, f"M {e['name']}: args.{key} missing") or False
        if key == "sort_index" and not isinstance(args[key], int):
            return self.err(i, f"M {e['name']}: sort_index is not an integer") or False
        if key == "name" and not isinstance(args[key], str):
            return self.err(i, f"M {e['name']}: name is not a string") or False
        return True

    def check(self, events, expect_names):
        last_ts = {}                   # (kind, key) -> ts: never goes back
        stacks = defaultdict(list)     # (pid, tid) -> open B names
        async_open = defaultdict(list)  # (cat, id) -> open b names
        slices = defaultdict(list)     # (pid, tid) -> (ts, dur, index) of X
        named_p, named_t, used_p, used_t = set(), set(), set(), set()
        for i, e in enumerate(events):
            if not self.fields(i, e):
                continue
            ph, pid, tid = e["ph"], e["pid"], e["tid"]
            if ph == "M":
                if e["name"] == "process_name":
                    named_p.add(pid)
                if e["name"] == "thread_name":
                    named_t.add((pid, tid))
                continue
            used_p.add(pid)
            key = (("async", e["cat"], e["id"]) if ph in "bne"
                   else ("counter", pid, e["name"]) if ph == "C" else ("thread", pid, tid))
            if key in last_ts and e["ts"] < last_ts[key]:
                self.err(i, f"{ph} {e['name']!r}: ts {e['ts']} goes back from "
                         f"{last_ts[key]} on {key}")
            last_ts[key] = e["ts"]
            if ph in "BEX":
                used_t.add((pid, tid))
            if ph == "B":
                stacks[(pid, tid)].append(e["name"])
            elif ph == "E":
                st = stacks[(pid, tid)]
                if not st:
                    self.err(i, f"E {e['name']!r} with no open B on pid {pid} tid {tid}")
                elif e["name"] and st[-1] != e["name"]:
                    self.err(i, f"E {e['name']!r} closes B {st[-1]!r} on pid {pid} tid {tid}")
                    st.pop()
                else:
                    st.pop()
            elif ph == "X":
                # in ns, whole: sums of µs floats would overlap by rounding
                slices[(pid, tid)].append((round(e["ts"] * 1000), round(e["dur"] * 1000), i))
            elif ph == "b":
                async_open[(e["cat"], e["id"])].append(e["name"])
            elif ph == "e":
                st = async_open[(e["cat"], e["id"])]
                if not st:
                    self.err(i, f"e {e['name']!r} with no open b of id {e['id']}")
                elif st[-1] != e["name"]:
                    self.err(i, f"e {e['name']!r} closes b {st[-1]!r} of id {e['id']}")
                    st.pop()
                else:
                    st.pop()
        for (pid, tid), st in stacks.items():
            if st:
                self.errors.append(f"pid {pid} tid {tid}: B {st[-1]!r} never ends")
        for (cat, aid), st in async_open.items():
            if st:
                self.errors.append(f"async {cat} id {aid}: b {st[-1]!r} never ends")
        for track, xs in slices.items():
            self.nesting(track, xs)
        if expect_names:
            for pid in sorted(used_p - named_p):
                self.errors.append(f"pid {pid} has events but no process_name")
            for pid, tid in sorted(used_t - named_t):
                self.errors.append(f"pid {pid} tid {tid} has slices but no thread_name")

    def nesting(self, track, xs):
        """A thread's X slices must nest: one that starts inside another ends inside it."""
        ends = []
        for ts, dur, i in sorted(xs, key=lambda x: (x[0], -x[1], x[2])):
            while ends and ends[-1] <= ts:
                ends.pop()
            if ends and ts + dur > ends[-1]:
                self.err(i, f"X at {ts / 1000} µs (dur {dur / 1000}) overlaps a slice ending "
                         f"at {ends[-1] / 1000} on pid {track[0]} tid {track[1]}")
            ends.append(ts + dur)


def main(argv):
    if len(argv) < 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as ex:
        print(f"{argv[1]}: not JSON: {ex}")
        return 1
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        print(f"{argv[1]}: no traceEvents array")
        return 1
    c = Checker()
    if isinstance(doc, dict) and doc.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        c.errors.append("displayTimeUnit is neither ms nor ns")
    c.check(events, "--expect-names" in argv)
    for line in c.errors[:20]:
        print(f"{argv[1]}: {line}")
    if c.errors:
        print(f"{argv[1]}: {len(c.errors)} problems")
        return 1
    phases = Counter(e["ph"] for e in events)
    print(f"{argv[1]}: ok, {len(events)} events: "
          + " ".join(f"{k}={v}" for k, v in sorted(phases.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
