package dev.parley.common.auth;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;

/**
 * The one answer to "who presents this token", for REST, WebSocket and the bridge alike: an ES256 access token
 * ({@link AccessTokens}) or a bot API token ({@link BotTokens}), of a login session that is still active
 * ({@link SessionGuard}). Fails with 401 {@code unauthorized} (or 503 when nothing can say whether the session
 * is active).
 */
public final class TokenAuthenticator {

  private final AccessTokens accessTokens;
  private final BotTokens botTokens;
  private final SessionGuard guard;

  public TokenAuthenticator(AccessTokens accessTokens, BotTokens botTokens, SessionGuard guard) {
    this.accessTokens = accessTokens;
    this.botTokens = botTokens;
    this.guard = guard;
  }

  public Future<AccessTokens.Claims> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new ParleyException(ErrorCode.UNAUTHORIZED, "missing token"));
    }
    Future<AccessTokens.Claims> claims;
    if (BotTokens.isBotToken(token)) {
      claims = botTokens.resolve(token);
    } else {
      try {
        claims = Future.succeededFuture(accessTokens.verify(token));
      } catch (TokenRejected rejected) {
        return Future.failedFuture(rejected.toParley());
      }
    }
    return claims.compose(valid -> guard.isActive(valid.sessionId()).compose(active -> active
        ? Future.succeededFuture(valid)
        : Future.failedFuture(new ParleyException(ErrorCode.UNAUTHORIZED, "session revoked"))));
  }
}
