#!/usr/bin/env python3
"""scripts/chaos-report.py DIR -- the tables of a scripts/chaos run: one row per fault (what the clients saw, from
DIR/client/timeline.jsonl; /ready and RSS of the nodes, from DIR/samples.jsonl), then the verification counts
(DIR/client/verify.json); for a partition, /ready of every node over time (DIR/ready-fast.jsonl, every 200 ms) and
whether it told the truth, also written to DIR/partition.json. Markdown on stdout."""
import json
import sys
from collections import defaultdict


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def main(d):
    timeline = {s["t"]: s for s in lines(f"{d}/client/timeline.jsonl")}
    samples = lines(f"{d}/samples.jsonl")
    marks = lines(f"{d}/faults.jsonl")
    faults = []
    for m in marks:
        if m.get("skipped"):
            faults.append({"name": m["fault"], "skipped": m["skipped"]})
        elif m["phase"] == "start":
            faults.append({"name": m["fault"], "start": m["t"] / 1000})
        elif faults and faults[-1]["name"] == m["fault"]:
            faults[-1][m["phase"]] = m["t"] / 1000
    seconds = sorted(timeline)
    out = ["| fault | acks/s before | min acks/s | acks flowing again after | longest wait for an ack | sends (new) | "
           "re-sent same id | errors (codes) | seconds below half rate | disconnects / reconnects / heartbeat timeouts | /ready not 200 | "
           "RSS MiB before → after |", "|" + "---|" * 12]
    for f in faults:
        if "skipped" in f:
            out.append(f"| {f['name']} | skipped: {f['skipped']} |" + " |" * 10)
            continue
        start = int(f["start"])
        end = int(f.get("end", f.get("restored", f["start"]))) + 1
        before = [timeline[t]["acked"] for t in seconds if start - 10 <= t < start]
        base = sum(before) / len(before) if before else 0
        window = [timeline[t] for t in seconds if start <= t <= end]
        total = defaultdict(int)
        codes = defaultdict(int)
        for s in window:
            for k in ("sent", "resent", "acked", "errors", "disconnects", "reconnects", "heartbeatTimeouts"):
                total[k] += s[k]
            for c, n in s["errorCodes"].items():
                codes[c] += n
        # Acks "flow" in a second with at least half the rate of the 10 s before the fault; the time until they
        # flowed again is from the fault to the end of the last second below that.
        # A restarted node's rejoin can cost a second dip later in the window: counted in "seconds below half".
        low = [s["t"] for s in window if s["acked"] < base / 2]
        recovered = 0
        if low:
            first_ok = next((s["t"] for s in window if s["t"] > low[0] and s["acked"] >= base / 2), end)
            recovered = first_ok - f["start"]
        min_acks = min((s["acked"] for s in window), default=0)
        longest = max((max(s["oldestPendingMs"], s["ackMaxMs"]) for s in window), default=0)
        not_ready = defaultdict(int)
        members = defaultdict(set)
        rss_before, rss_after = {}, {}
        for s in samples:
            t = s["t"] / 1000
            if t < f["start"]:
                rss_before[s["node"]] = s["rssKiB"]
            if f["start"] <= t <= end:
                if s["ready"] != 200:
                    not_ready[s["node"]] += 1
                if s["members"] is not None:
                    members[s["node"]].add(s["members"])
                if s["rssKiB"]:
                    rss_after[s["node"]] = s["rssKiB"]
        ready = ", ".join(f"{n} {c} s" for n, c in sorted(not_ready.items())) or "all 200"
        rss = ", ".join(f"{n} {rss_before.get(n, 0) // 1024}→{rss_after.get(n, 0) // 1024}"
                        for n in sorted(set(rss_before) | set(rss_after)))
        code_text = ", ".join(f"{c} {n}" for c, n in sorted(codes.items()))
        out.append(f"| {f['name']} | {base:.0f} | {min_acks} | {recovered:.1f} s | {longest / 1000:.1f} s | "
                   f"{total['sent']} | {total['resent']} | {total['errors']}{' (' + code_text + ')' if code_text else ''} | {len(low)} | "
                   f"{total['disconnects']} / {total['reconnects']} / {total['heartbeatTimeouts']} | {ready} | {rss} |")
    for f in faults:
        if f["name"] == "partition" and "skipped" not in f:
            out += partition_readiness(d, f, timeline, seconds)
    verify = {}
    try:
        with open(f"{d}/client/verify.json") as f:
            verify = json.load(f)
    except FileNotFoundError:
        out.append("\nno verify.json: the load client did not finish")
    if verify:
        client = verify.pop("client", {})
        out.append("")
        out.append("| verification | count |")
        out.append("|---|---|")
        for k in ("passed", "rooms", "stored", "acked", "holes", "repeats", "ackedMissing", "ackedMismatched",
                  "storedTwice", "storedUnacked", "unackedAtEnd", "conflictingAcks", "receivers", "receiverDeliveries",
                  "receiverMissing", "receiverWrongId", "repeatsOnOneConnection"):
            out.append(f"| {k} | {verify.get(k, 0)} |")
        out.append("")
        out.append("client totals: " + ", ".join(f"{k} {v}" for k, v in sorted(client.items())))
    print("\n".join(out))


# A /ready request that began this long after the link went down may still have been answered from before it.
GRACE_S = 1.5


def partition_readiness(d, f, timeline, seconds):
    """/ready of every node from the partition on: its changes, and the checks that it told the truth. An edge
    must say 503 (with the reason) while it cannot reach the cores, and 200 after the heal only once it is merged
    back (every node a member again) and the peers it needs answer."""
    samples = sorted(lines(f"{d}/ready-fast.jsonl"), key=lambda s: s["t"])
    start, heal = f["start"], f.get("restored", f["start"])
    nodes = sorted({s["node"] for s in samples})
    expected = max((s["body"]["checks"]["cluster"]["members"] for s in samples
                    if s["body"] and s["t"] / 1000 < start), default=len(nodes))
    before = [timeline[t]["acked"] for t in seconds if start - 10 <= t < start]
    base = sum(before) / len(before) if before else 0
    flowing = next((t for t in seconds if t > heal and timeline[t]["acked"] >= base / 2), None)
    out = ["", f"partition: /ready every 200 ms, times from the cut (the heal at +{heal - start:.1f} s); "
           f"acks at half rate again at {'+%.1f s' % (flowing - start) if flowing else 'never'}", "",
           "| node | /ready over time (from +s: status, members, reason) | 503 during the cut | "
           "first 200 after the heal | members then |", "|---|---|---|---|---|"]
    violations = []
    for node in nodes:
        mine = [s for s in samples if s["node"] == node and s["t"] / 1000 >= start - 1]
        changes, last = [], None
        for s in mine:
            body = s["body"] or {}
            members = body.get("checks", {}).get("cluster", {}).get("members")
            reason = "; ".join(filter(None, [body.get("checks", {}).get(c, {}).get("error") for c in body.get("failing", [])]))
            reason = reason or ", ".join(body.get("failing", []))
            state = (s["ready"], members, reason)
            if state != last:
                changes.append(f"{s['t'] / 1000 - start:+.1f} s: {s['ready'] or 'no answer'}, {members} {reason}".strip())
                last = state
        cut = [s for s in mine if s["t"] / 1000 >= start + GRACE_S and s["tEnd"] / 1000 <= heal]
        cut_503 = sum(1 for s in cut if s["ready"] == 503)
        after = [s for s in mine if s["t"] / 1000 >= heal]
        first_ok = next((s for s in after if s["ready"] == 200), None)
        first_members = first_ok["body"]["checks"]["cluster"]["members"] if first_ok and first_ok["body"] else None
        if node.startswith("edge"):
            lying = [s for s in cut if s["ready"] == 200]
            if lying:
                violations.append(f"{node}: 200 at +{lying[0]['t'] / 1000 - start:.1f} s while cut off")
            early = [s for s in after if s["ready"] == 200 and s["body"]
                     and s["body"]["checks"]["cluster"]["members"] < expected]
            if early:
                violations.append(f"{node}: 200 at +{early[0]['t'] / 1000 - start:.1f} s with "
                                  f"{early[0]['body']['checks']['cluster']['members']} of {expected} members")
            if not first_ok:
                violations.append(f"{node}: never 200 again after the heal")
        out.append(f"| {node} | {'<br>'.join(changes)} | {cut_503} of {len(cut)} | "
                   f"{'+%.1f s' % (first_ok['t'] / 1000 - start) if first_ok else 'never'} | {first_members} |")
    truthful = not violations
    out.append("")
    out.append("/ready told the truth: " + ("yes" if truthful else "NO: " + "; ".join(violations)))
    with open(f"{d}/partition.json", "w") as fh:
        json.dump({"truthful": truthful, "violations": violations, "expectedMembers": expected}, fh)
    return out


if __name__ == "__main__":
    main(sys.argv[1])
