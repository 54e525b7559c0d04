package dev.parley.socket;

/** The WebSocket close codes of the contract. */
final class CloseCodes {

  private CloseCodes() {
  }

  static final short UNAUTHORIZED = 4401;
  static final short NO_HEARTBEAT = 4408;
  static final short SLOW_CONSUMER = 4409;
  static final short TOO_LARGE = 4413;
  static final short RATE_LIMITED = 4429;
  static final short GOING_AWAY = 4503;
  /** Too many invalid frames, or too many frames before authentication (standard policy violation). */
  static final short POLICY = 1008;
  /** A broken frame sequence, such as a continuation with no first fragment (standard protocol error). */
  static final short PROTOCOL = 1002;
  /** A binary frame on /ws: only text frames are accepted (standard unsupported data). */
  static final short UNSUPPORTED_DATA = 1003;
  /** A text frame that is not valid UTF-8 (standard invalid frame payload data). */
  static final short INVALID_PAYLOAD = 1007;
}
