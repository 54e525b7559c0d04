package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coalescer on a real Netty event loop (in-JVM channels): what the peer receives and how many flushes reach
 * the transport (each one a write system call on a TCP socket).
 */
class FlushCoalescerTest {

  /** Counts the flushes that reach the transport. */
  private static final class Flushes extends ChannelOutboundHandlerAdapter {
    volatile int count;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      count++;
      ctx.flush();
    }
  }

  private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
  private final Flushes flushes = new Flushes();
  /** What the peer read, one entry per read (so frames flushed together arrive together). */
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private Channel server;

  @AfterEach
  void stop() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A connected pair; the returned channel is the writing side, with the coalescer next to its head. */
  private Channel connect(long delayMs, int maxPendingBytes) throws Exception {
    LocalAddress address = new LocalAddress("coalescer-" + System.nanoTime());
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel channel) {
            channel.pipeline().addLast(flushes, new FlushCoalescer(delayMs, maxPendingBytes));
            accepted.complete(channel);
          }
        }).bind(address).sync().channel();
    new Bootstrap().group(loops).channel(LocalChannel.class).handler(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        received.add(bytes.toString(StandardCharsets.UTF_8));
        bytes.release();
      }
    }).connect(address).sync();
    return accepted.get(5, TimeUnit.SECONDS);
  }

  /** Writes and flushes each frame in one task of the channel's loop (as one event's fan-out does). */
  private static int writeInOneTurn(Channel channel, List<String> frames, Flushes flushes) throws Exception {
    return channel.eventLoop().submit(() -> {
      frames.forEach(frame -> channel.writeAndFlush(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
      return flushes.count;
    }).get(5, TimeUnit.SECONDS);
  }

  private String next() throws InterruptedException {
    String read = received.poll(5, TimeUnit.SECONDS);
    assertThat(read).as("a read within 5 s").isNotNull();
    return read;
  }

  @Test
  void theFramesOfOneTurnGoOutTogetherInOrderWithOneFlush() throws Exception {
    Channel channel = connect(0, 65_536);
    int before = flushes.count;
    assertThat(writeInOneTurn(channel, List.of("a", "b", "c"), flushes)).isEqualTo(before);
    assertThat(next()).isEqualTo("abc");
    assertThat(flushes.count).isEqualTo(before + 1);

    writeInOneTurn(channel, List.of("d"), flushes);
    assertThat(next()).isEqualTo("d");
    assertThat(flushes.count).isEqualTo(before + 2);
  }

  @Test
  void aDelayGathersTheFramesOfSeveralTurns() throws Exception {
    Channel channel = connect(200, 65_536);
    int before = flushes.count;
    writeInOneTurn(channel, List.of("a"), flushes);
    writeInOneTurn(channel, List.of("b"), flushes);
    assertThat(received).isEmpty();
    assertThat(next()).isEqualTo("ab");
    assertThat(flushes.count).isEqualTo(before + 1);
  }

  @Test
  void pendingBytesOverTheBoundAreFlushedAtOnce() throws Exception {
    Channel channel = connect(0, 4);
    int before = flushes.count;
    assertThat(writeInOneTurn(channel, List.of("ab", "cde", "f"), flushes)).isEqualTo(before + 1);
    assertThat(next()).isEqualTo("abcde");
    assertThat(next()).isEqualTo("f");
  }

  @Test
  void aCloseSendsWhatIsPendingFirst() throws Exception {
    Channel channel = connect(10_000, 65_536);
    channel.eventLoop().submit(() -> {
      channel.writeAndFlush(Unpooled.copiedBuffer("last words", StandardCharsets.UTF_8));
      channel.close();
    }).get(5, TimeUnit.SECONDS);
    assertThat(next()).isEqualTo("last words");
    channel.closeFuture().await(5, TimeUnit.SECONDS);
    assertThat(channel.isOpen()).isFalse();
  }
}
