package dev.parley.node;

import dev.parley.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server binary from Debian's packages (nginx, Prometheus) run by a test in the foreground with its own config,
 * output in a log file: never a system service, stopped with SIGTERM when the test ends.
 */
final class ToolProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ToolProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Fails the test with what to do when the binary is missing, rather than skipping it in silence. */
  static void requireOnPath(String binary) {
    boolean found = Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
    if (!found) {
      throw new AssertionError(binary + " is not installed: run scripts/ops-tools (Debian packages nginx, prometheus,"
          + " docker-compose)");
    }
  }

  static ToolProcess start(String name, Path workingDir, List<String> command) {
    try {
      Path log = Files.createTempFile("parley-" + name + "-", ".log");
      Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      return new ToolProcess(name, process, log);
    } catch (IOException failed) {
      throw new IllegalStateException("cannot start " + name + ": " + failed.getMessage(), failed);
    }
  }

  /** Polls (on timers) until {@code GET path} on the port answers 200; fails with the log if the process exits. */
  ToolProcess awaitHttp(Vertx vertx, int port, String path, Duration timeout) {
    WebClient web = WebClient.create(vertx);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
        }
        Integer status = Await.result(web.get(port, "127.0.0.1", path).send().map(response -> response.statusCode())
            .otherwise(0));
        if (status != null && status == 200) {
          return this;
        }
        Await.result(vertx.timer(100));
      }
      throw new AssertionError(name + " did not answer GET " + path + " on " + port + " within " + timeout + ":\n"
          + tail());
    } finally {
      web.close();
    }
  }

  String tail() {
    return tail(log);
  }

  /** The last 30 lines of a process's log, for a failure message (NodeProcess too). */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException unreadable) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
