package dev.parley.socket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client over a plain TCP socket, for frames no well-behaved client library sends: invalid UTF-8 in
 * a text frame, oversized frames, raw binary. Blocking; for the test thread only.
 */
final class RawWebSocket implements AutoCloseable {

  /** What the server did: a close frame with its code, a dropped connection, or a text frame. */
  record Received(int opcode, int closeCode, String text) {
    static final int DROPPED = -1;
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawWebSocket(int port, String pathAndQuery, String origin) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
      String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
      out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
          + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
      String status = readHeaders();
      if (!status.startsWith("HTTP/1.1 101")) {
        throw new IllegalStateException("upgrade refused: " + status);
      }
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  private String readHeaders() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      head.write(in.readUnsignedByte());
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Writes one masked frame ({@code opcode} 1 text, 2 binary) with exactly these payload bytes. */
  void frame(int opcode, byte[] payload) {
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(0x80 | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length < 65536) {
        frame.write(0x80 | 126);
        frame.write(payload.length >>> 8);
        frame.write(payload.length & 0xff);
      } else {
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) ((long) payload.length >>> shift) & 0xff);
        }
      }
      byte[] mask = {1, 2, 3, 4};
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      out.write(frame.toByteArray());
      out.flush();
    } catch (IOException failed) {
      // The server may close while a large frame is still being written: what it answered is read next.
    }
  }

  void text(String text) {
    frame(1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next frame from the server, or {@link Received#DROPPED} when the connection ended without a close frame. */
  Received next() {
    try {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      int opcode = first & 0x0f;
      if (opcode == 8) {
        return new Received(8, payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005, null);
      }
      return new Received(opcode, 0, new String(payload, StandardCharsets.UTF_8));
    } catch (EOFException | SocketTimeoutException dropped) {
      return new Received(Received.DROPPED, Received.DROPPED, null);
    } catch (IOException reset) {
      return new Received(Received.DROPPED, Received.DROPPED, null);
    }
  }

  /** Skips text frames until the server closes; its close code, or {@link Received#DROPPED}. */
  int closeCode() {
    while (true) {
      Received received = next();
      if (received.opcode() == 8 || received.opcode() == Received.DROPPED) {
        return received.closeCode();
      }
    }
  }

  /** The next text frame (skipping pings); fails if the server closes first. */
  String nextText() {
    while (true) {
      Received received = next();
      if (received.opcode() == 1) {
        return received.text();
      }
      if (received.opcode() == 8 || received.opcode() == Received.DROPPED) {
        throw new AssertionError("closed with " + received.closeCode() + " while waiting for a text frame");
      }
    }
  }

  /** The next text frame containing {@code part}, skipping others (presence and the like). */
  String nextTextContaining(String part) {
    while (true) {
      String text = nextText();
      if (text.contains(part)) {
        return text;
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
