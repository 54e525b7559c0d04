package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --mode=chaos}, driven by scripts/chaos: connects the users, writes {@code <out-dir>/sending} once sends
 * flow, sends until {@code <out-dir>/stop} appears (the script injects its faults meanwhile), then waits until
 * every send is acknowledged, resumes every client once more, verifies the stored streams and what each client
 * received through the REST API ({@link StoreVerifier}), and writes {@code <out-dir>/verify.json}. The
 * per-second timeline goes to {@code <out-dir>/timeline.jsonl}. Exit code 0 when the verification passed, 2
 * when it did not.
 */
final class ChaosRun {

  private static final long DRAIN_SECONDS = 90;

  private final Vertx vertx;
  private final Options options;
  private final List<Setup.User> users;
  private final Path out;
  private final Timeline timeline;
  private final List<ChaosVerticle> loops = new ArrayList<>();

  ChaosRun(Vertx vertx, Options options, List<Setup.User> users) {
    this.vertx = vertx;
    this.options = options;
    this.users = users;
    this.out = Path.of(options.outDir());
    this.timeline = new Timeline(out.resolve("timeline.jsonl"));
  }

  int run() throws Exception {
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve("stop"));
    Files.deleteIfExists(out.resolve("sending"));
    Files.deleteIfExists(out.resolve("timeline.jsonl"));
    for (int i = 0; i < options.eventLoops(); i++) {
      List<Setup.User> share = new ArrayList<>();
      for (int u = i; u < users.size(); u += options.eventLoops()) {
        share.add(users.get(u));
      }
      ChaosVerticle loop = new ChaosVerticle(options, share, timeline);
      MainThread.await(vertx.deployVerticle(loop), 30);
      loops.add(loop);
    }
    List<ReliableClient> clients = loops.stream().flatMap(loop -> loop.clients.stream()).toList();
    long ticker = vertx.setPeriodic(1000, id -> timeline.tick(clients));
    MainThread.await(Future.all(loops.stream().map(ChaosVerticle::connectAll).toList()), options.rampSeconds() + 60L);
    say("connected %d of %d clients", clients.stream().filter(ReliableClient::isOpen).count(), clients.size());
    loops.forEach(ChaosVerticle::startSending);
    Files.writeString(out.resolve("sending"), "");
    while (!Files.exists(out.resolve("stop"))) {
      sleep(500);
    }
    loops.forEach(ChaosVerticle::stopSending);
    say("stop: waiting up to %d s for every send to be acknowledged", DRAIN_SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
    while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> c.pendingCount() > 0 || !c.isOpen())) {
      sleep(500);
    }
    long unacked = clients.stream().mapToLong(ReliableClient::pendingCount).sum();
    say("drained (%d sends unacknowledged); final resume of every client", unacked);
    try {
      MainThread.await(Future.join(loops.stream().map(ChaosVerticle::resumeAll).toList()), 60);
    } catch (Exception notAll) {
      say("final resume: not every client answered (%s)", notAll.getMessage());
    }
    // The last deliveries of the resume replays, and the last timeline second.
    sleep(2000);
    vertx.cancelTimer(ticker);
    timeline.tick(clients);
    Map<Setup.Room, List<ReliableClient>> rooms = new LinkedHashMap<>();
    clients.forEach(client -> rooms.computeIfAbsent(client.user.room, room -> new ArrayList<>()).add(client));
    WebClient web = WebClient.create(vertx);
    JsonObject verdict = MainThread.await(new StoreVerifier(web, options).verify(rooms), 300);
    verdict.put("client", timeline.totals());
    loops.forEach(ChaosVerticle::closeAll);
    Files.writeString(out.resolve("verify.json"), verdict.encodePrettily());
    System.out.println("verify " + verdict.encode());
    return verdict.getBoolean("passed") ? 0 : 2;
  }

  private static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private static void say(String format, Object... args) {
    System.out.printf("chaos-client: %s%n", String.format(format, args));
  }
}
