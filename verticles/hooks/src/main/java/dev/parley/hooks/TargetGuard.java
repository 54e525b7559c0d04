package dev.parley.hooks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The SSRF guard of outgoing webhooks: a hook's host is resolved at every delivery (on a worker thread) and
 * refused when any address it resolves to is loopback, private, link-local (cloud metadata at 169.254.169.254),
 * unique-local, multicast, unspecified, carrier-grade NAT, reserved or documentation space — unless
 * {@code hooks.allowPrivateTargets}. The delivery then connects to the checked address itself, so a second DNS
 * answer cannot point it elsewhere (DNS rebinding); redirects are never followed.
 */
final class TargetGuard {

  private final Vertx vertx;
  private final boolean allowPrivate;

  TargetGuard(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** The address to connect to for this host; fails when it is not allowed or does not resolve. */
  Future<InetAddress> resolve(String host) {
    return vertx.executeBlocking(() -> {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(host);
      } catch (UnknownHostException unknown) {
        throw new RefusedTarget("the hook's host does not resolve");
      }
      if (!allowPrivate) {
        for (InetAddress address : addresses) {
          if (!isPublic(address)) {
            throw new RefusedTarget("the hook's host resolves to a loopback or private address");
          }
        }
      }
      return addresses[0];
    }, false);
  }

  /** True for an address on the public internet. */
  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(bytes);
    }
    if (address instanceof Inet6Address) {
      int first = bytes[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return false; // fc00::/7 unique local
      }
      if (first == 0x20 && (bytes[1] & 0xff) == 0x01 && (bytes[2] & 0xff) == 0x0d && (bytes[3] & 0xff) == 0xb8) {
        return false; // 2001:db8::/32 documentation
      }
      if (embedsV4(bytes)) {
        byte[] v4 = {bytes[12], bytes[13], bytes[14], bytes[15]};
        return isPublicV4(v4);
      }
      return true;
    }
    return false;
  }

  /** ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): the IPv4 address decides. */
  private static boolean embedsV4(byte[] bytes) {
    boolean zeros80 = true;
    for (int i = 0; i < 10; i++) {
      zeros80 &= bytes[i] == 0;
    }
    boolean mapped = zeros80 && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    boolean compatible = zeros80 && bytes[10] == 0 && bytes[11] == 0;
    boolean nat64 = (bytes[0] & 0xff) == 0x00 && (bytes[1] & 0xff) == 0x64 && (bytes[2] & 0xff) == 0xff
        && (bytes[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = bytes[i] == 0;
    }
    return mapped || compatible || nat64;
  }

  private static boolean isPublicV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    return !(a0 == 0                                   // 0.0.0.0/8 "this network"
        || a0 == 10                                     // 10/8
        || a0 == 127                                    // loopback
        || a0 == 100 && (a1 & 0xc0) == 64               // 100.64/10 carrier-grade NAT
        || a0 == 169 && a1 == 254                       // link local, cloud metadata
        || a0 == 172 && (a1 & 0xf0) == 16               // 172.16/12
        || a0 == 192 && a1 == 168                       // 192.168/16
        || a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2) // IETF protocol assignments, TEST-NET-1
        || a0 == 198 && (a1 & 0xfe) == 18               // 198.18/15 benchmarking
        || a0 == 198 && a1 == 51 && a2 == 100           // TEST-NET-2
        || a0 == 203 && a1 == 0 && a2 == 113            // TEST-NET-3
        || a0 >= 224);                                  // multicast, reserved, broadcast
  }

  /** A target the guard refused (the hook's failure reason). */
  static final class RefusedTarget extends RuntimeException {
    RefusedTarget(String message) {
      super(message, null, false, false);
    }
  }
}
