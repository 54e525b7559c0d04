package dev.parley.search;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Request;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * JSON requests to an OpenSearch cluster through the official client ({@code opensearch-java}) on its
 * asynchronous Apache HttpClient 5 transport: no thread waits for an answer, and answers complete on the Vert.x
 * context that created this object. The transport spreads requests over every configured host and retries
 * another one when a host does not answer (a dead node is skipped until it comes back).
 *
 * <p>The client's generic API is used: the index settings, queries and bulk bodies are plain JSON documents,
 * written once in {@link OpenSearchSchema}, and read the same way in the OpenSearch documentation.
 */
final class OpenSearchHttp {

  /** An answer: HTTP status and JSON body (empty when there was none). */
  record Reply(int status, JsonObject body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final ApacheHttpClient5Transport transport;
  private final OpenSearchGenericClient client;

  OpenSearchHttp(Vertx vertx, OpenSearchSettings options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    HttpHost[] hosts = options.hosts().stream()
        .map(uri -> new HttpHost(uri.getScheme(), uri.getHost(), port(uri))).toArray(HttpHost[]::new);
    Timeout timeout = Timeout.ofMilliseconds(options.requestTimeoutMs());
    this.transport = ApacheHttpClient5TransportBuilder.builder(hosts)
        .setRequestConfigCallback(config -> config.setResponseTimeout(timeout).setConnectionRequestTimeout(timeout))
        .build();
    this.client = new OpenSearchGenericClient(transport);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 9200;
  }

  Future<Reply> json(String method, String path, JsonObject body) {
    return json(method, path, Map.of(), body);
  }

  Future<Reply> json(String method, String path, Map<String, String> query, JsonObject body) {
    Requests.JsonBodyBuilder request = Requests.builder().method(method).endpoint(path).query(query);
    if (body != null) {
      request.json(body.encode());
    }
    return send(request.build());
  }

  /** A newline-delimited body ({@code _bulk}). */
  Future<Reply> ndjson(String path, Map<String, String> query, String lines) {
    return send(Requests.builder().method("POST").endpoint(path).query(query)
        .body(Body.from(lines.getBytes(StandardCharsets.UTF_8), "application/x-ndjson")).build());
  }

  private Future<Reply> send(Request request) {
    return Future.fromCompletionStage(client.executeAsync(request), context).map(response -> {
      try (Response answer = response) {
        String text = answer.getBody().map(Body::bodyAsString).orElse("");
        return new Reply(answer.getStatus(), text.isBlank() ? new JsonObject() : new JsonObject(text));
      } catch (IOException closing) {
        throw new IllegalStateException("OpenSearch answer could not be read", closing);
      }
    });
  }

  /** Fails unless the answer is a 2xx, with OpenSearch's reason. */
  static Future<JsonObject> expectOk(Reply reply, String what) {
    if (reply.ok()) {
      return Future.succeededFuture(reply.body());
    }
    JsonObject error = reply.body().getJsonObject("error");
    return Future.failedFuture(what + " failed: HTTP " + reply.status() + " "
        + (error == null ? reply.body().encode() : error.getString("type") + ": " + error.getString("reason")));
  }

  Future<Void> close() {
    return vertx.executeBlocking(() -> {
      transport.close();
      return null;
    });
  }
}
