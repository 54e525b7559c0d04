package dev.parley.socket;

import io.vertx.core.buffer.Buffer;

/**
 * One frame for clients: its JSON text, and its UTF-8 bytes, encoded on first use and then shared by every
 * socket it is written to (a room event goes to each member's socket on this node: encoded once, not once per
 * socket). Event-loop confined.
 */
final class Frame {

  final String text;
  private Buffer bytes;

  Frame(String text) {
    this.text = text;
  }

  Buffer bytes() {
    if (bytes == null) {
      bytes = Buffer.buffer(text);
    }
    return bytes;
  }
}
