package dev.gatehouse.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an admin command prints its answer: {@code json} (pretty JSON, for scripts and {@code jq}) or
 * {@code table} (for people: a list becomes rows and columns, an object key/value lines). The
 * default is a table on a terminal and JSON otherwise, so pipes get JSON.
 */
final class Output {
  private Output() {}

  static String render(JsonObject o, String format) {
    String f = format == null || format.isBlank() ? (System.console() != null ? "table" : "json") : format;
    return switch (f) {
      case "json" -> o.encodePrettily();
      case "table" -> table(o);
      default -> throw new AdminClient.Failure("-o must be table or json, got '" + format + "'");
    };
  }

  static String table(JsonObject o) {
    StringBuilder b = new StringBuilder();
    JsonArray rows = null;
    for (Map.Entry<String, Object> e : o) {
      if (e.getValue() instanceof JsonArray a && rows == null) {
        rows = a;
      }
    }
    if (rows == null) {
      int w = o.fieldNames().stream().mapToInt(String::length).max().orElse(0);
      for (Map.Entry<String, Object> e : o) {
        b.append(String.format("%-" + Math.max(1, w) + "s  %s%n", e.getKey(), cell(e.getValue())));
      }
      return b.toString().stripTrailing();
    }
    Set<String> cols = new LinkedHashSet<>();
    for (Object r : rows) {
      if (r instanceof JsonObject j) {
        cols.addAll(j.fieldNames());
      }
    }
    if (rows.isEmpty()) {
      b.append("(none)\n");
    } else {
      List<String> c = new ArrayList<>(cols);
      int[] w = new int[c.size()];
      List<String[]> cells = new ArrayList<>();
      for (Object r : rows) {
        JsonObject j = r instanceof JsonObject x ? x : new JsonObject().put("value", r);
        String[] row = new String[c.size()];
        for (int i = 0; i < c.size(); i++) {
          row[i] = cell(j.getValue(c.get(i)));
          w[i] = Math.max(w[i], Math.max(row[i].length(), c.get(i).length()));
        }
        cells.add(row);
      }
      for (int i = 0; i < c.size(); i++) {
        b.append(String.format("%-" + w[i] + "s  ", c.get(i).toUpperCase(java.util.Locale.ROOT)));
      }
      b.setLength(b.length() - 2);
      b.append('\n');
      for (String[] row : cells) {
        for (int i = 0; i < row.length; i++) {
          b.append(String.format("%-" + w[i] + "s  ", row[i]));
        }
        b.setLength(b.length() - 2);
        b.append('\n');
      }
    }
    for (Map.Entry<String, Object> e : o) {
      if (!(e.getValue() instanceof JsonArray)) {
        b.append(e.getKey()).append(": ").append(cell(e.getValue())).append('\n');
      }
    }
    return b.toString().stripTrailing();
  }

  private static String cell(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof JsonObject || v instanceof JsonArray) {
      String s = v.toString();
      return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
    return v.toString().replaceAll("[\\p{Cntrl}]", "?");
  }
}
