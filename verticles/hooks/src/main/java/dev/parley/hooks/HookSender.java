package dev.parley.hooks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * One delivery attempt: resolve and check the target ({@link TargetGuard}), connect to that very address, POST the
 * body with {@code X-Parley-Event-Id} and {@code X-Parley-Signature}. Only a 2xx answer is a success; a redirect
 * is a failure (never followed).
 */
final class HookSender {

  static final String EVENT_ID_HEADER = "X-Parley-Event-Id";

  private final HttpClient client;
  private final TargetGuard guard;
  private final long timeoutMs;

  HookSender(Vertx vertx, HooksConfig config) {
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.requestTimeoutMs()))
            .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(4));
    this.guard = new TargetGuard(vertx, config.allowPrivateTargets());
    this.timeoutMs = config.requestTimeoutMs();
  }

  Future<Void> send(Hook hook, String eventId, Buffer body) {
    URI uri = URI.create(hook.url());
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String host = uri.getHost();
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return guard.resolve(host).compose(address -> client.request(new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                .setHost(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setTimeout(timeoutMs)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.USER_AGENT, "Parley-Hooks/1")
                .putHeader(EVENT_ID_HEADER, eventId)
                .putHeader("X-Parley-Hook-Id", hook.id())
                .putHeader(HookSignature.HEADER, HookSignature.of(hook.secret(), body)))
            .compose(request -> request.send(body))
            .compose(response -> response.body().compose(ignored -> response.statusCode() / 100 == 2
                ? Future.<Void>succeededFuture()
                : Future.failedFuture("the receiver answered HTTP " + response.statusCode()))));
  }

  Future<Void> close() {
    return client.close();
  }
}
