#!/usr/bin/env python3
"""scripts/bench stages' tables. Run from the repository root.

  bench-stages.py row STAGE_JSON          one stage as a Markdown table row, printed as the stage ends
  bench-stages.py report STAGES_JSONL     docs/benchmarks/stages.md: the machine, the table, the contention

A stage is the load generator's summary (chat mode) plus what scripts/bench measured around it: the whole
machine's busy cores, the load generator's, and the load average, so that the share of the machine other work
took is in the table too.
"""
import json
import sys

import bench_machine

COLUMNS = ("users", "connected", "acked/s", "deliveries/s", "lost", "ack p50 / p99 ms", "delivery p50 / p99 ms",
           "server cores", "server RSS MiB", "load generator cores", "rest of the machine, cores", "load avg")


def cells(stage):
    others = max(0.0, stage.get("machineCores", 0) - stage.get("serverCoresWholeRun", 0) - stage.get("loadgenCores", 0))
    return (stage.get("users"), stage.get("connected"), stage.get("ackedPerSecond"), stage.get("deliveredPerSecond"),
            stage.get("lost"), "%s / %s" % (stage.get("ackP50Ms"), stage.get("ackP99Ms")),
            "%s / %s" % (stage.get("deliveryP50Ms"), stage.get("deliveryP99Ms")), stage.get("serverCores"),
            stage.get("serverRssMiB"), round(stage.get("loadgenCores", 0), 2), round(others, 2),
            stage.get("loadAverage"))


def row(stage):
    return "| " + " | ".join(str(cell) for cell in cells(stage)) + " |"


def header():
    return "| " + " | ".join(COLUMNS) + " |\n|" + " --- |" * len(COLUMNS)


def report(stages):
    out = ["# Load stages (`scripts/bench stages`)\n",
           "The seed's five stages, each a fresh all-in-one node and a fresh set of users: 100, 500, 1,000, 5,000 "
           "and 10,000 concurrent WebSocket users in rooms of 50, each sending one message every 10 s (1,000 "
           "messages/s and 50,000 deliveries/s at 10,000 users), driven by the Java load generator "
           "(`verticles/loadgen`) from the same machine. Latency percentiles and server CPU cover the steady state "
           "after a warm-up; `lost` counts acknowledged messages that did not reach every connected member of "
           "their room.\n",
           "## Machine\n"]
    out.extend(bench_machine.rows())
    out.append("")
    out.append("Everything shares these cores: the node, the load generator, MariaDB and Redis, and whatever else "
               "ran at the time. The last three columns say how busy the machine was during each stage: the load "
               "generator's own CPU, the rest of the machine (MariaDB and Redis serving this node, and any other "
               "work on the box), and the 1-minute load average at the end of the stage.\n")
    out.append("## Results\n")
    out.append(header())
    out.extend(row(stage) for stage in stages)
    out.append("")
    out.append("![latency and CPU against users](stages.png)\n")
    out.append("Raw results: `$PARLEY_BENCH_DIR/stages.jsonl` (default `/tmp/parley-bench`). The same stages for "
               "k6 users: `k6 run -e STAGES=seed k6/chat.js` (k6/README.md).\n")
    return "\n".join(out)


if __name__ == "__main__":
    if sys.argv[1] == "row":
        print(header())
        print(row(json.loads(sys.argv[2])))
    elif sys.argv[1] == "report":
        print(report([json.loads(line) for line in open(sys.argv[2]) if line.strip()]))
    else:
        sys.exit("usage: bench-stages.py row STAGE_JSON | report STAGES_JSONL")
