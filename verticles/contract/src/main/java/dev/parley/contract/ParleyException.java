package dev.parley.contract;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A failure that clients may see: a contract error code, a human message and optionally the offending field.
 *
 * <p>It crosses the event bus as a {@link ReplyException} whose failure code is the HTTP status and whose
 * message is this error as JSON; {@link #from(Throwable)} turns any failure back into one. Anything that is
 * not a ParleyException (a bug, a driver error) becomes {@code internal} or {@code unavailable} with a generic
 * message, so SQL, class names and stack traces never reach a client.
 */
public final class ParleyException extends RuntimeException {

  /** Key of the seconds to wait in the event-bus form; HTTP sends them as Retry-After, not in the body. */
  private static final String RETRY_AFTER = "retryAfter";

  private final ErrorCode code;
  private final String field;
  private final long retryAfterSeconds;

  public ParleyException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ParleyException(ErrorCode code, String message, String field) {
    this(code, message, field, 0);
  }

  private ParleyException(ErrorCode code, String message, String field, long retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** {@code rate_limited}, to be retried after that many seconds (at least 1). */
  public static ParleyException rateLimited(String message, long retryAfterSeconds) {
    return new ParleyException(ErrorCode.RATE_LIMITED, message, null, Math.max(1, retryAfterSeconds));
  }

  public static ParleyException badRequest(String field, String message) {
    return new ParleyException(ErrorCode.BAD_REQUEST, message, field);
  }

  public static ParleyException unavailable(String message) {
    return new ParleyException(ErrorCode.UNAVAILABLE, message);
  }

  public ErrorCode code() {
    return code;
  }

  public String field() {
    return field;
  }

  /** Seconds the caller should wait before retrying, or 0 when the error does not say. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The body of an error response: {@code {"error": {"code", "message", "field"?}}}. */
  public JsonObject toErrorBody() {
    return new JsonObject().put("error", toJson());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("code", code.wire()).put("message", getMessage());
    if (field != null) {
      json.put("field", field);
    }
    return json;
  }

  /** Fails an event-bus request with this error, in the form {@link #from(Throwable)} reads back. */
  public void failReply(Message<?> request) {
    JsonObject json = toJson();
    if (retryAfterSeconds > 0) {
      json.put(RETRY_AFTER, retryAfterSeconds);
    }
    request.fail(code.status(), json.encode());
  }

  /** Fails an event-bus request with whatever went wrong, mapped to a client-safe error. */
  public static void fail(Message<?> request, Throwable cause) {
    from(cause).failReply(request);
  }

  /** Maps any failure (local, or a reply from another node) to a client-safe error. */
  public static ParleyException from(Throwable cause) {
    if (cause instanceof ParleyException parley) {
      return parley;
    }
    if (cause instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return fromReplyBody(reply);
      }
      // NO_HANDLERS or TIMEOUT: the verticle that owns this is not deployed, not reachable or overloaded.
      return unavailable("service temporarily unavailable, retry");
    }
    return new ParleyException(ErrorCode.INTERNAL, "internal error");
  }

  private static ParleyException fromReplyBody(ReplyException reply) {
    ErrorCode code = ErrorCode.ofStatus(reply.failureCode());
    try {
      JsonObject json = new JsonObject(reply.getMessage() == null ? "" : reply.getMessage());
      if (code.wire().equals(json.getString("code"))) {
        return new ParleyException(code, json.getString("message", code.wire()), json.getString("field"),
            json.getLong(RETRY_AFTER, 0L));
      }
    } catch (DecodeException | ClassCastException notOurs) {
      // A failure raised by code that does not speak this protocol: its text may hold internals, drop it.
    }
    return code == ErrorCode.INTERNAL
        ? new ParleyException(ErrorCode.INTERNAL, "internal error")
        : new ParleyException(code, code.wire());
  }
}
