package dev.parley.common;

import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;

/**
 * Answering event-bus requests: run the operation on the JSON body, reply with its result, or fail the request
 * with the contract error the caller's mapping chooses (each service knows which of its failures mean
 * "unavailable" and which are bugs).
 */
public final class Replies {

  private Replies() {
  }

  /** Runs {@code operation} on the request body; a synchronous throw counts as a failure too. */
  public static <T> void answer(Message<JsonObject> request, Function<JsonObject, Future<T>> operation,
      Function<Throwable, ParleyException> toError) {
    Future<T> result;
    try {
      if (request.body() == null) {
        throw ParleyException.badRequest(null, "request body missing");
      }
      result = operation.apply(request.body());
    } catch (RuntimeException invalid) {
      result = Future.failedFuture(invalid);
    }
    result.onComplete(done -> {
      if (done.succeeded()) {
        request.reply(done.result());
      } else {
        toError.apply(done.cause()).failReply(request);
      }
    });
  }

  /** Like {@link #answer}, for a service whose operation is named by the {@link Addresses#ACTION} header. */
  public static void dispatch(Message<JsonObject> request, Map<String, Function<JsonObject, Future<?>>> actions,
      Function<Throwable, ParleyException> toError) {
    Function<JsonObject, Future<?>> action = actions.get(request.headers().get(Addresses.ACTION));
    if (action == null) {
      new ParleyException(ErrorCode.BAD_REQUEST, "unknown operation").failReply(request);
      return;
    }
    answer(request, action::apply, toError);
  }
}
