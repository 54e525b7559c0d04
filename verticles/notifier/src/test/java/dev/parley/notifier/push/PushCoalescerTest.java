package dev.parley.notifier.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One push per user, room and window, saying how many; reading the room drops the pending one. */
class PushCoalescerTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final List<PushCoalescer.Flush> flushed = new CopyOnWriteArrayList<>();
  private Promise<Void> firstFlush = Promise.promise();

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private static JsonObject notification(String room, long seq) {
    return new JsonObject().put("room", room).put("seq", seq).put("kind", "mention").put("text", "#" + seq);
  }

  private PushCoalescer coalescer(long windowMs) {
    return new PushCoalescer(vertx, windowMs, 10, flush -> {
      flushed.add(flush);
      firstFlush.tryComplete();
    }, () -> { });
  }

  private void run(Runnable work) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(nothing -> {
      work.run();
      done.complete();
    });
    Await.result(done.future());
  }

  @Test
  void aBurstOfFiftyIsOnePushThatSaysFifty() {
    PushCoalescer coalescer = coalescer(300);
    run(() -> {
      for (long seq = 1; seq <= 50; seq++) {
        coalescer.add("u1", notification("r1", seq));
      }
      coalescer.add("u2", notification("r1", 7));
    });
    Await.result(firstFlush.future());
    Promise<Void> both = Promise.promise();
    vertx.setPeriodic(5, id -> {
      if (flushed.size() >= 2) {
        vertx.cancelTimer(id);
        both.tryComplete();
      }
    });
    Await.result(both.future());
    PushCoalescer.Flush u1 = flushed.stream().filter(f -> f.userId().equals("u1")).findFirst().orElseThrow();
    assertThat(u1.count()).isEqualTo(50);
    assertThat(u1.latest().getLong("seq")).isEqualTo(50L);
    assertThat(flushed).hasSize(2);
  }

  @Test
  void readingTheRoomDropsThePendingPush() {
    PushCoalescer coalescer = coalescer(200);
    run(() -> {
      coalescer.add("u1", notification("r1", 4));
      coalescer.add("u1", notification("r1", 5));
      coalescer.add("u1", notification("r2", 9));
      assertThat(coalescer.open("u1", "r1")).isTrue();
      coalescer.read("u1", "r1", 5);
      assertThat(coalescer.open("u1", "r1")).isFalse();
      coalescer.read("u1", "r2", 8); // not yet up to the newest: stays
      assertThat(coalescer.open("u1", "r2")).isTrue();
    });
    Await.result(firstFlush.future());
    assertThat(flushed).extracting(PushCoalescer.Flush::roomId).containsExactly("r2");
    assertThat(coalescer.size()).isZero();
  }

  @Test
  void theNextNotificationAfterAWindowOpensTheNextWindow() {
    PushCoalescer coalescer = coalescer(100);
    run(() -> coalescer.add("u1", notification("r1", 1)));
    Await.result(firstFlush.future());
    firstFlush = Promise.promise();
    run(() -> coalescer.add("u1", notification("r1", 2)));
    Await.result(firstFlush.future());
    assertThat(flushed).extracting(PushCoalescer.Flush::count).containsExactly(1, 1);
  }
}
