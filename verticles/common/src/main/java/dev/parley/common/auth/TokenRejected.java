package dev.parley.common.auth;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;

/**
 * An access token that does not pass verification, with the reason (for tests and metrics; clients only learn
 * "expired" or "invalid"). Its message never contains the token.
 */
public final class TokenRejected extends RuntimeException {

  /** Why a token was refused. */
  public enum Reason {
    /** Not three base64url parts of JSON, too long, bad typ, crit header, or a claim of the wrong type. */
    MALFORMED,
    /** Header alg is not exactly ES256 (includes "none" and every HMAC/RSA variant). */
    ALGORITHM,
    /** No kid, or a kid this node has no verification key for. */
    UNKNOWN_KEY,
    /** The signature does not verify with the key named by kid. */
    SIGNATURE,
    ISSUER,
    AUDIENCE,
    /** A required claim (sub, sid, preferred_username, exp, iat) is missing. */
    MISSING_CLAIM,
    EXPIRED,
    /** nbf or iat lies in the future (beyond the allowed clock skew). */
    NOT_YET_VALID
  }

  private final Reason reason;

  public TokenRejected(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The client-facing 401: "expired" lets a client know that refreshing may help, anything else is "invalid". */
  public ParleyException toParley() {
    return new ParleyException(ErrorCode.UNAUTHORIZED,
        reason == Reason.EXPIRED ? "access token expired" : "invalid access token");
  }
}
