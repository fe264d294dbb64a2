package dev.gatehouse.http;

import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is asking, for the abuse limits: the peer's address, or, when the peer is one of the
 * {@code --trusted-proxy} networks, the last address in {@code X-Forwarded-For} that is not itself a
 * trusted proxy (each proxy appends the address it saw; only the ones we trust can be believed).
 * A client cannot choose its address by sending the header: from anyone else it is ignored.
 *
 * <p>Immutable and thread-safe.
 */
final class SourceAddress {
  private record Cidr(byte[] network, int bits) {
    boolean contains(byte[] a) {
      if (a.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Cidr> trusted;

  /** @throws IllegalArgumentException for a network that is not {@code ADDRESS/BITS} or an address */
  SourceAddress(List<String> trustedProxies) {
    List<Cidr> l = new ArrayList<>();
    for (String t : trustedProxies) {
      l.add(parse(t.trim()));
    }
    this.trusted = List.copyOf(l);
  }

  static Cidr parse(String cidr) {
    int slash = cidr.indexOf('/');
    String addr = slash < 0 ? cidr : cidr.substring(0, slash);
    if (!addr.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("--trusted-proxy " + cidr + " is not ADDRESS[/BITS]");
    }
    byte[] b;
    try {
      b = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--trusted-proxy " + cidr + " is not ADDRESS[/BITS]");
    }
    int bits = b.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > b.length * 8) {
        throw new IllegalArgumentException("--trusted-proxy " + cidr + ": prefix length must be 0.." + b.length * 8);
      }
    }
    return new Cidr(b, bits);
  }

  private boolean isTrusted(String address) {
    if (trusted.isEmpty() || address == null || !address.matches("[0-9a-fA-F:.]+")) {
      return false;
    }
    try {
      byte[] a = InetAddress.getByName(address).getAddress();
      return trusted.stream().anyMatch(c -> c.contains(a));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  String of(HttpServerRequest req) {
    String peer = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    if (!isTrusted(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String h : req.headers().getAll("X-Forwarded-For")) {
      for (String part : h.split(",")) {
        hops.add(part.trim());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      if (!isTrusted(hops.get(i))) {
        String a = hops.get(i);
        return a.isEmpty() || a.length() > 45 ? peer : a;
      }
    }
    return peer;
  }
}
