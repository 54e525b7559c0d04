package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes run the hooks verticle and exactly one delivers (the holder of the hooks lock): while both run,
 * every event arrives once. kill -9 of the deliverer while messages keep coming: the other takes the lock within
 * seconds and delivers from the stored cursor, so every event id still arrives (repeats only with the same id
 * and body).
 */
class HookFailoverTest {

  private static final Map<String, String> SHARED = TestConfig.environment();
  private static final String CORE = "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}, {\"verticle\": \"http\"}]";
  private static final String HOOKS = "[{\"verticle\": \"hooks\"}]";
  private static final String DELIVERING = "hooks: this instance delivers";
  private static Vertx client;
  private static NodeProcess core;
  private static NodeProcess hooksA;
  private static NodeProcess hooksB;

  @BeforeAll
  static void start() {
    SHARED.put("PARLEY_HOOKS_ALLOWPRIVATETARGETS", "true");
    SHARED.put("PARLEY_HOOKS_RETRYBASEMS", "200");
    SHARED.put("PARLEY_HOOKS_RETRYMAXMS", "1000");
    SHARED.put("PARLEY_HOOKS_MAXCONSECUTIVEFAILURES", "1000");
    SHARED.put("PARLEY_HOOKS_CURSORSAVEMS", "200");
    SHARED.put("PARLEY_HOOKS_LEADERRETRYMS", "500");
    client = Vertx.vertx();
    NodeProcess[] nodes = NodeProcess.cluster(client, SHARED, new NodeProcess.Spec("core", CORE),
        new NodeProcess.Spec("hooks-a", HOOKS), new NodeProcess.Spec("hooks-b", HOOKS));
    core = nodes[0];
    hooksA = nodes[1];
    hooksB = nodes[2];
  }

  @AfterAll
  static void stop() {
    NodeProcess.stopAll(client, SHARED, hooksA, hooksB, core);
  }

  @Test
  void exactlyOneInstanceDeliversAndTheOtherTakesOverAfterKill9() {
    ApiClient api = new ApiClient(client, core.port("PARLEY_HTTP_PORT"));
    User owner = api.register();
    String room = api.room(owner, "private");
    HookReceiver receiver = new HookReceiver(client, "s3cret-failover").start();
    HooksNode.hook(api, owner, room, receiver, "s3cret-failover", "message");
    NodeProcess leader = api.await(HookFailoverTest::leader, found -> found != null, Duration.ofSeconds(30));
    NodeProcess standby = leader == hooksA ? hooksB : hooksA;

    int before = 20;
    for (int i = 1; i <= before; i++) {
      api.send(owner, room, "before " + i);
    }
    List<HookReceiver.Delivery> first = api.await(receiver::deliveries, all -> all.size() >= before,
        Duration.ofSeconds(30));
    // Give a second deliverer (if there were one) time to repeat them: nothing may arrive twice.
    Await.result(client.timer(2000));
    assertThat(receiver.deliveries()).as("one deliverer: each event once").hasSize(before);
    assertThat(first.stream().map(HookReceiver.Delivery::eventId).distinct()).hasSize(before);
    assertThat(read(standby.log)).doesNotContain(DELIVERING);

    leader.kill();
    int after = 20;
    for (int i = 1; i <= after; i++) {
      api.send(owner, room, "after " + i);
    }
    int total = before + after;
    List<HookReceiver.Delivery> got = api.await(receiver::deliveries,
        all -> all.stream().map(HookReceiver.Delivery::eventId).distinct().count() == total, Duration.ofSeconds(60));
    assertThat(read(standby.log)).contains(DELIVERING);

    Map<String, JsonObject> byId = new HashMap<>();
    for (HookReceiver.Delivery delivery : got) {
      assertThat(delivery.signed()).isTrue();
      JsonObject earlier = byId.putIfAbsent(delivery.eventId(), delivery.body());
      if (earlier != null) {
        assertThat(delivery.body()).as("a repeat carries the same event").isEqualTo(earlier);
      }
    }
    Set<Long> seqs = byId.values().stream().map(event -> event.getJsonObject("message").getLong("seq"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    System.out.printf("hooks failover: %d events, %d deliveries (%d repeats after the kill)%n", total, got.size(),
        got.size() - total);
    receiver.stop();
  }

  /** The hooks node that logged taking the lock (null while none has). */
  private static NodeProcess leader() {
    List<NodeProcess> leading = Stream.of(hooksA, hooksB).filter(node -> read(node.log).contains(DELIVERING)).toList();
    assertThat(leading).as("at most one instance delivers").hasSizeLessThan(2);
    return leading.isEmpty() ? null : leading.get(0);
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
