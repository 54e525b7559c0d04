package dev.parley.socket;

/** A per-socket rate limiter: {@code rate} tokens a second, up to {@code burst} saved. Event-loop confined. */
final class TokenBucket {

  private final double rate;
  private final double burst;
  private double tokens;
  private long updated = System.nanoTime();

  TokenBucket(int rate, int burst) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
  }

  boolean tryTake() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - updated) / 1e9 * rate);
    updated = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
