package dev.gatehouse.issuance;

/** A client-sent value as it may be shown back in an error: at most 40 characters, ASCII only. */
public final class Printable {
  private Printable() {}

  public static String of(String s) {
    if (s == null) {
      return "(none)";
    }
    String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(c >= 0x20 && c <= 0x7E ? c : '?');
    }
    return b.toString();
  }
}
