package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The setup the attachment node tests share: a node of this run (its own database, attachment directories and
 * ports, {@link TestConfig#environment()} with the test's overrides), a client, its {@link ApiClient}, and what
 * the tests upload and check: PDFs and images made on the fly, downloads with headers, SHA-256.
 */
final class AttachmentNode {

  final Map<String, String> env;
  final Node node;
  final Vertx client;
  final ApiClient api;

  private AttachmentNode(Map<String, String> env, Node node, Vertx client) {
    this.env = env;
    this.node = node;
    this.client = client;
    this.api = new ApiClient(client, Integer.parseInt(env.get("PARLEY_HTTP_PORT")));
  }

  /** Starts a node deploying {@code deployJson} with {@code overrides} (PARLEY_* keys) over the test environment. */
  static AttachmentNode start(String deployJson, Map<String, String> overrides) {
    Map<String, String> env = TestConfig.environment();
    env.putAll(overrides);
    return new AttachmentNode(env, TestNodes.start(deployJson, env), Vertx.vertx());
  }

  /** Stops the node and drops its database. */
  void stop() {
    Await.result(node.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(env)));
    Await.result(client.close());
  }

  int port(String key) {
    return Integer.parseInt(env.get(key));
  }

  /** A GET of {@code /api/v1 + path} as {@code user}, with these extra headers; the raw response. */
  HttpResponse<Buffer> download(ApiClient.User user, String path, Map<String, String> headers) {
    HttpRequest<Buffer> request = api.web.get(api.port, "127.0.0.1", "/api/v1" + path)
        .putHeader("Authorization", "Bearer " + user.token());
    headers.forEach(request::putHeader);
    return Await.result(request.send());
  }

  /** The thumbnail of an image attachment, decoded; fails unless it is served as an image. */
  BufferedImage thumbnail(ApiClient.User user, String id) throws IOException {
    HttpResponse<Buffer> response = download(user, "/attachments/" + id + "/thumbnail", Map.of());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("image/");
    return ImageIO.read(new ByteArrayInputStream(response.body().getBytes()));
  }

  // --- files ---------------------------------------------------------------------------------------------

  /** {@code size} random bytes (seeded by the size) behind a PDF signature: sniffed as application/pdf. */
  static byte[] pdf(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    byte[] header = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, bytes, 0, Math.min(header.length, size));
    return bytes;
  }

  static byte[] png(int width, int height) {
    return image(width, height, "png");
  }

  static byte[] jpeg(int width, int height) {
    return image(width, height, "jpg");
  }

  /** A gradient image of these dimensions, encoded by ImageIO. */
  private static byte[] image(int width, int height, String format) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException unwritable) {
      throw new UncheckedIOException(unwritable);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException missing) {
      throw new IllegalStateException(missing);
    }
  }
}
