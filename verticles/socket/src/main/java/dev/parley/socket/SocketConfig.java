package dev.parley.socket;

import dev.parley.common.Settings;
import java.util.List;

/** The {@code socket} config section: limits and timings of real-time sessions. */
record SocketConfig(
    List<String> allowedOrigins,
    int heartbeatMs,
    int sockJsSessionTimeoutMs,
    int authTimeoutMs,
    int maxFrameBytes,
    int writeQueueMaxBytes,
    int flushDelayMs,
    int messagesPerSecond,
    int messageBurst,
    int maxInvalidFrames,
    int maxConnectionsPerUser,
    int resumeWindow,
    int resumeGraceMs,
    int typingIntervalMs,
    int presenceTtlSeconds,
    int requestTimeoutMs,
    int drainTimeoutMs,
    int maxConcurrentOpens,
    int maxConcurrentHistoryReads,
    int maxWaitingOpens,
    int maxWaitingHistoryReads,
    int maxEarlyFrames,
    int maxConnectionsPerAddress,
    List<String> addressLimitExempt,
    int blocksCacheSeconds,
    int blocksCacheEntries) {

  static SocketConfig from(Settings settings) {
    return new SocketConfig(
        settings.strings("socket.allowedOrigins"),
        settings.integer("socket.heartbeatMs", 25_000),
        settings.integer("socket.sockJsSessionTimeoutMs", 15_000),
        settings.integer("socket.authTimeoutMs", 5_000),
        settings.integer("socket.maxFrameBytes", 65_536),
        settings.integer("socket.writeQueueMaxBytes", 1_048_576),
        settings.integer("socket.flushDelayMs", 0),
        settings.integer("socket.messagesPerSecond", 20),
        settings.integer("socket.messageBurst", 40),
        settings.integer("socket.maxInvalidFrames", 10),
        settings.integer("socket.maxConnectionsPerUser", 10),
        settings.integer("socket.resumeWindow", 1000),
        settings.integer("socket.resumeGraceMs", 500),
        settings.integer("socket.typingIntervalMs", 1_000),
        settings.integer("socket.presenceTtlSeconds", 30),
        settings.integer("socket.requestTimeoutMs", 10_000),
        settings.integer("socket.drainTimeoutMs", 5_000),
        settings.integer("socket.maxConcurrentOpens", 64),
        settings.integer("socket.maxConcurrentHistoryReads", 16),
        settings.integer("socket.maxWaitingOpens", 2048),
        settings.integer("socket.maxWaitingHistoryReads", 4096),
        settings.integer("socket.maxEarlyFrames", 16),
        settings.integer("socket.maxConnectionsPerAddress", 256),
        settings.strings("socket.addressLimitExempt", List.of("loopback")),
        settings.integer("socket.blocksCacheSeconds", 60),
        settings.integer("socket.blocksCacheEntries", 100_000));
  }
}
