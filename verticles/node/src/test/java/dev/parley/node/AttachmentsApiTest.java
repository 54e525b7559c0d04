package dev.parley.node;

import static dev.parley.node.AttachmentNode.jpeg;
import static dev.parley.node.AttachmentNode.pdf;
import static dev.parley.node.AttachmentNode.png;
import static dev.parley.node.AttachmentNode.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Attachments contract through a real node (http, rooms, persistence) on MariaDB, with the default local-disk
 * store: uploads, downloads, thumbnails, limits, authorization and messages that carry attachments.
 */
class AttachmentsApiTest {

  private static final long MAX_BYTES = 4 * 1024 * 1024;
  private static AttachmentNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = AttachmentNode.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"}]""",
        Map.of("PARLEY_ATTACHMENTS_MAXBYTES", String.valueOf(MAX_BYTES)));
    api = node.api;
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  @Test
  void aFileComesBackByteForByteWithItsTypeFromTheBytesAndASafeName() throws Exception {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    byte[] pdf = pdf(300_000);

    // The client claims text/html and a path with control characters and a right-to-left override.
    JsonObject attachment = api.uploaded(owner, room, ApiClient.file(pdf), "../../etc/pass\u0007wd\u202e.pdf",
        "text/html");
    assertThat(attachment.getString("id")).startsWith(room + "-");
    assertThat(attachment.getString("roomId")).isEqualTo(room);
    assertThat(attachment.getString("name")).isEqualTo("passwd.pdf");
    assertThat(attachment.getString("contentType")).isEqualTo("application/pdf");
    assertThat(attachment.getLong("size")).isEqualTo(pdf.length);
    assertThat(attachment.getString("sha256")).isEqualTo(sha256(pdf));
    assertThat(attachment.containsKey("width")).isFalse();

    HttpResponse<Buffer> download = download(owner, "/attachments/" + attachment.getString("id"), Map.of());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body().getBytes()).isEqualTo(pdf);
    assertThat(download.getHeader("Content-Type")).isEqualTo("application/pdf");
    assertThat(download.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(download.getHeader("Content-Disposition")).startsWith("attachment;").contains("filename=\"passwd.pdf\"");
    String etag = download.getHeader("ETag");
    assertThat(etag).isEqualTo("\"" + sha256(pdf) + "\"");

    HttpResponse<Buffer> unchanged = download(owner, "/attachments/" + attachment.getString("id"),
        Map.of("If-None-Match", etag));
    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(unchanged.body()).isNull();
  }

  @Test
  void rangesAreServedAndARangePastTheEndIs416() {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    byte[] pdf = pdf(10_000);
    String path = "/attachments/" + api.uploaded(owner, room, ApiClient.file(pdf), "a.pdf", "application/pdf")
        .getString("id");

    HttpResponse<Buffer> middle = download(owner, path, Map.of("Range", "bytes=100-199"));
    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(middle.getHeader("Content-Range")).isEqualTo("bytes 100-199/" + pdf.length);
    assertThat(middle.body().getBytes()).isEqualTo(slice(pdf, 100, 100));

    HttpResponse<Buffer> suffix = download(owner, path, Map.of("Range", "bytes=-7"));
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body().getBytes()).isEqualTo(slice(pdf, pdf.length - 7, 7));

    HttpResponse<Buffer> open = download(owner, path, Map.of("Range", "bytes=9990-"));
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body().getBytes()).isEqualTo(slice(pdf, 9990, 10));

    HttpResponse<Buffer> past = download(owner, path, Map.of("Range", "bytes=" + pdf.length + "-"));
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.getHeader("Content-Range")).isEqualTo("bytes */" + pdf.length);
  }

  @Test
  void browsersDownloadWithATokenInTheQuery() {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    byte[] pdf = pdf(1000);
    String id = api.uploaded(owner, room, ApiClient.file(pdf), "a.pdf", "application/pdf").getString("id");
    HttpResponse<Buffer> withQuery = Await.result(api.web.get(api.port, "127.0.0.1",
        "/api/v1/attachments/" + id + "?token=" + owner.token()).send());
    assertThat(withQuery.statusCode()).isEqualTo(200);
    assertThat(withQuery.body().getBytes()).isEqualTo(pdf);
    ApiClient.assertError(Await.result(api.web.get(api.port, "127.0.0.1", "/api/v1/attachments/" + id).send()),
        401, "unauthorized", null);
  }

  @Test
  void imagesHaveTheirSizeAndAThumbnailOfAtMost320Pixels() throws Exception {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");

    JsonObject wide = api.uploaded(owner, room, ApiClient.file(png(1000, 500)), "wide.png", "image/png");
    assertThat(wide.getString("contentType")).isEqualTo("image/png");
    assertThat(wide.getInteger("width")).isEqualTo(1000);
    assertThat(wide.getInteger("height")).isEqualTo(500);
    HttpResponse<Buffer> original = download(owner, "/attachments/" + wide.getString("id"), Map.of());
    assertThat(original.getHeader("Content-Disposition")).startsWith("inline;");
    BufferedImage thumbnail = node.thumbnail(owner, wide.getString("id"));
    assertThat(thumbnail.getWidth()).isEqualTo(320);
    assertThat(thumbnail.getHeight()).isEqualTo(160);

    // Tall: the longer side is the height. A JPEG named .txt is still a JPEG.
    JsonObject tall = api.uploaded(owner, room, ApiClient.file(jpeg(300, 1200)), "tall.txt", "text/plain");
    assertThat(tall.getString("contentType")).isEqualTo("image/jpeg");
    BufferedImage tallThumbnail = node.thumbnail(owner, tall.getString("id"));
    assertThat(tallThumbnail.getWidth()).isEqualTo(80);
    assertThat(tallThumbnail.getHeight()).isEqualTo(320);

    // Never enlarged.
    JsonObject small = api.uploaded(owner, room, ApiClient.file(png(100, 40)), "small.png", "image/png");
    BufferedImage smallThumbnail = node.thumbnail(owner, small.getString("id"));
    assertThat(smallThumbnail.getWidth()).isEqualTo(100);
    assertThat(smallThumbnail.getHeight()).isEqualTo(40);

    JsonObject document = api.uploaded(owner, room, ApiClient.file(pdf(100)), "a.pdf", "application/pdf");
    ApiClient.assertError(download(owner, "/attachments/" + document.getString("id") + "/thumbnail", Map.of()),
        404, "not_found", null);
  }

  @Test
  void aDecompressionBombIsRefusedFromItsHeader() {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    // A valid PNG header announcing 60000 x 60000 pixels (3.6 billion) in a file of a few dozen bytes.
    HttpResponse<Buffer> refused = api.upload(owner, room, ApiClient.file(pngHeader(60_000, 60_000)), "bomb.png",
        "image/png");
    ApiClient.assertError(refused, 413, "too_large", "file");
  }

  @Test
  void aFileOverTheLimitIs413AndNothingIsKept() throws IOException {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    byte[] big = new byte[(int) MAX_BYTES + 1];
    new Random(1).nextBytes(big);
    ApiClient.assertError(api.upload(owner, room, ApiClient.file(big), "big.bin", "application/octet-stream"),
        413, "too_large", "file");
    // The spool holds nothing of it afterwards (the temporary file is removed once the upload failed).
    Path spool = Path.of(node.env.get("PARLEY_ATTACHMENTS_SPOOLPATH"));
    api.await(() -> {
      try (var files = Files.list(spool)) {
        return files.filter(file -> file.getFileName().toString().startsWith("upload-")).count();
      } catch (IOException unreadable) {
        return -1L;
      }
    }, count -> count == 0, java.time.Duration.ofSeconds(10));
    // Exactly the limit is fine.
    byte[] limit = slice(big, 0, (int) MAX_BYTES);
    assertThat(api.uploaded(owner, room, ApiClient.file(limit), "limit.bin", "application/octet-stream")
        .getLong("size")).isEqualTo(MAX_BYTES);
  }

  @Test
  void outsidersAndKickedMembersGet404OnUploadDownloadAndThumbnail() throws Exception {
    ApiClient.User owner = api.register();
    ApiClient.User member = api.register();
    ApiClient.User outsider = api.register();
    String room = api.room(owner, "private", member);
    Path image = ApiClient.file(png(400, 400));
    String id = api.uploaded(member, room, image, "me.png", "image/png").getString("id");

    ApiClient.assertError(api.upload(outsider, room, image, "x.png", "image/png"), 404, "not_found", null);
    ApiClient.assertError(download(outsider, "/attachments/" + id, Map.of()), 404, "not_found", null);
    ApiClient.assertError(download(outsider, "/attachments/" + id + "/thumbnail", Map.of()), 404, "not_found", null);
    ApiClient.assertError(download(outsider, "/attachments/nonsense", Map.of()), 404, "not_found", null);

    assertThat(download(member, "/attachments/" + id + "/thumbnail", Map.of()).statusCode()).isEqualTo(200);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/members/" + member.id(), owner, null).statusCode())
        .isEqualTo(204);
    ApiClient.assertError(download(member, "/attachments/" + id, Map.of()), 404, "not_found", null);
    ApiClient.assertError(download(member, "/attachments/" + id + "/thumbnail", Map.of()), 404, "not_found", null);
    ApiClient.assertError(api.upload(member, room, image, "again.png", "image/png"), 404, "not_found", null);
    assertThat(download(owner, "/attachments/" + id, Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void aMessageTakesOnlyTheSendersUnusedUploadsToItsRoom() {
    ApiClient.User owner = api.register();
    ApiClient.User member = api.register();
    String room = api.room(owner, "private", member);
    String otherRoom = api.room(owner, "private");
    String mine = api.uploaded(member, room, ApiClient.file(pdf(500)), "mine.pdf", "application/pdf").getString("id");
    String elsewhere = api.uploaded(owner, otherRoom, ApiClient.file(pdf(500)), "x.pdf", "application/pdf")
        .getString("id");

    ApiClient.assertError(api.sendWith(owner, room, "c1", "not yours", mine), 400, "bad_request", "attachments");
    ApiClient.assertError(api.sendWith(owner, room, "c2", "other room", elsewhere), 400, "bad_request",
        "attachments");
    ApiClient.assertError(api.sendWith(member, room, "c3", "", room + "-0000"), 400, "bad_request", "attachments");

    // No text at all: valid with an attachment.
    HttpResponse<Buffer> sent = api.sendWith(member, room, "c4", null, mine);
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
    JsonObject message = sent.bodyAsJsonObject();
    assertThat(message.getString("text")).isEmpty();
    JsonArray shown = message.getJsonArray("attachments");
    assertThat(shown).hasSize(1);
    assertThat(shown.getJsonObject(0).getMap()).containsOnlyKeys("id", "name", "contentType", "size")
        .containsEntry("id", mine).containsEntry("name", "mine.pdf").containsEntry("contentType", "application/pdf");

    // A retry of the same send is the same message; a new send cannot take the attachment again.
    HttpResponse<Buffer> retry = api.sendWith(member, room, "c4", null, mine);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsJsonObject().getLong("seq")).isEqualTo(message.getLong("seq"));
    ApiClient.assertError(api.sendWith(member, room, "c5", "again", mine), 400, "bad_request", "attachments");

    JsonArray history = api.get("/rooms/" + room + "/messages", owner).bodyAsJsonObject().getJsonArray("messages");
    assertThat(history.getJsonObject(history.size() - 1).getJsonArray("attachments")).isEqualTo(shown);

    // Deleting the message tombstones its attachment.
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/" + message.getLong("seq"), member, null)
        .statusCode()).isEqualTo(204);
    ApiClient.assertError(download(owner, "/attachments/" + mine, Map.of()), 404, "not_found", null);
    JsonArray after = api.get("/rooms/" + room + "/messages", owner).bodyAsJsonObject().getJsonArray("messages");
    assertThat(after.getJsonObject(after.size() - 1).containsKey("attachments")).isFalse();
  }

  @Test
  void aSendWithoutTextNeedsAttachments() {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    ApiClient.assertError(api.sendWith(owner, room, UUID.randomUUID().toString(), ""), 400, "bad_request", "text");
    ApiClient.assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/messages", owner, new JsonObject()
        .put("clientMsgId", "x").put("text", "t").put("attachments", "nope")), 400, "bad_request", "attachments");
  }

  @Test
  void aWebSocketSendCarriesAttachmentsToLiveFramesAndResume() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    String room = api.room(alice, "private", bob);
    String id = api.uploaded(alice, room, ApiClient.file(pdf(800)), "notes.pdf", "application/pdf").getString("id");
    io.vertx.core.http.WebSocketClient sockets = TestSocket.client(node.client);
    int socketPort = node.port("PARLEY_SOCKET_PORT");
    TestSocket watcher = TestSocket.ready(sockets, socketPort, bob.token());
    TestSocket sender = TestSocket.ready(sockets, socketPort, alice.token());
    try {
      sender.send(new JsonObject().put("type", "send").put("id", "ws-1").put("room", room)
          .put("attachments", new JsonArray().add(id)));
      JsonObject ack = sender.next("ack");
      assertThat(ack.getString("id")).isEqualTo("ws-1");
      JsonObject live = watcher.next("message");
      assertThat(live.getJsonArray("attachments").getJsonObject(0).getString("id")).isEqualTo(id);
      assertThat(live.getJsonArray("attachments").getJsonObject(0).getString("name")).isEqualTo("notes.pdf");

      TestSocket later = TestSocket.ready(sockets, socketPort, bob.token());
      try {
        later.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, 0)));
        JsonObject replayed = later.next("message");
        assertThat(replayed.getLong("seq")).isEqualTo(ack.getLong("seq"));
        assertThat(replayed.getJsonArray("attachments").getJsonObject(0).getString("id")).isEqualTo(id);
      } finally {
        later.close();
      }
    } finally {
      watcher.close();
      sender.close();
    }
  }

  // --- helpers -------------------------------------------------------------------------------------------

  private static HttpResponse<Buffer> download(ApiClient.User user, String path, Map<String, String> headers) {
    return node.download(user, path, headers);
  }

  /** The PNG signature and an IHDR chunk of these dimensions (8-bit grey), then an empty IEND: never decodable. */
  private static byte[] pngHeader(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width)
        .putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer iend = ByteBuffer.allocate(4).put("IEND".getBytes(StandardCharsets.US_ASCII));
    CRC32 endCrc = new CRC32();
    endCrc.update(iend.array());
    return ByteBuffer.allocate(8 + 4 + 17 + 4 + 4 + 4 + 4)
        .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
        .putInt(13).put(ihdr.array()).putInt((int) crc.getValue())
        .putInt(0).put(iend.array()).putInt((int) endCrc.getValue()).array();
  }

  private static byte[] slice(byte[] bytes, int from, int length) {
    byte[] part = new byte[length];
    System.arraycopy(bytes, from, part, 0, length);
    return part;
  }
}
