package dev.gatehouse.discovery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which host serves which service (the Domain API). {@code sentinel} and {@code idp} are this
 * server's public host; operators add the others ({@code asyncMessagingEnt}, ...). Service names
 * are case sensitive; hosts are bare {@code host[:port]}, no scheme or path, since clients prepend
 * {@code https://}.
 *
 * <p>Immutable.
 */
public final class ServiceDirectory {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

  private final Map<String, String> hosts;

  public ServiceDirectory(String publicHost, Map<String, String> extra) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sentinel", checkHost("public host", publicHost));
    m.put("idp", publicHost);
    extra.forEach((name, host) -> {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("service name '" + name + "' must be a letter then up to 63 of A-Z a-z 0-9 _ . -");
      }
      m.put(name, checkHost("host of service " + name, host));
    });
    this.hosts = Collections.unmodifiableMap(m);
  }

  /** Parses {@code NAME=HOST[:PORT]}. */
  public static Map.Entry<String, String> parseEntry(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException("service must be NAME=HOST[:PORT], got '" + spec + "'");
    }
    return Map.entry(spec.substring(0, eq).trim(), spec.substring(eq + 1).trim());
  }

  private static String checkHost(String what, String host) {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new IllegalArgumentException(what + " must be HOST or HOST:PORT with no scheme or path, got '" + host + "'");
    }
    return host;
  }

  public Optional<String> host(String service) {
    return Optional.ofNullable(hosts.get(service));
  }

  /** Every service and its host, in a stable order. */
  public Map<String, String> all() {
    return hosts;
  }
}
