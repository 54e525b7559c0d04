#!/usr/bin/env python3
"""scripts/chaos-report.py DIR -- the tables of a scripts/chaos run: one row per fault (what the clients saw, from
DIR/client/timeline.jsonl; /ready and RSS of the nodes, from DIR/samples.jsonl), then the verification counts
(DIR/client/verify.json). Markdown on stdout."""
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


if __name__ == "__main__":
    main(sys.argv[1])
