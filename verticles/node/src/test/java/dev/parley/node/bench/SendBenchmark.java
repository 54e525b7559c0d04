package dev.parley.node.bench;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.RoomActions;
import dev.parley.contract.SendMessage;
import dev.parley.node.TestNodeLauncher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Persisted sends straight to the persistence verticle over the event bus: closed-loop senders (each sends,
 * waits for the durable ack, sends again) spread over rooms, for a fixed time. Prints throughput, ack latency
 * percentiles and the group-commit batch sizes the node reported. Run with scripts/bench-sends.
 *
 * <p>Two modes. Closed loop (rate 0): every sender sends, waits for its ack, sends again — the maximum
 * throughput, with latency set by how many senders wait (Little's law). Open loop (rate > 0): sends start at a
 * fixed rate whatever the acks do, and latency counts from the moment each send was due — the figure a user
 * sees at that load.
 *
 * <p>Settings (system properties): rooms (100), sendersPerRoom (5), seconds (20), warmupSeconds (5), rate (0).
 */
public final class SendBenchmark {

  /** With the notifier: each message mentions its room's owner, who has a Web Push subscription. */
  private static final Map<String, String> MENTIONS = new java.util.concurrent.ConcurrentHashMap<>();

  public static void main(String[] args) {
    int rooms = Integer.getInteger("rooms", 100);
    int sendersPerRoom = Integer.getInteger("sendersPerRoom", 5);
    int seconds = Integer.getInteger("seconds", 20);
    int warmup = Integer.getInteger("warmupSeconds", 5);
    Map<String, String> env = TestConfig.environment();
    // -Dnotifier=true adds the notifier (with its pushes per PARLEY_PUSH_ENABLED) to compare the send path.
    TestNodeLauncher.Started node = TestNodeLauncher.start(Boolean.getBoolean("notifier") ? """
        [{"verticle": "persistence", "instances": 1}, {"verticle": "rooms", "instances": 1},
         {"verticle": "notifier", "instances": 1}]""" : """
        [{"verticle": "persistence", "instances": 1}, {"verticle": "rooms", "instances": 1}]""", env);
    Vertx vertx = node.vertx();
    JsonObject config = TestConfig.config(env);
    Vertx pushService = null;
    try {
      List<List<String>> roomMembers = new ArrayList<>();
      List<String> roomIds = seed(vertx, config, rooms, sendersPerRoom, roomMembers);
      if (Boolean.getBoolean("notifier")) {
        pushService = subscribeOwners(vertx, roomIds, roomMembers);
      }
      System.out.printf("seeded %d rooms x %d senders; warming up %d s%n", rooms, sendersPerRoom, warmup);
      int rate = Integer.getInteger("rate", 0);
      if (rate > 0) {
        runAtRate(vertx, roomIds, roomMembers, warmup, rate);
        Result result = runAtRate(vertx, roomIds, roomMembers, seconds, rate);
        System.out.println(result.report("direct to persistence (event bus, open loop at " + rate + " msg/s)"));
      } else {
        run(vertx, roomIds, roomMembers, warmup);
        Result result = run(vertx, roomIds, roomMembers, seconds);
        System.out.println(result.report("direct to persistence (event bus, closed loop, "
            + rooms * sendersPerRoom + " senders)"));
      }
      System.out.println(node.scrape().lines().filter(line -> line.startsWith("parley_send_batch_rows")
          || line.startsWith("parley_push_") || line.startsWith("parley_notifications_delivered")
          || line.startsWith("parley_send_batch_commit_seconds")).reduce("", (a, b) -> a + b + "\n"));
    } finally {
      Await.result(TestDatabases.drop(vertx, config));
      Await.result(node.stop());
      if (pushService != null) {
        Await.result(pushService.close());
      }
    }
  }

  record Result(long acks, long failures, double seconds, Histogram latencyMicros) {

    String report(String title) {
      return String.format("%s: %d acks in %.1f s = %.0f msg/s, %d failed; ack latency ms p50 %.2f p95 %.2f p99 %.2f max %.2f",
          title, acks, seconds, acks / seconds, failures,
          latencyMicros.getValueAtPercentile(50) / 1000.0, latencyMicros.getValueAtPercentile(95) / 1000.0,
          latencyMicros.getValueAtPercentile(99) / 1000.0, latencyMicros.getMaxValue() / 1000.0);
    }
  }

  private static Result run(Vertx vertx, List<String> roomIds, List<List<String>> members, int seconds) {
    Histogram latency = new Histogram(60_000_000L, 3);
    AtomicLong acks = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    List<Future<Void>> senders = new ArrayList<>();
    Promise<Void> started = Promise.promise();
    // Senders run on the event loop of one context, like requests arriving at a node.
    vertx.runOnContext(ignored -> {
      for (int r = 0; r < roomIds.size(); r++) {
        for (String sender : members.get(r)) {
          senders.add(loop(vertx, roomIds.get(r), sender, end, latency, acks, failures, 0));
        }
      }
      started.complete();
    });
    Await.result(started.future());
    Await.result(Future.all(senders), java.time.Duration.ofSeconds(seconds + 60L));
    return new Result(acks.get(), failures.get(), (System.nanoTime() - start) / 1e9, latency);
  }

  private static Result runAtRate(Vertx vertx, List<String> roomIds, List<List<String>> members, int seconds,
      int rate) {
    Histogram latency = new Histogram(60_000_000L, 3);
    AtomicLong acks = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long[] issued = {0};
    vertx.setPeriodic(1, timer -> {
      long now = System.nanoTime();
      long due = Math.min(now, end) - start;
      long target = due * rate / 1_000_000_000L;
      while (issued[0] < target) {
        long index = issued[0]++;
        // When this send was due: latency counts from here, so a stalled server cannot hide its backlog.
        long dueAt = start + index * 1_000_000_000L / rate;
        int room = (int) (index % roomIds.size());
        List<String> senders = members.get(room);
        String sender = senders.get((int) ((index / roomIds.size()) % senders.size()));
        outstanding.incrementAndGet();
        vertx.eventBus().<ChatMessage>request(Addresses.PERSISTENCE_SEND,
                new SendMessage(roomIds.get(room), sender, "r-" + start + "-" + index, "benchmark message " + index, null),
                new DeliveryOptions().setSendTimeout(30_000))
            .onComplete(reply -> {
              if (reply.succeeded()) {
                acks.incrementAndGet();
                latency.recordValue(Math.min((System.nanoTime() - dueAt) / 1000, 60_000_000L));
              } else {
                failures.incrementAndGet();
              }
              if (outstanding.decrementAndGet() == 0 && System.nanoTime() > end) {
                done.tryComplete();
              }
            });
      }
      if (now > end) {
        vertx.cancelTimer(timer);
        if (outstanding.get() == 0) {
          done.tryComplete();
        }
      }
    });
    Await.result(done.future(), java.time.Duration.ofSeconds(seconds + 60L));
    return new Result(acks.get(), failures.get(), (System.nanoTime() - start) / 1e9, latency);
  }

  private static Future<Void> loop(Vertx vertx, String room, String sender, long end, Histogram latency,
      AtomicLong acks, AtomicLong failures, long index) {
    if (System.nanoTime() > end) {
      return Future.succeededFuture();
    }
    long sent = System.nanoTime();
    SendMessage send = new SendMessage(room, sender, "b-" + sent + "-" + index, "benchmark message " + index
        + MENTIONS.getOrDefault(room, ""), null);
    return vertx.eventBus().<ChatMessage>request(Addresses.PERSISTENCE_SEND, send, new DeliveryOptions().setSendTimeout(30_000))
        .transform(reply -> {
          if (reply.succeeded()) {
            acks.incrementAndGet();
            synchronized (latency) {
              latency.recordValue(Math.min((System.nanoTime() - sent) / 1000, 60_000_000L));
            }
          } else {
            failures.incrementAndGet();
          }
          return loop(vertx, room, sender, end, latency, acks, failures, index + 1);
        });
  }

  /**
   * The push service stands for a remote one, so it gets a Vert.x (one event loop) of its own: on the node's, its
   * checks of every push (an ECDSA verify and an ECDH each) would stall whichever event loop it shares, and in
   * a run the senders' one is as likely as any (it did: 440-650 ms ack max with push on).
   */
  private static Vertx subscribeOwners(Vertx vertx, List<String> roomIds, List<List<String>> members) {
    Vertx remote = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
    dev.parley.common.testing.TestPushService service =
        Await.result(dev.parley.common.testing.TestPushService.start(remote));
    for (int r = 0; r < roomIds.size(); r++) {
      MENTIONS.put(roomIds.get(r), " @bench_" + r + "_0");
      Await.result(vertx.eventBus().request(Addresses.PERSISTENCE_PUSH, new JsonObject()
          .put("userId", members.get(r).get(0)).put("subscription",
              service.subscription().put("endpoint", service.endpoint() + "?owner=" + r)),
          new DeliveryOptions().addHeader(Addresses.ACTION, dev.parley.contract.PushActions.SUBSCRIBE)));
    }
    return remote;
  }

  static List<String> seed(Vertx vertx, JsonObject config, int rooms, int sendersPerRoom,
      List<List<String>> roomMembers) {
    JsonObject mysql = config.getJsonObject("mysql");
    Pool pool = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost(mysql.getString("host"))
        .setPort(mysql.getInteger("port")).setUser(mysql.getString("user")).setPassword(mysql.getString("password"))
        .setDatabase(mysql.getString("database"))).using(vertx).build();
    List<String> roomIds = new ArrayList<>();
    try {
      for (int r = 0; r < rooms; r++) {
        List<String> members = new ArrayList<>();
        for (int s = 0; s < sendersPerRoom; s++) {
          String name = "bench_" + r + "_" + s;
          long id = Await.result(pool.preparedQuery("INSERT INTO users (username, username_lower, display_name,"
                  + " password_hash, created_at) VALUES (?, ?, ?, 'x', 0)").execute(Tuple.of(name, name, name))
              .map(rows -> rows.property(MySQLClient.LAST_INSERTED_ID)));
          members.add(String.valueOf(id));
        }
        JsonObject room = Await.result(vertx.eventBus().<JsonObject>request(Addresses.ROOMS, new JsonObject()
                .put("userId", members.get(0)).put("name", "bench " + r)
                .put("members", new JsonArray(members.subList(1, members.size()))),
            new DeliveryOptions().addHeader(Addresses.ACTION, RoomActions.CREATE)).map(Message::body));
        roomIds.add(room.getString("id"));
        roomMembers.add(members);
      }
    } finally {
      pool.close();
    }
    return roomIds;
  }
}
