package dev.gatehouse.http;

import dev.gatehouse.operators.Role;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's signed-in operators, in this node's memory: a random session id (the cookie), the
 * operator's audit name and role, a CSRF token for its forms, what to show once on the next page
 * (notices, and a new client secret), and an idle timeout. Sessions do not outlive the process
 * and are not shared between nodes (a node that did not sign you in asks you to sign in).
 *
 * <p>Thread-safe.
 */
final class ConsoleSessions {
  static final Duration IDLE = Duration.ofMinutes(15);
  static final int MAX = 10_000;

  /** One signed-in operator. Its mutable parts are guarded by itself. */
  static final class Session {
    final String id;
    final String actor;
    final Role role;
    final String csrf;
    private volatile Instant lastSeen;
    private final List<String> notices = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private String secretFor;
    private String secret;

    Session(String id, String actor, Role role, String csrf, Instant now) {
      this.id = id;
      this.actor = actor;
      this.role = role;
      this.csrf = csrf;
      this.lastSeen = now;
    }

    boolean mayWrite() {
      return role == Role.ADMIN;
    }

    synchronized void notice(String text) {
      notices.add(text);
    }

    synchronized void error(String text) {
      errors.add(text);
    }

    /** The notices and errors since the last page, each shown once. */
    synchronized List<List<String>> takeMessages() {
      List<List<String>> out = List.of(List.copyOf(notices), List.copyOf(errors));
      notices.clear();
      errors.clear();
      return out;
    }

    /** A client secret to show once, on the page of that app. */
    synchronized void showOnce(String clientId, String clientSecret) {
      this.secretFor = clientId;
      this.secret = clientSecret;
    }

    /** The secret to show on this app's page, gone once taken. */
    synchronized String takeSecret(String clientId) {
      if (secret == null || !clientId.equals(secretFor)) {
        return null;
      }
      String s = secret;
      secret = null;
      secretFor = null;
      return s;
    }

    boolean csrfMatches(String given) {
      return given != null && MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          csrf.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  ConsoleSessions(Clock clock) {
    this.clock = clock;
  }

  Session start(String actor, Role role) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX) {
      sessions.values().removeIf(s -> expired(s, now));
      if (sessions.size() >= MAX) {
        throw new ApiException(ApiError.of(503, "temporarily_unavailable", "too many console sessions on this node; try again later"));
      }
    }
    Session s = new Session(token(), actor, role, token(), now);
    sessions.put(s.id, s);
    return s;
  }

  /** The live session of this cookie value, its idle clock restarted; null when none or expired. */
  Session find(String id) {
    if (id == null) {
      return null;
    }
    Session s = sessions.get(id);
    Instant now = clock.instant();
    if (s == null || expired(s, now)) {
      if (s != null) {
        sessions.remove(id);
      }
      return null;
    }
    s.lastSeen = now;
    return s;
  }

  void end(Session s) {
    sessions.remove(s.id);
  }

  private static boolean expired(Session s, Instant now) {
    return !now.isBefore(s.lastSeen.plus(IDLE));
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
