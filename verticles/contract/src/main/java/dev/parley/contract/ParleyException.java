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

  private final ErrorCode code;
  private final String field;

  public ParleyException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ParleyException(ErrorCode code, String message, String field) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
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
    request.fail(code.status(), toJson().encode());
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
        return new ParleyException(code, json.getString("message", code.wire()), json.getString("field"));
      }
    } catch (DecodeException | ClassCastException notOurs) {
      // A failure raised by code that does not speak this protocol: its text may hold internals, drop it.
    }
    return code == ErrorCode.INTERNAL
        ? new ParleyException(ErrorCode.INTERNAL, "internal error")
        : new ParleyException(code, code.wire());
  }
}
