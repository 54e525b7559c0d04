package dev.parley.socket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrameType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the data frames of one {@code /ws} connection into text messages, enforcing the frame rules: only text
 * (a binary frame has no documented use: 1003), at most {@code maxBytes} per message however it is fragmented
 * (4413), valid UTF-8 (1007: never replaced by U+FFFD and stored), continuations only after a first fragment
 * (1002). Event-loop confined, like its socket.
 */
final class FrameAssembler {

  /** A frame broke a rule: close the socket with this code and reason. */
  static final class Refused extends Exception {
    final short code;

    Refused(short code, String reason) {
      super(reason, null, false, false);
      this.code = code;
    }
  }

  /** One strict decoder per event-loop thread: sockets never share a thread's decoder concurrently. */
  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
      .newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));

  private final int maxBytes;
  /** The fragments of a text message whose final frame has not arrived yet; null between messages. */
  private Buffer partial;

  FrameAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The complete text message this frame ends, or null when more fragments follow (or it was a control frame). */
  String accept(WebSocketFrameType type, boolean last, Buffer data) throws Refused {
    switch (type) {
      case TEXT -> {
        if (partial != null) {
          throw new Refused(CloseCodes.PROTOCOL, "a new message before the last one ended");
        }
        if (last) {
          return decode(checked(data.length(), data));
        }
        partial = Buffer.buffer(data.length() * 2).appendBuffer(checked(data.length(), data));
        return null;
      }
      case CONTINUATION -> {
        if (partial == null) {
          throw new Refused(CloseCodes.PROTOCOL, "a continuation without a first fragment");
        }
        checked(partial.length() + data.length(), data);
        partial.appendBuffer(data);
        if (!last) {
          return null;
        }
        Buffer whole = partial;
        partial = null;
        return decode(whole);
      }
      case BINARY -> throw new Refused(CloseCodes.UNSUPPORTED_DATA, "binary frames are not accepted");
      default -> {
        return null;
      }
    }
  }

  private Buffer checked(int length, Buffer data) throws Refused {
    if (length > maxBytes) {
      throw new Refused(CloseCodes.TOO_LARGE, "frame too large");
    }
    return data;
  }

  private static String decode(Buffer bytes) throws Refused {
    try {
      return UTF8.get().decode(ByteBuffer.wrap(bytes.getBytes())).toString();
    } catch (CharacterCodingException invalid) {
      throw new Refused(CloseCodes.INVALID_PAYLOAD, "text is not valid UTF-8");
    }
  }
}
