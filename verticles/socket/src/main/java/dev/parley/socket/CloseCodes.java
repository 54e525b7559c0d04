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
  /** Too many invalid frames (standard policy violation). */
  static final short POLICY = 1008;
}
