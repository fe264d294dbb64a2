package dev.gatehouse.keys;

import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.Security;

/** For tests: what another application session on the same token can do to this JVM's login. */
public final class TokenSupport {
  private TokenSupport() {}

  /**
   * Logs the token out through a provider of its own. PKCS#11 login state belongs to the application
   * (this JVM), not to a session, so every provider on the token here is logged out with it, as when
   * an HSM drops its sessions' login after a restart or failover.
   */
  public static void logOut(Path library, String label, char[] pin) throws Exception {
    long slot = TokenSlots.find(library, label);
    AuthProvider p = (AuthProvider) Security.getProvider("SunPKCS11").configure("--name=GatehouseTestLogout\nlibrary=" + library + "\nslot=" + slot + "\n");
    java.security.KeyStore.getInstance("PKCS11", p).load(null, pin);
    p.logout();
  }
}
