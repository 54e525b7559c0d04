package dev.parley.common;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's address behind reverse proxies. {@code proxy.trusted} lists the proxies (addresses, CIDR blocks,
 * or {@code "loopback"}) whose {@code X-Forwarded-For} is believed: the client is the right-most entry not
 * itself a trusted proxy. A peer that is not trusted is the client, whatever header it sends, so a direct
 * client cannot spoof its address (login limits and per-address socket caps key on it).
 */
public final class TrustedProxies {

  private final List<IpSubnetFilterRule> rules;

  TrustedProxies(List<String> entries) {
    List<IpSubnetFilterRule> parsed = new ArrayList<>();
    for (String entry : entries) {
      if ("loopback".equals(entry)) {
        parsed.add(new IpSubnetFilterRule("127.0.0.0", 8, IpFilterRuleType.ACCEPT));
        parsed.add(new IpSubnetFilterRule("::1", 128, IpFilterRuleType.ACCEPT));
        continue;
      }
      int slash = entry.indexOf('/');
      String address = slash < 0 ? entry : entry.substring(0, slash);
      if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
        throw new ConfigException("key 'proxy.trusted': '" + entry + "' is not an address, a CIDR block or loopback");
      }
      int bits = NetUtil.isValidIpV4Address(address) ? 32 : 128;
      try {
        int prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1));
        if (prefix < 0 || prefix > bits) {
          throw new NumberFormatException();
        }
        parsed.add(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
      } catch (NumberFormatException badPrefix) {
        throw new ConfigException("key 'proxy.trusted': '" + entry + "' has a bad prefix length");
      }
    }
    this.rules = List.copyOf(parsed);
  }

  public static TrustedProxies from(Settings settings) {
    return new TrustedProxies(settings.strings("proxy.trusted", List.of("loopback")));
  }

  /** The client's literal address, or null when the connection reports none. */
  public String client(SocketAddress peer, String forwardedFor) {
    String address = peer == null ? null : peer.hostAddress();
    if (address == null || forwardedFor == null || !trusted(address)) {
      return address;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!literal(hop)) {
        // Garbage in the header: the nearest hop we can name is the last trusted proxy.
        return address;
      }
      address = hop;
      if (!trusted(hop)) {
        return hop;
      }
    }
    return address;
  }

  private static boolean literal(String address) {
    return NetUtil.isValidIpV4Address(address) || NetUtil.isValidIpV6Address(address);
  }

  private boolean trusted(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      return false;
    }
    try {
      InetSocketAddress socket = new InetSocketAddress(InetAddress.getByAddress(bytes), 0);
      return rules.stream().anyMatch(rule -> rule.matches(socket));
    } catch (UnknownHostException impossible) {
      return false;
    }
  }
}
