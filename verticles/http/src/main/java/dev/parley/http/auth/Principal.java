package dev.parley.http.auth;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.ext.web.RoutingContext;

/** The authenticated caller of a request, put on the routing context by the authentication handler. */
public record Principal(String userId, String sessionId, String username, boolean bot) {

  static final String KEY = "parley.principal";

  public static Principal of(RoutingContext ctx) {
    Principal principal = ctx.get(KEY);
    if (principal == null) {
      throw new ParleyException(ErrorCode.UNAUTHORIZED, "authentication required");
    }
    return principal;
  }
}
