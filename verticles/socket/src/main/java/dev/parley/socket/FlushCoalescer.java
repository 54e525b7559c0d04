package dev.parley.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.TimeUnit;

/**
 * Writes a socket's frames with one system call per event-loop turn (or per {@code delayMs}) instead of one per
 * frame: the flushes of the frames written meanwhile are merged into one, at the end of the current turn
 * ({@code delayMs} 0: the frames of the events already queued on the loop go together, no timer) or at most
 * {@code delayMs} later. The bytes and their order on the wire are unchanged. Sits next to the pipeline's head,
 * after the WebSocket encoder, so what passes here are encoded frames. Bounded: once {@code maxPendingBytes} are
 * waiting, or before a close, it flushes at once, so a replay burst never looks like a slow consumer.
 * Event-loop confined (Netty calls a handler on its channel's loop).
 */
final class FlushCoalescer extends ChannelOutboundHandlerAdapter {

  private final long delayMs;
  private final int maxPendingBytes;
  private ChannelHandlerContext ctx;
  private boolean scheduled;
  private int pendingBytes;
  private final Runnable flushNow = this::flushPending;

  FlushCoalescer(long delayMs, int maxPendingBytes) {
    this.delayMs = delayMs;
    this.maxPendingBytes = maxPendingBytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext added) {
    ctx = added;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf bytes) {
      pendingBytes += bytes.readableBytes();
    } else if (msg instanceof ByteBufHolder holder) {
      pendingBytes += holder.content().readableBytes();
    }
    ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (pendingBytes >= maxPendingBytes) {
      flushPending();
    } else if (!scheduled) {
      scheduled = true;
      if (delayMs <= 0) {
        ctx.channel().eventLoop().execute(flushNow);
      } else {
        ctx.channel().eventLoop().schedule(flushNow, delayMs, TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    flushPending();
    ctx.close(promise);
  }

  private void flushPending() {
    scheduled = false;
    pendingBytes = 0;
    ctx.flush();
  }
}
