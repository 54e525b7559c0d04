package dev.parley.node;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Parley node in its own JVM, started from a profile written on the fly: for kill -9 and SIGTERM tests. */
final class NodeProcess {

  final String name;
  final Map<String, String> env;
  final Path log;
  private final Process process;

  private NodeProcess(String name, Map<String, String> env, Path log, Process process) {
    this.name = name;
    this.env = env;
    this.log = log;
    this.process = process;
  }

  /** A node's environment: the run's shared settings plus ports of its own. */
  static Map<String, String> environment(Map<String, String> shared) {
    Map<String, String> env = new HashMap<>(shared);
    env.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    env.put("PARLEY_HTTP_PORT", String.valueOf(TestConfig.freePort()));
    env.put("PARLEY_SOCKET_PORT", String.valueOf(TestConfig.freePort()));
    env.put("PARLEY_SEARCH_INDEXPATH", TestConfig.tempDir("index").toString());
    return env;
  }

  static NodeProcess start(String name, String deployJson, Map<String, String> env) {
    return start(name, deployJson, env, "512m");
  }

  /** A node of {@link #cluster}: its name and what it deploys. */
  record Spec(String name, String deployJson) {
  }

  /**
   * The cluster of a kill test: a process per spec, each with {@link #environment} of {@code shared}, all pinned
   * to one member list; the first is ready alone before the others start, then all are ready as members of one
   * cluster. In the order of the specs.
   */
  @SuppressWarnings("unchecked")
  static NodeProcess[] cluster(Vertx client, Map<String, String> shared, Spec... specs) {
    Map<String, String>[] envs = new Map[specs.length];
    for (int i = 0; i < specs.length; i++) {
      envs[i] = environment(shared);
    }
    ApiClient.pinCluster(envs);
    NodeProcess[] nodes = new NodeProcess[specs.length];
    nodes[0] = start(specs[0].name(), specs[0].deployJson(), envs[0]).awaitReady(client, 1);
    for (int i = 1; i < specs.length; i++) {
      nodes[i] = start(specs[i].name(), specs[i].deployJson(), envs[i]);
    }
    for (int i = 1; i < specs.length; i++) {
      nodes[i].awaitReady(client, specs.length);
    }
    return nodes;
  }

  /** The end of a kill test: kill -9 of the nodes still there (null: never started), its database dropped, the client closed. */
  static void stopAll(Vertx client, Map<String, String> shared, NodeProcess... nodes) {
    for (NodeProcess node : nodes) {
      if (node != null) {
        node.kill();
      }
    }
    Await.result(TestDatabases.drop(client, TestConfig.config(shared)));
    Await.result(client.close());
  }

  /** A node with a heap of {@code maxHeap} ({@code -Xmx}): tests that what streams never needs more. */
  static NodeProcess start(String name, String deployJson, Map<String, String> env, String maxHeap) {
    try {
      Path profile = TestNodes.profile(deployJson);
      Path log = Files.createTempFile("parley-" + name + "-", ".log");
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      for (String flag : System.getProperty("parley.test.jvmFlags", "").split("\\s+")) {
        if (!flag.isBlank()) {
          command.add(flag);
        }
      }
      command.addAll(List.of("-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          profile.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      builder.environment().put("PARLEY_NODE_NAME", name);
      return new NodeProcess(name, env, log, builder.start());
    } catch (IOException failed) {
      throw new IllegalStateException(failed);
    }
  }

  long pid() {
    return process.pid();
  }

  int port(String key) {
    return Integer.parseInt(env.get(key));
  }

  /** Waits until /ready answers 200 and the cluster has {@code members} members. */
  NodeProcess awaitReady(Vertx vertx, int members) {
    WebClient web = WebClient.create(vertx);
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited: " + tail());
      }
      JsonObject report = Await.result(web.get(port("PARLEY_MANAGEMENT_PORT"), "127.0.0.1", "/ready").send()
          .map(response -> response.statusCode() == 200 ? response.bodyAsJsonObject() : null).otherwiseEmpty());
      if (report != null && report.getJsonObject("checks").getJsonObject("cluster").getInteger("members") >= members) {
        return this;
      }
      Await.result(vertx.timer(200));
    }
    throw new AssertionError(name + " not ready with " + members + " members in 180 s: " + tail());
  }

  /** SIGSTOP / SIGCONT: the process freezes (a partition, a long GC pause) and comes back. */
  void signal(String name) {
    try {
      new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
    } catch (IOException | InterruptedException failed) {
      throw new IllegalStateException(failed);
    }
  }

  /** kill -9. */
  void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM, then wait for the orderly exit. */
  int terminate() {
    process.destroy();
    return waitFor();
  }

  private int waitFor() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(name + " did not exit within 60 s");
      }
      return process.exitValue();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }

  String tail() {
    return ToolProcess.tail(log);
  }
}
