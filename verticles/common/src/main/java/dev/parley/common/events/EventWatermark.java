package dev.parley.common.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which ids of the message event stream a reader has handled, when ids do not arrive in order.
 *
 * <p>Outbox ids come from AUTO_INCREMENT, which hands them out at INSERT time, while transactions commit in any
 * order: id 11 can be visible (and relayed) before id 10, and some ids never appear at all (their transaction
 * rolled back). So a reader cannot keep "the last id" as its position. It keeps:
 * <ul>
 *   <li>{@link #low()}: every id up to it is handled, or was given up as a gap — the position to store and to
 *   resume from after a restart (resuming re-reads some handled events, so handling must be idempotent);</li>
 *   <li>the handled ids above it, as runs of consecutive ids, each with the time its first id was created; and
 *   {@link #high()}, the highest id handled.</li>
 * </ul>
 * Missing ids between {@code low} and {@code high} are open {@link #gaps}: a transaction still running, or one
 * that rolled back. A reader re-checks open gaps against MySQL; a gap older than the gap timeout (measured from
 * the creation time of the first id seen above it, which was allocated after every id of the gap) is taken to
 * be a rollback and {@code low} moves past it.
 *
 * <p>Not thread-safe: owned by one event loop.
 */
public final class EventWatermark {

  /** Consecutive handled ids {@code [start, end]}; {@code since} = creation time of {@code start} (epoch ms). */
  private record Run(long start, long end, long since) {
  }

  /** A range of missing ids {@code [from, to]} and how long it has been open. */
  public record Gap(long from, long to, long ageMs) {
  }

  private final long gapTimeoutMs;
  private final TreeMap<Long, Run> runs = new TreeMap<>();
  private long low;
  private long high;
  private long givenUp;

  public EventWatermark(long start, long gapTimeoutMs) {
    this.low = Math.max(0, start);
    this.high = this.low;
    this.gapTimeoutMs = gapTimeoutMs;
  }

  public long low() {
    return low;
  }

  public long high() {
    return high;
  }

  /** Ids given up as gaps so far (each counted once). */
  public long givenUp() {
    return givenUp;
  }

  /**
   * Marks an event id handled. {@code createdAt} is when the event was created (epoch ms; use the current time
   * when unknown). Returns false when the id was handled (or given up) before.
   */
  public boolean handled(long id, long createdAt, long now) {
    if (id <= low) {
      return false;
    }
    long since = Math.min(createdAt, now);
    Map.Entry<Long, Run> before = runs.floorEntry(id);
    if (before != null && before.getValue().end() >= id) {
      return false;
    }
    Run run;
    if (before != null && before.getValue().end() == id - 1) {
      run = new Run(before.getKey(), id, before.getValue().since());
    } else {
      run = new Run(id, id, since);
    }
    Run next = runs.get(id + 1);
    if (next != null) {
      runs.remove(id + 1);
      run = new Run(run.start(), next.end(), run.since());
    }
    runs.put(run.start(), run);
    high = Math.max(high, id);
    advance(now);
    return true;
  }

  /** Whether an id was handled (or given up) already. */
  public boolean contains(long id) {
    if (id <= low) {
      return true;
    }
    Map.Entry<Long, Run> before = runs.floorEntry(id);
    return before != null && before.getValue().end() >= id;
  }

  /** Moves {@code low} over handled runs and over gaps older than the timeout. */
  public void advance(long now) {
    while (!runs.isEmpty()) {
      Run first = runs.firstEntry().getValue();
      if (first.start() > low + 1) {
        if (now - first.since() < gapTimeoutMs) {
          return;
        }
        givenUp += first.start() - low - 1;
      }
      low = first.end();
      runs.pollFirstEntry();
    }
  }

  /** The open gaps, lowest first, at most {@code max} of them. */
  public List<Gap> gaps(long now, int max) {
    List<Gap> gaps = new ArrayList<>();
    long expected = low + 1;
    for (Run run : runs.values()) {
      if (gaps.size() >= max) {
        break;
      }
      if (run.start() > expected) {
        gaps.add(new Gap(expected, run.start() - 1, Math.max(0, now - run.since())));
      }
      expected = run.end() + 1;
    }
    return gaps;
  }

  /** How many runs of handled ids are kept above {@code low} (memory; one per open gap). */
  public int runs() {
    return runs.size();
  }
}
