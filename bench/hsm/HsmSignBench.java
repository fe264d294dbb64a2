import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * RSA-2048 SHA256withRSA signatures per second through SunPKCS11 on a SoftHSM2 token, with 1, 2, 4
 * and 8 threads each holding its own Signature (so its own PKCS#11 session), against the same with
 * the JDK's software provider. Run by bench/hsm (which makes the token); args: PKCS11_CONFIG PIN SECONDS.
 */
public class HsmSignBench {
  public static void main(String[] args) throws Exception {
    Provider p11 = Security.getProvider("SunPKCS11").configure(args[0]);
    Security.addProvider(p11);
    char[] pin = args[1].toCharArray();
    int seconds = Integer.parseInt(args[2]);
    KeyStore ks = KeyStore.getInstance("PKCS11", p11);
    ks.load(null, pin);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", p11);
    g.initialize(2048);
    KeyPair inToken = g.generateKeyPair();
    KeyPairGenerator soft = KeyPairGenerator.getInstance("RSA");
    soft.initialize(2048);
    KeyPair inMemory = soft.generateKeyPair();
    System.out.printf("%-10s %8s %12s%n", "provider", "threads", "signs/s");
    for (int threads : new int[] {1, 2, 4, 8}) {
      System.out.printf("%-10s %8d %12.0f%n", "softhsm2", threads, rate(inToken.getPrivate(), p11, threads, seconds));
    }
    for (int threads : new int[] {1, 2}) {
      System.out.printf("%-10s %8d %12.0f%n", "jdk", threads, rate(inMemory.getPrivate(), Signature.getInstance("SHA256withRSA").getProvider(), threads, seconds));
    }
  }

  static double rate(PrivateKey key, Provider provider, int threads, int seconds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder done = new LongAdder();
    List<Thread> ts = new ArrayList<>();
    byte[] input = new byte[300];
    for (int i = 0; i < threads; i++) {
      Signature s = Signature.getInstance("SHA256withRSA", provider);
      s.initSign(key);
      Thread t = new Thread(() -> {
        try {
          while (!stop.get()) {
            s.update(input);
            s.sign();
            done.increment();
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      ts.add(t);
    }
    long start = System.nanoTime();
    ts.forEach(Thread::start);
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : ts) {
      t.join();
    }
    return done.sum() * 1e9 / (System.nanoTime() - start);
  }
}
