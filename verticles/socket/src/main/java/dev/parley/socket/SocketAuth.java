package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.common.auth.TokenAuthenticator;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;

/** A socket's token: an ES256 access token or a bot API token of a login session that is still active. */
final class SocketAuth {

  private final TokenAuthenticator authenticator;

  SocketAuth(TokenAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  Future<Claims> authenticate(String token) {
    return authenticator.authenticate(token).recover(failure -> failure instanceof ParleyException parley
        && parley.code() != ErrorCode.UNAUTHORIZED ? Future.failedFuture(parley) : Future.failedFuture(unauthorized()));
  }

  private static ParleyException unauthorized() {
    return new ParleyException(ErrorCode.UNAUTHORIZED, "missing, expired, forged or revoked token");
  }
}
