package dev.parley.socket;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs at most {@code limit} tasks at a time; the others wait their turn in arrival order. A burst of work
 * (thousands of sockets reconnecting at once) then reaches Redis, the rooms verticle and MySQL at a rate they
 * serve, instead of overflowing their bounded wait queues and failing. Event-loop confined.
 */
final class Gate {

  private final int limit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  Gate(int limit) {
    this.limit = Math.max(1, limit);
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
    } else {
      waiting.add(start);
    }
    return result.future();
  }
}
