package dev.gatehouse.keys;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a PKCS#11 token's slot by its label. Slot ids are not stable (SoftHSM2 renumbers them when a
 * token is initialised; a network HSM numbers partitions as it likes), labels are what operators
 * name. The JDK's SunPKCS11 selects a slot only by number and has no public call that reads token
 * labels, so this asks the library itself ({@code C_GetSlotList}, {@code C_GetTokenInfo}) through
 * the JDK's own PKCS#11 wrapper, which needs {@code --add-exports
 * jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} (the jar's manifest and
 * {@code bin/gatehouse} give it). The library is initialised the way SunPKCS11 does it (OS locking),
 * and SunPKCS11 then shares that one initialised instance.
 */
final class TokenSlots {
  static final String EXPORT = "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";
  private static final long CKF_OS_LOCKING_OK = 0x2L;

  private TokenSlots() {}

  /** A token present in a slot: its slot id and label (null when it did not answer). */
  record Token(long slot, String label) {}

  /**
   * The tokens present in the library's slots.
   *
   * @throws IllegalArgumentException when the library cannot be loaded or the wrapper is not reachable
   */
  static List<Token> list(Path library) {
    try {
      Class<?> pkcs11 = Class.forName("sun.security.pkcs11.wrapper.PKCS11");
      Class<?> initArgs = Class.forName("sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS");
      Object args = initArgs.getConstructor().newInstance();
      initArgs.getField("flags").setLong(args, CKF_OS_LOCKING_OK);
      Object p11 = pkcs11.getMethod("getInstance", String.class, String.class, initArgs, boolean.class)
          .invoke(null, library.toString(), "C_GetFunctionList", args, false);
      long[] slots = (long[]) pkcs11.getMethod("C_GetSlotList", boolean.class).invoke(p11, true);
      Method tokenInfo = pkcs11.getMethod("C_GetTokenInfo", long.class);
      List<Token> found = new ArrayList<>();
      for (long slot : slots) {
        Object info;
        try {
          info = tokenInfo.invoke(p11, slot);
        } catch (InvocationTargetException unreadable) {
          found.add(new Token(slot, null)); // a token that does not answer (broken, away): not one to pick
          continue;
        }
        char[] label = (char[]) info.getClass().getField("label").get(info);
        found.add(new Token(slot, new String(label).trim()));
      }
      return found;
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException("finding a PKCS#11 token by its label needs the JVM option " + EXPORT
          + " (bin/gatehouse and java -jar gatehouse.jar give it)");
    } catch (InvocationTargetException e) {
      Throwable c = e.getCause();
      throw new IllegalArgumentException("PKCS#11 library " + library + " cannot be used: " + oneLine(c), c);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("this JDK's PKCS#11 support (module jdk.crypto.cryptoki) is missing or changed: " + e, e);
    }
  }

  /** The slot holding the token labelled {@code label}; one line naming the labels seen if none does. */
  static long find(Path library, String label) {
    List<Token> tokens = list(library);
    List<Long> matches = tokens.stream().filter(t -> label.equals(t.label())).map(Token::slot).toList();
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      List<String> labels = tokens.stream().map(Token::label).filter(l -> l != null && !l.isEmpty()).map(l -> "'" + l + "'").toList();
      long unreadable = tokens.stream().filter(t -> t.label() == null).count();
      throw new IllegalArgumentException("no PKCS#11 token labelled '" + label + "' in " + library
          + (labels.isEmpty() ? " (no initialised token found" : " (tokens found: " + String.join(", ", labels))
          + (unreadable > 0 ? "; " + unreadable + " slot(s) did not answer)" : ")"));
    }
    throw new IllegalArgumentException(matches.size() + " PKCS#11 tokens in " + library + " are labelled '" + label + "'; labels must be unique");
  }

  static String oneLine(Throwable t) {
    String m = t == null ? "unknown failure" : String.valueOf(t.getMessage());
    return m.replace('\n', ' ').replace('\r', ' ');
  }
}
