package dev.parley.http.auth;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fixed-window rate limits in Redis, shared by every node: one counter per (rule, subject) under
 * {@code <redis.keyPrefix>rl:<rule>:<subject>}, incremented and given its expiry atomically by a small Lua
 * script. A request over any of its rules is refused with the seconds until that window ends (Retry-After).
 *
 * <p>When Redis does not answer, requests are let through (logged at most every 10 s): the limits protect
 * against guessing, the bounded {@link HashingPool} still protects the CPU, and logins keep working.
 */
final class RateLimiter {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  /** INCR, start the window on the first hit (or if a key lost its TTL), return {count, ms left}. */
  static final String SCRIPT = """
      local count = redis.call('INCR', KEYS[1])
      local ttl = redis.call('PTTL', KEYS[1])
      if count == 1 or ttl < 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        ttl = tonumber(ARGV[1])
      end
      return {count, ttl}""";

  /** A limit: at most {@code limit} hits per {@code windowSeconds} for one subject. */
  record Rule(String name, int limit, int windowSeconds) {
  }

  /** The outcome of a set of hits: allowed, or refused for {@code retryAfterSeconds}. */
  record Decision(boolean allowed, long retryAfterSeconds, String rule) {
    static final Decision ALLOWED = new Decision(true, 0, null);
  }

  /** One hit of a rule by a subject (an IP, a lower-cased username). */
  record Hit(Rule rule, String subject) {
  }

  private final RedisAPI redis;
  private final String keyPrefix;
  private long lastWarning;

  RateLimiter(RedisAPI redis, String keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
  }

  /** Counts every hit; refused when any rule is over its limit, with the longest wait among those. */
  Future<Decision> hit(Hit... hits) {
    List<Future<Decision>> decisions = new ArrayList<>();
    for (Hit hit : hits) {
      decisions.add(count(hit));
    }
    return Future.all(decisions).map(all -> {
      Decision worst = Decision.ALLOWED;
      for (Future<Decision> one : decisions) {
        Decision decision = one.result();
        if (!decision.allowed() && (worst.allowed() || decision.retryAfterSeconds() > worst.retryAfterSeconds())) {
          worst = decision;
        }
      }
      return worst;
    });
  }

  String key(Rule rule, String subject) {
    return keyPrefix + "rl:" + rule.name() + ":" + subject;
  }

  private Future<Decision> count(Hit hit) {
    Rule rule = hit.rule();
    long windowMs = rule.windowSeconds() * 1000L;
    return redis.eval(List.of(SCRIPT, "1", key(rule, hit.subject()), String.valueOf(windowMs)))
        .map(reply -> decide(rule, reply))
        .recover(failure -> {
          long now = System.currentTimeMillis();
          if (now - lastWarning > 10_000) {
            lastWarning = now;
            LOG.warn("rate limiting skipped, redis did not answer: {}", failure.getMessage());
          }
          return Future.succeededFuture(Decision.ALLOWED);
        });
  }

  private static Decision decide(Rule rule, Response reply) {
    long count = reply.get(0).toLong();
    long ttlMs = reply.get(1).toLong();
    if (count <= rule.limit()) {
      return Decision.ALLOWED;
    }
    return new Decision(false, Math.max(1, (ttlMs + 999) / 1000), rule.name());
  }
}
