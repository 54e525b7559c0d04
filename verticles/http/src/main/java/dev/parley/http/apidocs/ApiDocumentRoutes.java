package dev.parley.http.apidocs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json} (OpenAPI 3.1, every REST endpoint) and {@code GET /api/v1/asyncapi.json}
 * (AsyncAPI 3, the WebSocket frames and bridge addresses): the documents of the contract module's {@code api/},
 * read once (on a worker) when the verticle starts. No token needed.
 */
public final class ApiDocumentRoutes {

  public static final String OPENAPI = "api/openapi.json";
  public static final String ASYNCAPI = "api/asyncapi.json";

  private Buffer openApi;
  private Buffer asyncApi;

  /** Mounts both routes on the API router, before its authentication handler. */
  public void mount(Router api) {
    api.get("/openapi.json").handler(ctx -> serve(ctx, openApi));
    api.get("/asyncapi.json").handler(ctx -> serve(ctx, asyncApi));
  }

  /** Reads both documents on a worker; call before the server listens. */
  public Future<Void> load(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      openApi = read(OPENAPI);
      asyncApi = read(ASYNCAPI);
      return null;
    });
  }

  private static void serve(RoutingContext ctx, Buffer document) {
    ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-cache").end(document);
  }

  static Buffer read(String resource) {
    try (InputStream in = ApiDocumentRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the build");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }
}
