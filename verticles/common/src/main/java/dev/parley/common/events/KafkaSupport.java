package dev.parley.common.events;

import dev.parley.common.Settings;
import dev.parley.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients of the message event stream, from the {@code kafka} config section. The Java clients are
 * built on a worker thread (their constructors resolve addresses and start threads) and wrapped for Vert.x.
 */
public final class KafkaSupport {

  private KafkaSupport() {
  }

  public static boolean enabled(Settings settings) {
    return settings.bool("kafka.enabled", false);
  }

  /** The stream's topic: {@code kafka.topicPrefix} + {@link Addresses#MESSAGE_EVENTS_TOPIC}. */
  public static String topic(Settings settings) {
    return settings.string("kafka.topicPrefix", "parley.") + Addresses.MESSAGE_EVENTS_TOPIC;
  }

  private static Map<String, Object> common(Settings settings, String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.string("kafka.bootstrapServers"));
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, settings.integer("kafka.requestTimeoutMs", 5000));
    return config;
  }

  /**
   * The relay's producer: idempotent, {@code acks=all}, so a retried send never duplicates or reorders records
   * of a partition, and a record is acknowledged only once every in-sync replica has it.
   */
  public static Future<KafkaProducer<String, String>> producer(Vertx vertx, Settings settings, String clientId) {
    return vertx.executeBlocking(() -> {
      Map<String, Object> config = common(settings, clientId);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
      config.put(ProducerConfig.LINGER_MS_CONFIG, settings.integer("kafka.lingerMs", 5));
      config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, settings.integer("kafka.deliveryTimeoutMs", 30_000));
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.integer("kafka.maxBlockMs", 10_000));
      return new org.apache.kafka.clients.producer.KafkaProducer<>(config, new StringSerializer(),
          new StringSerializer());
    }).map(producer -> KafkaProducer.create(vertx, producer));
  }

  /**
   * A consumer that reads partitions it assigns itself (no consumer group, no committed offsets): each consumer
   * of the stream keeps its own watermark outside Kafka and catches up from MySQL.
   */
  public static Future<KafkaConsumer<String, String>> consumer(Vertx vertx, Settings settings, String clientId) {
    return vertx.executeBlocking(() -> {
      Map<String, Object> config = common(settings, clientId);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
      // The relay creates the topic with its partitions; a consumer asking first must not create it with one.
      config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
      config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.integer("kafka.maxPollRecords", 1000));
      return new org.apache.kafka.clients.consumer.KafkaConsumer<>(config, new StringDeserializer(),
          new StringDeserializer());
    }).map(consumer -> KafkaConsumer.create(vertx, consumer));
  }

  public static Future<KafkaAdminClient> admin(Vertx vertx, Settings settings, String clientId) {
    return vertx.executeBlocking(() -> {
      Map<String, Object> config = common(settings, clientId);
      config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, settings.integer("kafka.requestTimeoutMs", 5000));
      return (AdminClient) Admin.create(config);
    }).map(admin -> KafkaAdminClient.create(vertx, admin));
  }

  /** Creates the stream's topic unless it exists: {@code kafka.partitions}, {@code kafka.replicationFactor}. */
  public static Future<Void> ensureTopic(KafkaAdminClient admin, Settings settings) {
    String topic = topic(settings);
    return admin.listTopics().compose(topics -> {
      if (topics.contains(topic)) {
        return Future.succeededFuture();
      }
      NewTopic newTopic = new NewTopic(topic, settings.integer("kafka.partitions", 3),
          (short) settings.integer("kafka.replicationFactor", 1));
      return admin.createTopics(List.of(newTopic)).recover(failure ->
          failure instanceof TopicExistsException || failure.getCause() instanceof TopicExistsException
              ? Future.succeededFuture() : Future.failedFuture(failure));
    });
  }

  /** The readiness check: a broker of the cluster answers within {@code kafka.healthTimeoutMs}. */
  public static Future<?> check(Vertx vertx, KafkaAdminClient admin, Settings settings) {
    long timeoutMs = settings.integer("kafka.healthTimeoutMs", 1500);
    Promise<Object> answer = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id ->
        answer.tryFail("no Kafka broker answered within " + timeoutMs + " ms"));
    admin.describeCluster().onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded() && result.result().getNodes() != null && !result.result().getNodes().isEmpty()) {
        answer.tryComplete(result.result().getClusterId());
      } else {
        answer.tryFail("Kafka cluster unreachable at " + settings.string("kafka.bootstrapServers"));
      }
    });
    return answer.future();
  }
}
