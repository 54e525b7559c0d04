package dev.parley.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A test's WebSocket client: collects every text frame; frames are awaited with deadlines, never sleeps. */
public final class TestSocket {

  public final WebSocket socket;
  /** Every frame received and not yet taken by {@link #next}, in arrival order. */
  private final List<JsonObject> frames = new java.util.ArrayList<>();
  public volatile Short closeCode;
  private final java.util.concurrent.CompletableFuture<Short> closed = new java.util.concurrent.CompletableFuture<>();

  private TestSocket(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(text -> {
      synchronized (frames) {
        frames.add(new JsonObject(text));
        frames.notifyAll();
      }
    });
    socket.closeHandler(end -> {
      closeCode = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode();
      closed.complete(closeCode);
      synchronized (frames) {
        frames.notifyAll();
      }
    });
  }

  public static WebSocketClient client(Vertx vertx) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 20));
  }

  public static TestSocket connect(WebSocketClient client, int port, String path, String bearer) {
    return connect(client, port, path, bearer, ALLOWED_ORIGIN);
  }

  /** An origin on conf/parley.json's default allow-list, as a browser page of the HTTP verticle would send. */
  public static final String ALLOWED_ORIGIN = "http://localhost:8080";

  public static TestSocket connect(WebSocketClient client, int port, String path, String bearer, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path)
        .addHeader("Origin", origin);
    if (bearer != null) {
      options.addHeader("Authorization", "Bearer " + bearer);
    }
    // Handlers go on in the connect callback, on the event loop, so a close right after the upgrade is seen.
    return Await.result(client.connect(options).map(TestSocket::new));
  }

  /** Connects with the token on the upgrade and waits for {@code ready}. */
  public static TestSocket ready(WebSocketClient client, int port, String token) {
    TestSocket socket = connect(client, port, "/ws", token);
    socket.next("ready");
    return socket;
  }

  public void send(JsonObject frame) {
    Await.result(socket.writeTextMessage(frame.encode()));
  }

  /** The next frame of this type (others before it are skipped). */
  public JsonObject next(String type) {
    return next(frame -> type.equals(frame.getString("type")), Duration.ofSeconds(10));
  }

  /** The first frame, received or still to come, that matches; frames that do not match stay for later. */
  public JsonObject next(Predicate<JsonObject> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        for (int i = 0; i < frames.size(); i++) {
          if (wanted.test(frames.get(i))) {
            return frames.remove(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching frame within " + timeout + "; close code " + closeCode
              + "; frames waiting: " + frames);
        }
        try {
          frames.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(interrupted);
        }
      }
    }
  }

  /**
   * {@code "ready"} once the socket says so, or the close code (as a string) if it is closed first: for opens
   * that may be refused.
   */
  public String readyOrClosed(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        if (frames.stream().anyMatch(frame -> "ready".equals(frame.getString("type")))) {
          return "ready";
        }
        if (closeCode != null) {
          return String.valueOf(closeCode);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("neither ready nor closed within " + timeout + "; frames: " + frames);
        }
        try {
          frames.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(interrupted);
        }
      }
    }
  }

  /** True if no frame of this type arrives within the window. */
  public boolean quietFor(String type, Duration window) {
    try {
      next(frame -> type.equals(frame.getString("type")), window);
      return false;
    } catch (AssertionError none) {
      return true;
    }
  }

  public List<JsonObject> drain() {
    synchronized (frames) {
      List<JsonObject> all = new java.util.ArrayList<>(frames);
      frames.clear();
      return all;
    }
  }

  public short awaitClose(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException late) {
      throw new AssertionError("socket not closed within " + timeout);
    } catch (java.util.concurrent.ExecutionException | InterruptedException failed) {
      throw new IllegalStateException(failed);
    }
  }

  public void close() {
    socket.close();
  }
}
