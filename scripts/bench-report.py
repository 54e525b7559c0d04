#!/usr/bin/env python3
"""Writes docs/benchmarks.md from scripts/bench's results.jsonl (argv[1]) for the suite size argv[2], followed by
the hand-written docs/benchmarks-notes.md. Run from the repository root."""
import json
import sys

import bench_machine

results = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
size = sys.argv[2] if len(sys.argv) > 2 else "quick"
by = {}
for r in results:
    by.setdefault(r["scenario"], []).append(r)

out = []
out.append("# Benchmarks\n")
out.append("Figures measured by `scripts/bench %s` (and `scripts/bench-sends`, `scripts/bench-login`) on the "
           "project's own machine, with the load generator on the same box as the server, MariaDB and Redis. "
           "Re-run them with the same command; raw results are in `/tmp/parley-bench/results.jsonl`.\n" % size)
out.append("## Machine\n")
out.extend(bench_machine.rows())
out.append("")
out.append("The node runs the `all-in-one` profile (persistence, rooms, search, 2 http, 2 socket) with a 3 GiB heap; "
           "Argon2 is lowered to 1 MiB / t=1 and registration limits raised so that tens of thousands of users can be "
           "created for a run (login costs are measured separately by `scripts/bench-login`).\n")


def row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


for name in ("sends-closed", "sends-open-10000"):
    for r in by.get(name, []):
        out.append("## Persisted sends straight to the persistence verticle (%s)\n" % name)
        out.append("`scripts/bench-sends` (%s): `%s`\n" % (name, r.get("line", "")))

for r in by.get("rest", []):
    out.append("## Persisted sends through REST\n")
    out.append("%d users, each posting a message and waiting for its 201 before the next (rooms of 5): %s sends/s, "
               "latency p50 %s / p95 %s / p99 %s / max %s ms, %s errors; server %s cores.\n" % (
                   r.get("users"), r.get("ackedPerSecond"), r.get("ackP50Ms"), r.get("ackP95Ms"), r.get("ackP99Ms"),
                   r.get("ackMaxMs"), r.get("sendErrors"), r.get("serverCores")))

for name, title in (("chat", "Chat scenario (WebSockets)"),):
    for r in by.get(name, []):
        out.append("## %s\n" % title)
        out.append("%d users in rooms of 50; each sends one message per interval; every acknowledged message must reach "
                   "every connected member of its room exactly once, in seq order.\n" % r.get("users", 0))
        out.append(row(["connected", "acked/s", "deliveries/s", "lost", "duplicates", "out of order",
                        "ack p50/p95/p99 ms", "delivery p50/p95/p99 ms", "server cores", "server RSS MiB"]))
        out.append(row(["---"] * 10))
        out.append(row([r.get("connected"), r.get("ackedPerSecond"), r.get("deliveredPerSecond"), r.get("lost"),
                        r.get("duplicates"), r.get("outOfOrder"),
                        "%s / %s / %s" % (r.get("ackP50Ms"), r.get("ackP95Ms"), r.get("ackP99Ms")),
                        "%s / %s / %s" % (r.get("deliveryP50Ms"), r.get("deliveryP95Ms"), r.get("deliveryP99Ms")),
                        r.get("serverCores"), r.get("serverRssMiB")]))
        out.append("")

for r in by.get("idle-heap", []):
    out.append("## Idle connections\n")
    out.append("%d authenticated WebSockets held open; heap measured after a full GC before and while they are open.\n"
               % r["sockets"])
    out.append(row(["sockets", "heap before MiB", "heap with sockets MiB", "heap per socket KiB", "RSS MiB"]))
    out.append(row(["---"] * 5))
    out.append(row([r["sockets"], r["heapBeforeMiB"], r["heapAfterMiB"], r["heapPerSocketKiB"], r["rssMiB"]]))
    out.append("")
for r in by.get("idle", []):
    out.append("Connected %s of %s in %s s, %s disconnects while held.\n" % (
        r.get("connected"), r.get("users"), r.get("connectSeconds"), r.get("disconnects")))

for r in by.get("storm", []):
    peak = by.get("storm-db", [{}])[0].get("peakQueriesPerSecond")
    out.append("## Reconnect storm\n")
    out.append("%s sockets dropped at once, then reconnected and resumed: %s resumed in %s s (reconnect p99 %s ms); "
               "peak database load %s queries/s.\n" % (r.get("stormSockets"), r.get("stormResumed"),
                                                         r.get("stormSeconds"), r.get("reconnectP99Ms"), peak))

maxes = sorted((r for s, rs in by.items() if s.startswith("max-") for r in rs), key=lambda r: -r.get("ackedPerSecond", 0))
if maxes:
    out.append("## Maximum send rate\n")
    out.append("2,000 users in rooms of 50, shorter and shorter send intervals (each run 60 s, the first 20 s left out of the percentiles):\n")
    out.append(row(["scenario", "acked/s", "deliveries/s", "lost", "ack p99 ms", "delivery p99 ms", "server cores"]))
    out.append(row(["---"] * 7))
    for s in sorted((s for s in by if s.startswith("max-")), key=lambda s: -int(s.split("-")[1])):
        r = by[s][0]
        out.append(row([s, r.get("ackedPerSecond"), r.get("deliveredPerSecond"), r.get("lost"), r.get("ackP99Ms"),
                        r.get("deliveryP99Ms"), r.get("serverCores")]))
    out.append("")

base, parley = by.get("compare-baseline", [{}])[0], by.get("compare-parley", [{}])[0]
if base and parley:
    out.append("## Parley against the bare Node server (`scripts/bench compare`)\n")
    out.append("The same load generator and scenario, one right after the other on this machine: %s users in rooms of "
               "50, every member (the sender too) receives each message; the baseline is "
               "`shared/bench/ws-baseline` (Node `ws`, in memory, no auth, no durability), Parley the all-in-one node "
               "(durable, indexed). Server CPU is counted from the first send to the end of the drain.\n"
               % parley.get("users"))
    out.append(row(["server", "acked/s", "deliveries", "server CPU s", "deliveries per CPU-s", "delivery p50 ms",
                    "delivery p99 ms", "lost"]))
    out.append(row(["---"] * 8))
    for label, r in (("Node baseline", base), ("Parley", parley)):
        out.append(row([label, r.get("ackedPerSecond"), r.get("delivered"), r.get("serverCpuSeconds"),
                        r.get("deliveriesPerServerCpuSecond"), r.get("deliveryP50Ms"), r.get("deliveryP99Ms"),
                        r.get("lost")]))
    ratio = (parley.get("deliveriesPerServerCpuSecond") or 0) / max(1e-9, base.get("deliveriesPerServerCpuSecond") or 0)
    out.append("\n**Ratio (Parley / baseline), deliveries per server CPU-second: %.2f** (target >= 1.3); delivery "
               "p99 %s ms against %s ms.\n" % (ratio, parley.get("deliveryP99Ms"), base.get("deliveryP99Ms")))

# The hand-written part (other benchmarks, interpretation, profiles) lives in docs/benchmarks-notes.md, so
# that a new run rewrites the tables and keeps the text; update the text when the figures move.
try:
    with open("docs/benchmarks-notes.md") as notes:
        out.append(notes.read())
except FileNotFoundError:
    out.append("## Notes\n")
    out.append("See the issue notes for the interpretation of these figures.\n")
print("\n".join(out))
