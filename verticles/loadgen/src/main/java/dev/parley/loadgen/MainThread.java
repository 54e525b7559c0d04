package dev.parley.loadgen;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Waits for a future on the launcher's main thread (never an event loop): the runs are sequential scripts. */
final class MainThread {

  private MainThread() {
  }

  static <T> T await(Future<T> future, long seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }
}
