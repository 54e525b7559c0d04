package dev.parley.socket;

import java.util.function.LongSupplier;

/** A per-socket rate limiter: {@code rate} tokens a second, up to {@code burst} saved. Event-loop confined. */
final class TokenBucket {

  private final double rate;
  private final double burst;
  private final LongSupplier nanos;
  private double tokens;
  private long updated;

  TokenBucket(int rate, int burst) {
    this(rate, burst, System::nanoTime);
  }

  /** {@code nanos}: the clock (a fake one in tests). */
  TokenBucket(int rate, int burst, LongSupplier nanos) {
    this.rate = rate;
    this.burst = burst;
    this.nanos = nanos;
    this.tokens = burst;
    this.updated = nanos.getAsLong();
  }

  boolean tryTake() {
    long now = nanos.getAsLong();
    tokens = Math.min(burst, tokens + (now - updated) / 1e9 * rate);
    updated = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
