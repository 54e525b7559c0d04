package dev.parley.node;

import dev.parley.common.testing.TestSocket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's Prometheus with conf/observability/prometheus.yml and alerts.yml (only the targets file is the test's)
 * against a real node that served some chat traffic: the scrape is up, Parley's series are there, every alert rule
 * evaluates without error, and every series the alert rules and the Grafana dashboard read is one the node exports.
 */
class PrometheusScrapeTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static final Path OBSERVABILITY = TestConfig.confDir().resolve("observability");
  private static Node node;
  private static ToolProcess prometheus;
  private static int prometheusPort;
  private static Vertx client;
  private static WebClient web;

  @BeforeAll
  static void start() throws IOException {
    ToolProcess.requireOnPath("prometheus");
    node = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "search"}, {"verticle": "notifier"},
         {"verticle": "http"}, {"verticle": "socket"}]""", ENV);
    client = Vertx.vertx();
    web = WebClient.create(client);
    chat();

    Path dir = TestConfig.tempDir("prometheus");
    Files.copy(OBSERVABILITY.resolve("prometheus.yml"), dir.resolve("prometheus.yml"));
    Files.copy(OBSERVABILITY.resolve("alerts.yml"), dir.resolve("alerts.yml"));
    Files.createDirectories(dir.resolve("targets"));
    Files.writeString(dir.resolve("targets/test.yml"), "- targets: ['127.0.0.1:" + ENV.get("PARLEY_MANAGEMENT_PORT")
        + "']\n  labels:\n    node: test\n");
    prometheusPort = TestConfig.freePort();
    prometheus = ToolProcess.start("prometheus", dir, List.of("prometheus",
        "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + prometheusPort))
        .awaitHttp(client, prometheusPort, "/-/ready", Duration.ofSeconds(60));
  }

  /**
   * What makes the lazily registered meters appear: logins, a room, two sockets, sends and deliveries, a search, a
   * request nobody answers, a garbage collection.
   */
  private static void chat() {
    ApiClient api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    String room = api.room(alice, "private", bob);
    var sockets = TestSocket.client(client);
    int socketPort = Integer.parseInt(ENV.get("PARLEY_SOCKET_PORT"));
    TestSocket aliceSocket = TestSocket.ready(sockets, socketPort, alice.token());
    TestSocket bobSocket = TestSocket.ready(sockets, socketPort, bob.token());
    aliceSocket.send(new JsonObject().put("type", "send").put("id", "m1").put("room", room).put("text", "scrape me"));
    aliceSocket.next("ack");
    bobSocket.next(frame -> "scrape me".equals(frame.getString("text")), Duration.ofSeconds(10));
    api.send(bob, room, "and me");
    api.awaitHits(alice, "scrape", null, 1);
    aliceSocket.close();
    bobSocket.close();
    // The dashboard's reply-failure panel reads a counter that exists once a request went unanswered, its GC panel
    // a timer that exists after the first collection (the node runs in this JVM).
    Await.failure(node.vertx().eventBus().request("parley.test.nobody." + TestConfig.RUN_ID, "anyone?"));
    System.gc();
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (client != null) {
      Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    }
    if (node != null) {
      Await.result(node.stop());
    }
    if (client != null) {
      Await.result(client.close());
    }
  }

  @Test
  void theNodeIsScrapedAndItsSeriesArePresent() {
    JsonArray up = awaitQuery("up{job=\"parley\"}", result -> !result.isEmpty()
        && "1".equals(result.getJsonObject(0).getJsonArray("value").getString(1)));
    assertThat(up.getJsonObject(0).getJsonObject("metric").getString("node")).isEqualTo("test");
    awaitQuery("parley_node_ready", result -> !result.isEmpty()
        && "1".equals(result.getJsonObject(0).getJsonArray("value").getString(1)));
    assertThat(scrapedNames()).contains("parley_socket_sessions", "parley_send_batch_commit_seconds_count",
        "parley_socket_frames_out_total", "parley_node_verticle_instances", "parley_delivery_latency_seconds_bucket",
        "parley_events_relay_lag_seconds", "parley_stream_lag_events", "parley_search_watermark");
  }

  @Test
  void everyAlertRuleIsLoadedAndEvaluatesCleanly() {
    List<JsonObject> rules = awaitRules(all -> all.size() > 0 && all.stream().allMatch(rule ->
        rule.getString("lastEvaluation", "").compareTo("2000") > 0));
    assertThat(rules).extracting(rule -> rule.getString("name")).contains("ParleyNodeDown", "ParleyNodeNotReady",
        "ParleyHttp503Rate", "ParleySendCommitSlow", "ParleyDeliveryP99High", "ParleySlowConsumerCloses",
        "ParleyDbPoolSaturated", "ParleyRelayLagging", "ParleySearchIndexLagging", "ParleyJvmHeapHigh");
    assertThat(rules).allSatisfy(rule -> assertThat(rule.getString("health")).as(rule.encode()).isEqualTo("ok"));
    // A healthy node fires nothing (a rule may be pending: a search answered 503 while its index opened).
    assertThat(rules).allSatisfy(rule -> assertThat(rule.getString("state")).as(rule.getString("name"))
        .isNotEqualTo("firing"));
  }

  @Test
  void alertRulesReadOnlySeriesTheNodeExports() {
    awaitQuery("up{job=\"parley\"}", result -> !result.isEmpty());
    Set<String> scraped = scrapedNames();
    List<JsonObject> rules = awaitRules(all -> !all.isEmpty());
    assertThat(rules).allSatisfy(rule -> assertThat(scraped).as(rule.getString("name"))
        .containsAll(PromQl.metricNames(rule.getString("query"))));
  }

  @Test
  void dashboardReadsOnlySeriesTheNodeExportsThroughTheProvisionedDataSource() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(OBSERVABILITY.resolve("grafana-parley.json")));
    awaitQuery("up{job=\"parley\"}", result -> !result.isEmpty());
    Set<String> scraped = scrapedNames();
    List<JsonObject> panels = panels(dashboard.getJsonArray("panels")).filter(panel -> !"row".equals(
        panel.getString("type"))).toList();
    assertThat(panels).isNotEmpty();
    Set<String> read = new TreeSet<>();
    for (JsonObject panel : panels) {
      assertThat(panel.getJsonObject("datasource")).as(panel.getString("title"))
          .isEqualTo(new JsonObject().put("type", "prometheus").put("uid", "${datasource}"));
      JsonArray targets = panel.getJsonArray("targets", new JsonArray());
      assertThat(targets).as(panel.getString("title")).isNotEmpty();
      for (Object item : targets) {
        JsonObject target = (JsonObject) item;
        Set<String> names = PromQl.metricNames(target.getString("expr"));
        assertThat(names).as(panel.getString("title") + ": " + target.getString("expr")).isNotEmpty();
        assertThat(scraped).as(panel.getString("title") + ": " + target.getString("expr")).containsAll(names);
        read.addAll(names);
      }
    }
    // The data-source variable defaults to the uid both provisioning files give Prometheus.
    JsonObject variable = dashboard.getJsonObject("templating").getJsonArray("list").getJsonObject(0);
    assertThat(variable.getString("type")).isEqualTo("datasource");
    String uid = variable.getJsonObject("current").getString("value");
    assertThat(provisionedUids()).isNotEmpty().allMatch(uid::equals);
    assertThat(read).contains("parley_node_ready", "parley_events_relay_lag_seconds", "parley_stream_lag_events");
  }

  // --- helpers ------------------------------------------------------------------------------------------

  private static Stream<JsonObject> panels(JsonArray list) {
    return list.stream().map(JsonObject.class::cast)
        .flatMap(panel -> Stream.concat(Stream.of(panel), panels(panel.getJsonArray("panels", new JsonArray()))));
  }

  /** The uid of the Prometheus data source in the Compose and Kubernetes provisioning files. */
  private static List<String> provisionedUids() {
    Pattern uid = Pattern.compile("(?m)^\\s*uid:\\s*(\\S+)\\s*$");
    List<String> uids = new ArrayList<>();
    for (Path file : List.of(OBSERVABILITY.resolve("grafana/datasources/parley.yml"),
        TestConfig.confDir().resolve("kubernetes/grafana.yaml"))) {
      try {
        Matcher found = uid.matcher(Files.readString(file));
        while (found.find()) {
          uids.add(found.group(1));
        }
      } catch (IOException unreadable) {
        throw new UncheckedIOException(unreadable);
      }
    }
    return uids;
  }

  private static Set<String> scrapedNames() {
    JsonObject answer = Await.result(web.get(prometheusPort, "127.0.0.1", "/api/v1/label/__name__/values").send())
        .bodyAsJsonObject();
    Set<String> names = new TreeSet<>();
    answer.getJsonArray("data").forEach(name -> names.add((String) name));
    return names;
  }

  private static JsonArray awaitQuery(String query, Predicate<JsonArray> done) {
    return await(() -> Await.result(web.get(prometheusPort, "127.0.0.1", "/api/v1/query")
            .addQueryParam("query", query).send()).bodyAsJsonObject().getJsonObject("data").getJsonArray("result"),
        done, "query " + query);
  }

  private static List<JsonObject> awaitRules(Predicate<List<JsonObject>> done) {
    return await(() -> {
      JsonObject answer = Await.result(web.get(prometheusPort, "127.0.0.1", "/api/v1/rules").send())
          .bodyAsJsonObject();
      List<JsonObject> rules = new ArrayList<>();
      answer.getJsonObject("data").getJsonArray("groups").forEach(group -> ((JsonObject) group)
          .getJsonArray("rules").forEach(rule -> rules.add((JsonObject) rule)));
      return rules;
    }, done, "alert rules");
  }

  /** Polls Prometheus (on timers) for up to 60 s: a scrape every 5 s, rules evaluated every 15 s. */
  private static <T> T await(java.util.function.Supplier<T> value, Predicate<T> done, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    T last = value.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not as expected within 60 s; last: " + last + "\n" + prometheus.tail());
      }
      Await.result(client.timer(250));
      last = value.get();
    }
    return last;
  }
}
