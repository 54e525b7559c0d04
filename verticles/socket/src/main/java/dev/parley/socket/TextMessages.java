package dev.parley.socket;

import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;

/**
 * The text messages of one {@code /ws} connection, assembled from its frames under the frame rules
 * ({@link FrameAssembler}); a frame that breaks them closes the socket with the rule's code. The handler can be
 * swapped (the auth-frame reader first, then the session) without reinstalling socket handlers.
 */
final class TextMessages {

  private final FrameAssembler assembler;
  private Handler<String> handler = text -> { };

  TextMessages(ServerWebSocket socket, int maxFrameBytes) {
    this.assembler = new FrameAssembler(maxFrameBytes);
    socket.frameHandler(frame -> {
      if (socket.isClosed()) {
        return;
      }
      try {
        String text = assembler.accept(frame.type(), frame.isFinal(), frame.binaryData());
        if (text != null) {
          handler.handle(text);
        }
      } catch (FrameAssembler.Refused refused) {
        socket.close(refused.code, refused.getMessage());
      }
    });
  }

  void handler(Handler<String> handler) {
    this.handler = handler;
  }
}
