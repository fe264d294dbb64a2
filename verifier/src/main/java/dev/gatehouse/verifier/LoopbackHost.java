package dev.gatehouse.verifier;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a host, as written, names this machine: {@code localhost}, a dotted-quad address in
 * 127.0.0.0/8, or {@code ::1} (bracketed or not). Never resolved, and a name that merely starts
 * with "127." ({@code 127.attacker.example}) is not one. The one rule for "plain http is fine here"
 * (a JWKS URL, a webhook endpoint) and "this bind address is private" (the admin side).
 *
 * <p>Stateless and thread-safe.
 */
public final class LoopbackHost {
  private static final Pattern V4 = Pattern.compile("127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

  private LoopbackHost() {}

  public static boolean is(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || V4.matcher(h).matches();
  }
}
