package dev.parley.node;

import dev.parley.common.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar parley-node.jar [conf/<profile>.json]}: starts one clustered node with the verticles the
 * profile names. Without an argument the profile comes from {@code PARLEY_PROFILE} (a name in {@code conf/} or a
 * path), else {@code conf/all-in-one.json}.
 *
 * <p>Exit codes: 2 for bad configuration, 1 for any other start failure; either prints one line on stderr.
 */
public final class Main {

  private static final long SHUTDOWN_TIMEOUT_SECONDS = 30;

  private Main() {
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    Path profile = profilePath(args, env);
    configureLogging(profile, env);
    NodeConfig config;
    try {
      config = NodeConfig.load(profile, env);
    } catch (ConfigException bad) {
      exit(2, "config error in " + profile + ": " + bad.getMessage());
      return;
    }
    // The main thread waits for the start, so a failed start exits from here and not from an event loop that
    // is being shut down with the rest of the half-started node.
    CompletableFuture<Node> started = new CompletableFuture<>();
    Node.start(config).onComplete(started::complete, started::completeExceptionally);
    Node node;
    try {
      node = started.join();
    } catch (CompletionException failed) {
      Throwable cause = failed.getCause();
      Throwable configError = cause.getCause() instanceof ConfigException nested ? nested : cause;
      if (configError instanceof ConfigException bad) {
        exit(2, "config error in " + profile + ": " + bad.getMessage());
      } else {
        exit(1, "node failed to start: " + cause.getMessage());
      }
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node), "parley-shutdown"));
  }

  static Path profilePath(String[] args, Map<String, String> env) {
    String named = args.length > 0 ? args[0] : env.getOrDefault("PARLEY_PROFILE", "all-in-one");
    if (named.endsWith(".json") || named.contains("/")) {
      return Path.of(named);
    }
    return Path.of("conf", named + ".json");
  }

  /** Chooses conf/logback.xml, or conf/logback-json.xml with PARLEY_LOG_FORMAT=json, unless one was given. */
  private static void configureLogging(Path profile, Map<String, String> env) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    String name = "json".equalsIgnoreCase(env.get("PARLEY_LOG_FORMAT")) ? "logback-json.xml" : "logback.xml";
    Path parent = profile.toAbsolutePath().getParent();
    Path file = parent == null ? Path.of(name) : parent.resolve(name);
    System.setProperty("logback.configurationFile", Files.isReadable(file) ? file.toString() : name);
  }

  private static void stop(Node node) {
    CountDownLatch stopped = new CountDownLatch(1);
    node.stop().onComplete(done -> stopped.countDown());
    try {
      if (!stopped.await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        System.err.println("parley: shutdown did not finish within " + SHUTDOWN_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void exit(int status, String line) {
    System.err.println("parley: " + line);
    System.exit(status);
  }
}
