package dev.parley.socket;

import dev.parley.common.auth.AccessTokens;
import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.common.auth.SessionGuard;
import dev.parley.common.auth.TokenRejected;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;

/** A socket's token: a valid ES256 access token of a login session that is still active. */
final class SocketAuth {

  private final AccessTokens tokens;
  private final SessionGuard guard;

  SocketAuth(AccessTokens tokens, SessionGuard guard) {
    this.tokens = tokens;
    this.guard = guard;
  }

  Future<Claims> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(unauthorized());
    }
    Claims claims;
    try {
      claims = tokens.verify(token);
    } catch (TokenRejected rejected) {
      return Future.failedFuture(unauthorized());
    }
    return guard.isActive(claims.sessionId())
        .compose(active -> active ? Future.succeededFuture(claims) : Future.failedFuture(unauthorized()));
  }

  private static ParleyException unauthorized() {
    return new ParleyException(ErrorCode.UNAUTHORIZED, "missing, expired, forged or revoked token");
  }
}
