package dev.parley.http;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the contract's error body. Unexpected faults are logged here with their stack
 * trace and reach the client only as {@code internal}: never SQL, a class name or a trace.
 */
final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {
  }

  static void handle(RoutingContext ctx) {
    ParleyException error = toError(ctx);
    if (error.code() == ErrorCode.INTERNAL && ctx.failure() != null) {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    send(ctx, error);
  }

  static void send(RoutingContext ctx, ParleyException error) {
    if (ctx.response().ended()) {
      return;
    }
    if (error.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
    } else if ((error.code() == ErrorCode.RATE_LIMITED || error.code() == ErrorCode.UNAVAILABLE)
        && ctx.response().headers().get("Retry-After") == null) {
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.response()
        .setStatusCode(error.code().status())
        .putHeader("content-type", "application/json")
        .end(error.toErrorBody().encode());
  }

  private static ParleyException toError(RoutingContext ctx) {
    if (ctx.failure() != null) {
      return ParleyException.from(ctx.failure());
    }
    // Failures raised by Vert.x Web itself carry only a status.
    return switch (ctx.statusCode()) {
      case 400 -> new ParleyException(ErrorCode.BAD_REQUEST, "malformed request");
      case 401 -> new ParleyException(ErrorCode.UNAUTHORIZED, "authentication required");
      case 403 -> new ParleyException(ErrorCode.FORBIDDEN, "not allowed");
      case 404, 405 -> new ParleyException(ErrorCode.NOT_FOUND, "no such endpoint");
      case 413 -> new ParleyException(ErrorCode.TOO_LARGE, "request body is over the limit");
      case 415 -> new ParleyException(ErrorCode.BAD_REQUEST, "request body must be JSON");
      case 503 -> ParleyException.unavailable("service temporarily unavailable, retry");
      default -> new ParleyException(ErrorCode.INTERNAL, "internal error");
    };
  }
}
