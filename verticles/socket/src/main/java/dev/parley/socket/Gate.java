package dev.parley.socket;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs at most {@code limit} tasks at a time; up to {@code maxWaiting} others wait their turn in arrival order,
 * and beyond that a task fails at once with 503 {@code unavailable} (the client retries with backoff) instead of
 * queueing without bound. A burst of work (thousands of sockets reconnecting at once) then reaches Redis, the
 * rooms verticle and MySQL at a rate they serve. Event-loop confined.
 */
final class Gate {

  /** The answer past the wait queue's bound (no stack trace: it is a load signal, not a bug). */
  static final ParleyException BUSY = new ParleyException(ErrorCode.UNAVAILABLE, "busy, retry later");

  private final int limit;
  private final int maxWaiting;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  Gate(int limit, int maxWaiting) {
    this.limit = Math.max(1, limit);
    this.maxWaiting = Math.max(0, maxWaiting);
  }

  <T> Future<T> run(Supplier<Future<T>> task) {
    Promise<T> result = Promise.promise();
    Runnable start = () -> {
      running++;
      Future<T> started;
      try {
        started = task.get();
      } catch (RuntimeException failed) {
        started = Future.failedFuture(failed);
      }
      started.onComplete(done -> {
        running--;
        Runnable next = running < limit ? waiting.poll() : null;
        if (next != null) {
          next.run();
        }
        result.handle(done);
      });
    };
    if (running < limit) {
      start.run();
    } else if (waiting.size() < maxWaiting) {
      waiting.add(start);
    } else {
      return Future.failedFuture(BUSY);
    }
    return result.future();
  }
}
