package dev.parley.http.auth;

import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where password hashing runs: a small worker pool shared by every HTTP verticle instance of the node (one
 * thread per core is plenty: Argon2 is CPU-bound), with a node-wide cap on hashes running or waiting. Beyond the
 * cap a request fails at once with 503 unavailable instead of queueing, so memory (each running hash holds
 * {@code memoryKiB}) and latency stay bounded under a login storm.
 */
final class HashingPool {

  static final String POOL_NAME = "parley-argon2";
  private static final String COUNTER_MAP = "parley.http.argon2";

  /** Node-wide count of hashes in flight, shared through a local map. */
  static final class InFlight extends AtomicInteger implements Shareable {
    private static final long serialVersionUID = 1L;
  }

  private final WorkerExecutor executor;
  private final InFlight inFlight;
  private final int maxPending;

  HashingPool(Vertx vertx, int threads, int maxPending) {
    this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, threads, 30, TimeUnit.SECONDS);
    this.inFlight = vertx.sharedData().<String, InFlight>getLocalMap(COUNTER_MAP)
        .computeIfAbsent("inFlight", key -> new InFlight());
    this.maxPending = maxPending;
  }

  /** Runs a hashing task on the pool (unordered: tasks of one verticle run in parallel), or refuses it. */
  <T> Future<T> run(Callable<T> task) {
    if (inFlight.incrementAndGet() > maxPending) {
      inFlight.decrementAndGet();
      return Future.failedFuture(ParleyException.unavailable("too many logins in progress, retry shortly"));
    }
    return executor.executeBlocking(task, false).onComplete(done -> inFlight.decrementAndGet());
  }

  int inFlight() {
    return inFlight.get();
  }

  Future<Void> close() {
    return executor.close();
  }
}
