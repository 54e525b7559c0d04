package dev.parley.contract;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The client-facing error codes of CONTRACT.md with their HTTP status. Verticles fail event-bus requests with
 * the status as the failure code, so a code survives any number of hops between nodes.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  CONFLICT(409, "conflict"),
  TOO_LARGE(413, "too_large"),
  RATE_LIMITED(429, "rate_limited"),
  /** Extension of the contract: an unexpected server fault; the body never says more than that. */
  INTERNAL(500, "internal"),
  UNAVAILABLE(503, "unavailable");

  private static final Map<Integer, ErrorCode> BY_STATUS =
      Arrays.stream(values()).collect(Collectors.toMap(c -> c.status, Function.identity()));

  private final int status;
  private final String wire;

  ErrorCode(int status, String wire) {
    this.status = status;
    this.wire = wire;
  }

  public int status() {
    return status;
  }

  /** The code as it appears in error bodies and frames. */
  public String wire() {
    return wire;
  }

  /** The code for an HTTP status or event-bus failure code; anything unknown is an internal fault. */
  public static ErrorCode ofStatus(int status) {
    return BY_STATUS.getOrDefault(status, INTERNAL);
  }
}
