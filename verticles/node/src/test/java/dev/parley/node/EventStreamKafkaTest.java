package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.contract.Addresses;
import dev.parley.contract.MessageEvent;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The message event stream on the real Kafka broker (scripts/kafka; scripts/test starts it): a core node
 * (persistence with the relay, rooms, http, notifier) and a search node, with kafka.enabled. The run's topic
 * has its own prefix. Checks the records themselves, that search and the notifier get them from Kafka, the
 * kafka readiness checks, and a search node catching up after it was stopped.
 */
class EventStreamKafkaTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static final Map<String, String> SEARCH_ENV = new HashMap<>();
  private static String bootstrap;
  private static String topic;
  private static Node core;
  private static Node search;
  private static Vertx client;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    ENV.put("PARLEY_KAFKA_ENABLED", "true");
    bootstrap = ENV.getOrDefault("PARLEY_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:9092");
    ENV.put("PARLEY_KAFKA_BOOTSTRAPSERVERS", bootstrap);
    topic = ENV.get("PARLEY_KAFKA_TOPICPREFIX") + Addresses.MESSAGE_EVENTS_TOPIC;
    SEARCH_ENV.putAll(ENV);
    SEARCH_ENV.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    ApiClient.pinCluster(ENV, SEARCH_ENV);
    core = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "notifier"}]""", ENV);
    search = TestNodes.start("[{\"verticle\": \"search\"}]", SEARCH_ENV);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
    api.await(() -> ready(ENV).getBoolean("ready") && ready(SEARCH_ENV).getBoolean("ready"), ok -> ok,
        Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (search != null) {
      Await.result(search.stop());
    }
    Await.result(core.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(client.close());
  }

  @Test
  void everyChangeIsARecordKeyedByItsRoomInSeqOrder() {
    User alice = api.register();
    String first = api.room(alice, "private");
    String second = api.room(alice, "private");
    for (int i = 1; i <= 10; i++) {
      api.send(alice, first, "first room " + i);
      api.send(alice, second, "second room " + i);
    }
    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + first + "/messages/3", alice,
        new JsonObject().put("text", "first room 3 edited")).statusCode()).isEqualTo(200);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + second + "/messages/4", alice, null).statusCode())
        .isEqualTo(204);

    List<ConsumerRecord<String, String>> records = readTopic(record -> record.key().equals(first)
        || record.key().equals(second), 22);
    assertThat(records).hasSize(22);
    Map<String, List<ConsumerRecord<String, String>>> byRoom = records.stream()
        .collect(Collectors.groupingBy(ConsumerRecord::key));
    for (List<ConsumerRecord<String, String>> room : byRoom.values()) {
      assertThat(room.stream().map(ConsumerRecord::partition).distinct()).as("one partition per room").hasSize(1);
      List<MessageEvent> events = room.stream().map(record -> MessageEvent.fromJson(new JsonObject(record.value())))
          .toList();
      assertThat(events.stream().filter(event -> event.kind().equals(MessageEvent.CREATED))
          .map(MessageEvent::seq).toList()).as("in seq order").isSorted().hasSize(10);
      assertThat(events).extracting(MessageEvent::id).as("in outbox order").isSorted();
    }
    MessageEvent edited = byRoom.get(first).stream().map(record -> MessageEvent.fromJson(new JsonObject(record.value())))
        .filter(event -> event.kind().equals(MessageEvent.EDITED)).findFirst().orElseThrow();
    assertThat(edited.seq()).isEqualTo(3);
    assertThat(edited.text()).isEqualTo("first room 3 edited");
    assertThat(byRoom.get(second).stream().map(record -> MessageEvent.fromJson(new JsonObject(record.value())))
        .filter(event -> event.kind().equals(MessageEvent.DELETED)).findFirst().orElseThrow().deleted()).isTrue();
  }

  @Test
  void searchAndNotificationsFollowTheTopic() {
    User alice = api.register();
    User bob = api.register();
    String room = api.room(alice, "private", bob);
    api.send(alice, room, "zqkafkaword 카프카로 전달된 메시지 @" + bob.username());

    JsonArray hits = api.awaitHits(bob, "zqkafkaword 메시지", null, 1);
    assertThat(hits.getJsonObject(0).getString("highlight")).contains("<mark>메시지</mark>");
    JsonArray notifications = api.await(() -> api.get("/notifications", bob).bodyAsJsonObject()
        .getJsonArray("notifications"), list -> list.size() == 1, Duration.ofSeconds(20));
    assertThat(notifications.getJsonObject(0).getString("kind")).isEqualTo("mention");
    // From Kafka, not from the MySQL safety net.
    assertThat(streamEvents(search, "search", "live")).isPositive();
    assertThat(streamEvents(core, "notifier", "live")).isPositive();
  }

  @Test
  void readinessChecksKafkaWhereTheStreamIsProducedAndConsumed() {
    assertThat(ready(ENV).getJsonObject("checks").getJsonObject("kafka").getBoolean("ok")).isTrue();
    assertThat(ready(SEARCH_ENV).getJsonObject("checks").getJsonObject("kafka").getBoolean("ok")).isTrue();
  }

  @Test
  void aSearchNodeStoppedWhileMessagesWereSentCatchesUp() {
    User alice = api.register();
    String room = api.room(alice, "private");
    api.send(alice, room, "zqkafkacatch before");
    api.awaitHits(alice, "zqkafkacatch", null, 1);

    Await.result(search.stop());
    search = null;
    for (int i = 1; i <= 5; i++) {
      api.send(alice, room, "zqkafkacatch during " + i);
    }
    search = TestNodes.start("[{\"verticle\": \"search\"}]", SEARCH_ENV);
    api.send(alice, room, "zqkafkacatch after");

    JsonArray all = api.awaitHits(alice, "zqkafkacatch", null, 7);
    assertThat(ApiClient.ids(all)).doesNotHaveDuplicates();
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static JsonObject ready(Map<String, String> env) {
    return Await.result(api.web.get(Integer.parseInt(env.get("PARLEY_MANAGEMENT_PORT")), "127.0.0.1", "/ready")
        .send()).bodyAsJsonObject();
  }

  /** parley_stream_events_total of a consumer on a node, by source (live or mysql). */
  private static double streamEvents(Node node, String consumer, String source) {
    String metrics = Await.result(node.vertx().eventBus().<String>request(Addresses.NODE_METRICS, null,
        new DeliveryOptions().setLocalOnly(true))).body();
    return metrics.lines()
        .filter(line -> line.startsWith("parley_stream_events_total{") && line.contains("consumer=\"" + consumer + "\"")
            && line.contains("source=\"" + source + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Reads the run's topic from the beginning until {@code count} records match (or 20 s pass). */
  private static List<ConsumerRecord<String, String>> readTopic(
      java.util.function.Predicate<ConsumerRecord<String, String>> wanted, int count) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new StringDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      assertThat(partitions).as("partitions of " + topic).hasSize(3);
      List<TopicPartition> all = partitions.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      consumer.assign(all);
      consumer.seekToBeginning(all);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (found.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (wanted.test(record)) {
            found.add(record);
          }
        }
      }
    }
    return found;
  }
}
