package dev.parley.loadgen;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario's parameters, from {@code --key=value} arguments or {@code LOADGEN_KEY} environment variables
 * (the same names as k6/chat.js uses, so a run here and a k6 run are comparable).
 */
record Options(
    String mode,
    int users,
    int roomSize,
    int sendIntervalMs,
    int durationSeconds,
    int rampSeconds,
    int drainSeconds,
    int warmupSeconds,
    List<String> targets,
    List<String> sourceAddresses,
    int eventLoops,
    String password,
    String runId,
    int serverPid,
    int setupConcurrency,
    int reconnectJitterMs,
    boolean synthetic,
    String outDir,
    int ackTimeoutMs,
    int maxInFlight) {

  static Options parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    System.getenv().forEach((key, value) -> {
      if (key.startsWith("LOADGEN_")) {
        values.put(key.substring(8).toLowerCase().replace('_', '-'), value);
      }
    });
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("arguments are --key=value, not " + arg);
      }
      values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    // --synthetic=USERS:ROOMSIZE: no accounts, tokens that name user and room (the bare baseline server's
    // protocol, shared/bench/ws-baseline): the same scenario against a server without auth or storage.
    String synthetic = values.getOrDefault("synthetic", "");
    if (!synthetic.isEmpty()) {
      String[] sizes = synthetic.split(":");
      if (sizes.length != 2) {
        throw new IllegalArgumentException("--synthetic is USERS:ROOMSIZE, not " + synthetic);
      }
      values.put("users", sizes[0]);
      values.put("room-size", sizes[1]);
    }
    return new Options(
        values.getOrDefault("mode", "chat"),
        integer(values, "users", 100),
        integer(values, "room-size", 50),
        integer(values, "send-interval-ms", 10_000),
        integer(values, "duration", 60),
        integer(values, "ramp", 10),
        integer(values, "drain", 5),
        integer(values, "warmup", 0),
        list(values.getOrDefault("targets", "127.0.0.1:8080:8090")),
        list(values.getOrDefault("sources", "127.0.0.1")),
        integer(values, "event-loops", Runtime.getRuntime().availableProcessors()),
        values.getOrDefault("password", "load test password"),
        values.getOrDefault("run-id", Long.toString(System.currentTimeMillis() % 100_000_000L, 36)),
        integer(values, "server-pid", 0),
        integer(values, "setup-concurrency", 32),
        integer(values, "reconnect-jitter-ms", 5000),
        !synthetic.isEmpty(),
        // --mode=chaos (scripts/chaos): where the timeline, the stop signal and the verification go, how long a
        // send waits for its ack before the same id is sent again, and how many sends a user has unacknowledged.
        values.getOrDefault("out-dir", "/tmp/parley-chaos/client"),
        integer(values, "ack-timeout-ms", 3000),
        integer(values, "max-in-flight", 4));
  }

  private static int integer(Map<String, String> values, String key, int fallback) {
    String value = values.get(key);
    try {
      return value == null ? fallback : Integer.parseInt(value.trim());
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException("--" + key + " must be a whole number, not " + value);
    }
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(part -> !part.isEmpty()).toList();
  }

  /** target i as host, http port, socket port. */
  Target target(int index) {
    String[] parts = targets.get(index % targets.size()).split(":");
    return new Target(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts.length > 2 ? parts[2] : parts[1]));
  }

  record Target(String host, int httpPort, int socketPort) {
  }
}
