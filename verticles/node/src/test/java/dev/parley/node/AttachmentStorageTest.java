package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TcpProxy;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both real blob stores, each behind a node in its own JVM with a heap smaller than the file it is sent: the local
 * disk and an S3-compatible server (S3Mock, started by scripts/s3mock; reached through a proxy so the test can take
 * it away). A file that was buffered whole could not fit; the peak heap is measured with jstat and printed.
 */
class AttachmentStorageTest {

  private static final String HEAP = "160m";
  /** 150 MiB; {@code -Dparley.test.attachmentMiB=1024} measures a 1 GiB upload the same way. */
  private static final long BIG = Long.getLong("parley.test.attachmentMiB", 150) * 1024 * 1024;
  private static final String DEPLOY = """
      [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""";
  private static final Map<String, String> SHARED = TestConfig.environment();
  private static Vertx client;
  private static TcpProxy s3;
  private static Path bigFile;
  private static String bigSha256;

  @BeforeAll
  static void start() throws Exception {
    client = Vertx.vertx();
    URI endpoint = URI.create(TestConfig.s3Endpoint());
    s3 = Await.result(TcpProxy.start(client, endpoint.getHost(), endpoint.getPort()));
    SHARED.put("PARLEY_ATTACHMENTS_MAXBYTES", String.valueOf(BIG + 1024));
    bigFile = Files.createTempFile(TestConfig.tempDir("big"), "big-", ".bin");
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Random random = new Random(7);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(bigFile)) {
      for (long written = 0; written < BIG; written += block.length) {
        random.nextBytes(block);
        digest.update(block);
        out.write(block);
      }
    }
    bigSha256 = HexFormat.of().formatHex(digest.digest());
  }

  @AfterAll
  static void stop() throws IOException {
    Await.result(TestDatabases.drop(client, TestConfig.config(SHARED)));
    Await.result(s3.cut());
    Await.result(client.close());
    Files.deleteIfExists(bigFile);
  }

  @Test
  void aBigFileStreamsThroughTheLocalDiskStore() throws Exception {
    roundTrip("local", NodeProcess.environment(SHARED));
  }

  @Test
  void aBigFileStreamsThroughTheS3StoreAndAStoreThatIsDownIs503WithNothingInMysql() throws Exception {
    Map<String, String> env = s3Environment();
    NodeProcess node = roundTrip("s3", env);
    try {
      ApiClient api = new ApiClient(client, node.port("PARLEY_HTTP_PORT"));
      ApiClient.User owner = api.register();
      String room = api.room(owner, "private");
      Await.result(s3.cut());
      ApiClient.assertError(api.upload(owner, room, ApiClient.file(AttachmentNode.pdf(5000)), "a.pdf",
          "application/pdf"), 503, "unavailable", null);
      assertThat(attachmentRows(room)).isZero();
      Await.result(s3.restore());
      api.uploaded(owner, room, ApiClient.file(AttachmentNode.pdf(5000)), "a.pdf", "application/pdf");
      assertThat(attachmentRows(room)).isEqualTo(1);
    } finally {
      Await.result(s3.restore());
      node.terminate();
    }
  }

  private static Map<String, String> s3Environment() {
    Map<String, String> env = NodeProcess.environment(SHARED);
    env.put("PARLEY_ATTACHMENTS_STORAGE", "s3");
    env.put("PARLEY_ATTACHMENTS_S3_ENDPOINT", "http://127.0.0.1:" + s3.port());
    env.put("PARLEY_ATTACHMENTS_S3_BUCKET", "parley-test-" + TestConfig.RUN_ID);
    env.put("PARLEY_ATTACHMENTS_S3_CREATEBUCKET", "true");
    env.put("PARLEY_ATTACHMENTS_S3_ACCESSKEYID", "test");
    env.put("PARLEY_ATTACHMENTS_S3_SECRETACCESSKEY", "test");
    // S3Mock takes a while to answer after the last byte of a big object; a store that is down fails at connect.
    env.put("PARLEY_ATTACHMENTS_S3_TIMEOUTMS", "120000");
    return env;
  }

  /** Uploads and downloads the big file on a node of that store; prints throughput and peak heap. */
  private static NodeProcess roundTrip(String storage, Map<String, String> env) throws Exception {
    NodeProcess node = NodeProcess.start("attachments-" + storage, DEPLOY, env, HEAP).awaitReady(client, 1);
    boolean keep = storage.equals("s3");
    try {
      ApiClient api = new ApiClient(client, node.port("PARLEY_HTTP_PORT"));
      ApiClient.User owner = api.register();
      String room = api.room(owner, "private");
      AtomicLong peakKiB = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> peakKiB.accumulateAndGet(heapUsedKiB(node.pid()), Math::max), 0, 200,
          TimeUnit.MILLISECONDS);
      long started = System.nanoTime();
      JsonObject attachment;
      try {
        attachment = api.uploaded(owner, room, bigFile, "big.bin", "application/octet-stream");
      } finally {
        sampler.shutdownNow();
      }
      double uploadSeconds = (System.nanoTime() - started) / 1e9;
      assertThat(attachment.getLong("size")).isEqualTo(BIG);
      assertThat(attachment.getString("sha256")).isEqualTo(bigSha256);

      Path downloaded = Files.createTempFile(TestConfig.tempDir("download"), "down-", ".bin");
      AsyncFile target = Await.result(client.fileSystem().open(downloaded.toString(), new OpenOptions().setWrite(true)));
      started = System.nanoTime();
      HttpResponse<Void> response = Await.result(api.web.get(api.port, "127.0.0.1",
              "/api/v1/attachments/" + attachment.getString("id"))
          .putHeader("Authorization", "Bearer " + owner.token()).as(BodyCodec.pipe(target)).send(),
          ApiClient.TRANSFER_TIMEOUT);
      double downloadSeconds = (System.nanoTime() - started) / 1e9;
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Files.size(downloaded)).isEqualTo(BIG);
      assertThat(sha256(downloaded)).isEqualTo(bigSha256);
      Files.delete(downloaded);
      double mib = BIG / (1024.0 * 1024.0);
      System.out.printf("attachments %s: %.0f MiB up %.1f MiB/s, down %.1f MiB/s; node heap -Xmx%s, peak used %.1f MiB%n",
          storage, mib, mib / uploadSeconds, mib / downloadSeconds, HEAP, peakKiB.get() / 1024.0);
      assertThat(peakKiB.get()).as("jstat sampled the node's heap").isPositive();
      return node;
    } finally {
      if (!keep) {
        node.terminate();
      }
    }
  }

  /** The node's used heap (survivors, eden, old) in KiB, read with jstat; 0 when jstat could not answer. */
  private static long heapUsedKiB(long pid) {
    try {
      Process jstat = new ProcessBuilder("jstat", "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(jstat.getInputStream()))) {
        String[] names = out.readLine().trim().split("\\s+");
        String[] values = out.readLine().trim().split("\\s+");
        double used = 0;
        for (int i = 0; i < names.length; i++) {
          if (names[i].equals("S0U") || names[i].equals("S1U") || names[i].equals("EU") || names[i].equals("OU")) {
            used += Double.parseDouble(values[i]);
          }
        }
        return (long) used;
      }
    } catch (IOException | RuntimeException unavailable) {
      return 0;
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static long attachmentRows(String roomId) {
    JsonObject mysql = TestConfig.config(SHARED).getJsonObject("mysql");
    Pool pool = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost(mysql.getString("host"))
        .setPort(mysql.getInteger("port")).setUser(mysql.getString("user")).setPassword(mysql.getString("password"))
        .setDatabase(mysql.getString("database"))).using(client).build();
    try {
      return Await.result(pool.preparedQuery("SELECT COUNT(*) AS n FROM attachments WHERE room_id = ?")
          .execute(Tuple.of(Long.parseLong(roomId)))).iterator().next().getLong("n");
    } finally {
      Await.result(pool.close());
    }
  }
}
