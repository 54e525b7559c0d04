package dev.parley.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hashing runs off the event loop, in parallel, and never queues beyond its cap. */
class HashingPoolTest {

  @Test
  void runsOnWorkersInParallelAndRefusesBeyondTheCap() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HashingPool pool = new HashingPool(vertx, 2, 3);
      CountDownLatch bothRunning = new CountDownLatch(2);
      CountDownLatch release = new CountDownLatch(1);
      List<Future<String>> accepted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        accepted.add(pool.run(() -> {
          bothRunning.countDown();
          release.await(30, TimeUnit.SECONDS);
          return Thread.currentThread().getName();
        }));
      }
      // Two tasks run at once (unordered execution on two threads); the third waits in the queue.
      assertThat(bothRunning.await(30, TimeUnit.SECONDS)).isTrue();

      Throwable refused = Await.failure(pool.run(() -> "too many"));
      assertThat(ParleyException.from(refused).code()).isEqualTo(ErrorCode.UNAVAILABLE);

      release.countDown();
      Await.result(Future.all(accepted));
      assertThat(accepted).allSatisfy(task -> assertThat(task.result()).startsWith(HashingPool.POOL_NAME));
      assertThat(pool.inFlight()).isZero();
      assertThat(Await.result(pool.run(() -> "again"))).isEqualTo("again");
      Await.result(pool.close());
    } finally {
      Await.result(vertx.close());
    }
  }
}
