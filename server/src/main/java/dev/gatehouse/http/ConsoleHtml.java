package dev.gatehouse.http;

import java.util.List;

/**
 * The console's HTML, written by hand: one layout, escaping of every value (text and attributes
 * alike), and the small pieces pages share. Nothing here is loaded from elsewhere; the one script,
 * {@code console.js}, only adds copy buttons, and every page works without it.
 */
final class ConsoleHtml {
  private ConsoleHtml() {}

  /** Escapes for HTML text and quoted attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A path segment, percent-encoded. */
  static String seg(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The start of a page: head, navigation, who is signed in, the messages of the last action, the title. */
  static StringBuilder open(String title, ConsoleSessions.Session s, String current) {
    StringBuilder b = new StringBuilder(8192);
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(title)).append(" \u00b7 Gatehouse console</title>")
        .append("<link rel=\"stylesheet\" href=\"/console/console.css\"><script src=\"/console/console.js\" defer></script></head><body>");
    if (s != null) {
      b.append("<header><nav aria-label=\"Main\"><ul>");
      for (String[] item : List.of(new String[] {"accounts", "Accounts"}, new String[] {"keys", "Signing keys"},
          new String[] {"lockouts", "Lockouts"}, new String[] {"audit", "Audit log"}, new String[] {"status", "Status"})) {
        b.append("<li><a href=\"/console/").append(item[0]).append('"').append(item[0].equals(current) ? " aria-current=\"page\"" : "").append('>')
            .append(item[1]).append("</a></li>");
      }
      b.append("</ul></nav><p class=\"who\">Signed in as <strong>").append(esc(s.actor)).append("</strong> (")
          .append(s.role.name().toLowerCase(java.util.Locale.ROOT)).append(s.mayWrite() ? "" : ", read only").append(")</p>")
          .append("<form method=\"post\" action=\"/console/sign-out\" class=\"inline\">").append(csrf(s))
          .append("<button type=\"submit\">Sign out</button></form></header>");
    }
    b.append("<main><h1>").append(esc(title)).append("</h1>");
    if (s != null) {
      List<List<String>> m = s.takeMessages();
      for (String n : m.get(0)) {
        b.append("<p class=\"notice\" role=\"status\">").append(esc(n)).append("</p>");
      }
      for (String e : m.get(1)) {
        b.append("<p class=\"error\" role=\"alert\">").append(esc(e)).append("</p>");
      }
    }
    return b;
  }

  static String close(StringBuilder b) {
    return b.append("</main></body></html>").toString();
  }

  static String csrf(ConsoleSessions.Session s) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(s.csrf) + "\">";
  }

  /** A form of one button (and hidden fields), posting to {@code action}. */
  static String button(ConsoleSessions.Session s, String action, String label, String... hidden) {
    StringBuilder b = new StringBuilder("<form method=\"post\" action=\"").append(esc(action)).append("\" class=\"inline\">").append(csrf(s));
    for (int i = 0; i + 1 < hidden.length; i += 2) {
      b.append("<input type=\"hidden\" name=\"").append(esc(hidden[i])).append("\" value=\"").append(esc(hidden[i + 1])).append("\">");
    }
    return b.append("<button type=\"submit\">").append(esc(label)).append("</button></form>").toString();
  }

  static String time(java.time.Instant t) {
    return t == null ? "\u2014" : "<time datetime=\"" + t + "\">" + t.toString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z") + "</time>";
  }
}
