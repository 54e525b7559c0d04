package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A REST client for end-to-end tests of issue 6 (search, notifications): users, rooms, messages, polling. */
final class ApiClient {

  record User(String id, String username, String token) {
  }

  /** The longest a file transfer may take: scripts/bench-attachments sends 1 GiB on a shared 2-core machine. */
  static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(20);

  final Vertx vertx;
  final WebClient web;
  final int port;

  ApiClient(Vertx vertx, int port) {
    this.vertx = vertx;
    this.web = WebClient.create(vertx);
    this.port = port;
  }

  User register() {
    return register("u" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
  }

  User register(String username) {
    HttpResponse<Buffer> registered = Await.result(web.post(port, "127.0.0.1", "/api/v1/auth/register")
        .sendJsonObject(new JsonObject().put("username", username).put("password", "correct horse battery")));
    assertThat(registered.statusCode()).as(registered.bodyAsString()).isEqualTo(201);
    JsonObject session = registered.bodyAsJsonObject();
    return new User(session.getJsonObject("user").getString("id"), username, session.getString("accessToken"));
  }

  String room(User owner, String visibility, User... members) {
    JsonArray ids = new JsonArray();
    for (User member : members) {
      ids.add(member.id());
    }
    HttpResponse<Buffer> created = call(HttpMethod.POST, "/rooms", owner, new JsonObject()
        .put("name", "room " + UUID.randomUUID()).put("visibility", visibility).put("members", ids));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject().getString("id");
  }

  String direct(User one, User other) {
    HttpResponse<Buffer> room = call(HttpMethod.POST, "/rooms/direct", one, new JsonObject().put("userId", other.id()));
    assertThat(room.statusCode()).as(room.bodyAsString()).isIn(200, 201);
    return room.bodyAsJsonObject().getString("id");
  }

  JsonObject send(User sender, String roomId, String text) {
    HttpResponse<Buffer> sent = call(HttpMethod.POST, "/rooms/" + roomId + "/messages", sender,
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", text));
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
    return sent.bodyAsJsonObject();
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, User user, JsonObject body) {
    HttpRequest<Buffer> request = web.request(method, port, "127.0.0.1", "/api/v1" + path);
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return Await.result(body == null ? request.send() : request.sendJsonObject(body));
  }

  /** {@code POST /rooms/{id}/attachments} with the file as the one multipart part {@code file}; the raw response. */
  HttpResponse<Buffer> upload(User user, String roomId, java.nio.file.Path file, String name, String contentType) {
    return Await.result(web.post(port, "127.0.0.1", "/api/v1/rooms/" + roomId + "/attachments")
        .putHeader("Authorization", "Bearer " + user.token())
        .sendMultipartForm(io.vertx.ext.web.multipart.MultipartForm.create()
            .binaryFileUpload("file", name, file.toString(), contentType)), TRANSFER_TIMEOUT);
  }

  /** An upload that must succeed: the attachment. */
  JsonObject uploaded(User user, String roomId, java.nio.file.Path file, String name, String contentType) {
    HttpResponse<Buffer> response = upload(user, roomId, file, name, contentType);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  /** A send with attachments (and maybe no text); the raw response. */
  HttpResponse<Buffer> sendWith(User sender, String roomId, String clientMsgId, String text, String... attachments) {
    JsonObject body = new JsonObject().put("clientMsgId", clientMsgId).put("attachments", new JsonArray(
        java.util.List.of((Object[]) attachments)));
    if (text != null) {
      body.put("text", text);
    }
    return call(HttpMethod.POST, "/rooms/" + roomId + "/messages", sender, body);
  }

  /** A temporary file with these bytes. */
  static java.nio.file.Path file(byte[] bytes) {
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile(
          dev.parley.common.testing.TestConfig.tempDir("uploads"), "upload-", ".bin");
      java.nio.file.Files.write(file, bytes);
      return file;
    } catch (java.io.IOException unwritable) {
      throw new java.io.UncheckedIOException(unwritable);
    }
  }

  HttpResponse<Buffer> get(String path, User user) {
    return call(HttpMethod.GET, path, user, null);
  }

  /** {@code GET /search} with the query URL-encoded; the raw response. */
  HttpResponse<Buffer> search(User user, String q, String extra) {
    String query = q == null ? "" : "q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8);
    return get("/search?" + query + (extra == null ? "" : "&" + extra), user);
  }

  /** The hits of a successful search. */
  JsonArray hits(User user, String q, String extra) {
    HttpResponse<Buffer> response = search(user, q, extra);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("hits");
  }

  /** Polls (on timers, never sleeping) until the value satisfies the condition; fails with the last value. */
  <T> T await(Supplier<T> value, Predicate<T> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = value.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout + "; last value: " + last);
      }
      Await.result(vertx.timer(100));
      last = value.get();
    }
    return last;
  }

  /**
   * Polls a search until it has exactly {@code count} hits (the index is near-real-time; a search node that is
   * still building its index answers 503 meanwhile).
   */
  JsonArray awaitHits(User user, String q, String extra, int count) {
    return await(() -> {
      HttpResponse<Buffer> response = search(user, q, extra);
      return response.statusCode() == 200 ? response.bodyAsJsonObject().getJsonArray("hits")
          : new JsonArray().add(response.bodyAsString());
    }, hits -> hits.size() == count && !(count > 0 && hits.getValue(0) instanceof String), Duration.ofSeconds(20));
  }

  /**
   * Gives each node of a multi-node test its own Hazelcast port and names them all as members. Hazelcast probes
   * only the first three ports of a member given without a port (5701-5703): when other test runs on the same
   * machine hold those, two nodes of this run would not find each other.
   */
  @SafeVarargs
  static void pinCluster(java.util.Map<String, String>... nodes) {
    java.util.List<String> members = new java.util.ArrayList<>();
    for (java.util.Map<String, String> node : nodes) {
      String port = String.valueOf(dev.parley.common.testing.TestConfig.freePort());
      node.put("PARLEY_CLUSTER_PORT", port);
      members.add("127.0.0.1:" + port);
    }
    for (java.util.Map<String, String> node : nodes) {
      node.put("PARLEY_CLUSTER_MEMBERS", String.join(",", members));
    }
  }

  static java.util.List<String> ids(JsonArray hits) {
    return hits.stream().map(hit -> ((JsonObject) hit).getString("roomId") + "-" + ((JsonObject) hit).getLong("seq"))
        .toList();
  }

  static void assertError(HttpResponse<Buffer> response, int status, String code, String field) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(response.bodyAsString()).doesNotContain("Exception", "SELECT", "dev.parley", "lucene", "\tat ");
  }
}
