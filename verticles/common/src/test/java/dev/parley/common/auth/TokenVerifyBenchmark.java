package dev.parley.common.auth;

import dev.parley.common.testing.TestJwt;
import dev.parley.common.testing.TestKeys;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one access-token verification costs on the calling thread (an event loop, for every request): distinct
 * tokens, so each is verified in full, and one token over and over (the verified-token memory). Prints
 * microseconds per verification of the best of several rounds, in wall time and in this thread's CPU time (less
 * disturbed by other processes on a busy machine); run by {@code scripts/bench-tokens}.
 */
public final class TokenVerifyBenchmark {

  private static final int TOKENS = 500;
  private static final int ROUNDS = 7;

  private TokenVerifyBenchmark() {
  }

  public static void main(String[] args) {
    TestKeys.TestKey key = TestKeys.generate("bench");
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < TOKENS * (ROUNDS + 1); i++) {
      tokens.add(TestJwt.sign(TestJwt.header("bench"), TestJwt.claims("parley", "parley-api", String.valueOf(i), "s"),
          key.pair().getPrivate()));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double full = Double.MAX_VALUE;
    double fullCpu = Double.MAX_VALUE;
    double cached = Double.MAX_VALUE;
    for (int round = 0; round <= ROUNDS; round++) {
      AccessTokens verifier = verifier(key);
      long start = System.nanoTime();
      long cpuStart = threads.getCurrentThreadCpuTime();
      for (String token : tokens.subList(round * TOKENS, (round + 1) * TOKENS)) {
        verifier.verify(token);
      }
      double micros = (System.nanoTime() - start) / 1000.0 / TOKENS;
      double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuStart) / 1000.0 / TOKENS;
      String again = tokens.get(round * TOKENS);
      start = System.nanoTime();
      for (int i = 0; i < TOKENS * 10; i++) {
        verifier.verify(again);
      }
      double cachedMicros = (System.nanoTime() - start) / 1000.0 / (TOKENS * 10);
      if (round > 0) {
        full = Math.min(full, micros);
        fullCpu = Math.min(fullCpu, cpuMicros);
        cached = Math.min(cached, cachedMicros);
      }
    }
    System.out.printf("token verification, full:   %.1f us wall, %.1f us cpu%n", full, fullCpu);
    System.out.printf("token verification, cached: %.2f us%n", cached);
  }

  private static AccessTokens verifier(TestKeys.TestKey key) {
    return new AccessTokens("parley", "parley-api", Map.of("bench", (ECPublicKey) key.pair().getPublic()), 30);
  }
}
