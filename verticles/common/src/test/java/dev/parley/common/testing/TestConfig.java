package dev.parley.common.testing;

import dev.parley.common.ConfigSources;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The configuration tests run with: the project's own {@code conf/parley.json}, the machine's
 * {@code PARLEY_*} environment (so CI can point at other servers), and per-run names. MariaDB, Redis and Kafka
 * outlive a test run, so each run gets its own database, key prefix, topic prefix and cluster name.
 */
public final class TestConfig {

  /** Unique per test JVM. */
  public static final String RUN_ID = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

  private TestConfig() {
  }

  /** The directory holding {@code conf/parley.json}, found from the module directory Maven runs tests in. */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("conf/parley.json"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("conf/parley.json not found above " + Path.of("").toAbsolutePath());
  }

  public static Path confDir() {
    return repoRoot().resolve("conf");
  }

  /**
   * The environment a test node sees: the real one plus this run's names and free ports. Tests that start
   * nodes pass it to the launcher exactly as the shell would.
   */
  public static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PARLEY_CLUSTER_NAME", "parley-test-" + RUN_ID);
    env.put("PARLEY_CLUSTER_CONFIGFILE", confDir().resolve("cluster.xml").toString());
    env.put("PARLEY_MYSQL_DATABASE", databaseName());
    env.put("PARLEY_REDIS_KEYPREFIX", "parley:test:" + RUN_ID + ":");
    env.put("PARLEY_KAFKA_TOPICPREFIX", "parley-test-" + RUN_ID + ".");
    env.put("PARLEY_SEARCH_INDEXPATH", tempDir("search-index").toString());
    env.put("PARLEY_ATTACHMENTS_LOCALPATH", tempDir("attachments").toString());
    env.put("PARLEY_ATTACHMENTS_SPOOLPATH", tempDir("spool").toString());
    env.put("PARLEY_MANAGEMENT_PORT", String.valueOf(freePort()));
    env.put("PARLEY_HTTP_PORT", String.valueOf(freePort()));
    env.put("PARLEY_SOCKET_PORT", String.valueOf(freePort()));
    // Accounts: this JVM's own JWT keys (never conf/dev-keys), cheap Argon2 and limits no test reaches by
    // accident; the same for room caps. Tests of hashing costs, rate limits or caps set their own values.
    env.putAll(TestKeys.environment(TestKeys.shared()));
    // Web Push: this JVM's own VAPID pair, and the tests' push services listen on plain http.
    TestKeys.TestKey vapid = TestKeys.vapid();
    env.put("PARLEY_PUSH_VAPID_PUBLICKEYFILE", vapid.publicPem().toString());
    env.put("PARLEY_PUSH_VAPID_PRIVATEKEYFILE", vapid.privatePem().toString());
    env.put("PARLEY_PUSH_ALLOWINSECUREENDPOINTS", "true");
    env.put("PARLEY_AUTH_ARGON2_MEMORYKIB", "1024");
    env.put("PARLEY_AUTH_ARGON2_ITERATIONS", "1");
    for (String limit : new String[] {"LOGINPERIP", "LOGINPERUSERNAMEANDIP", "LOGINPERUSERNAME", "REGISTERPERIP", "REGISTERPERUSERNAME"}) {
      env.put("PARLEY_AUTH_RATELIMIT_" + limit + "_LIMIT", "100000");
    }
    for (String cap : new String[] {"MAXROOMSPERUSER", "MAXCREATEDPERHOUR"}) {
      env.put("PARLEY_ROOMS_" + cap, "100000");
    }
    return env;
  }

  /** The S3-compatible server of the attachment tests: PARLEY_TEST_S3_ENDPOINT, else scripts/s3mock's. */
  public static String s3Endpoint() {
    String endpoint = System.getenv("PARLEY_TEST_S3_ENDPOINT");
    return endpoint == null || endpoint.isBlank() ? "http://127.0.0.1:9390" : endpoint;
  }

  /** {@code conf/parley.json} with {@link #environment()} applied: what a verticle under test is given. */
  public static JsonObject config() {
    return config(environment());
  }

  public static JsonObject config(Map<String, String> env) {
    try {
      JsonObject json = new JsonObject(Files.readString(confDir().resolve("parley.json")));
      return ConfigSources.applyEnvironment(json, env);
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }

  /**
   * {@code PARLEY_MYSQL_SHARDS} for {@code count} shards on the test server: shard 0 is the run's database, shard k
   * a database of its own ({@code <database>_s<k>}).
   */
  public static String shardsVariable(String database, int count) {
    io.vertx.core.json.JsonArray shards = new io.vertx.core.json.JsonArray().add(new JsonObject());
    for (int shard = 1; shard < count; shard++) {
      shards.add(new JsonObject().put("database", database + "_s" + shard));
    }
    return shards.encode();
  }

  public static String databaseName() {
    return "parley_test_" + RUN_ID;
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException noPort) {
      throw new UncheckedIOException(noPort);
    }
  }

  public static Path tempDir(String purpose) {
    try {
      return Files.createTempDirectory("parley-" + purpose + "-");
    } catch (IOException unwritable) {
      throw new UncheckedIOException(unwritable);
    }
  }
}
