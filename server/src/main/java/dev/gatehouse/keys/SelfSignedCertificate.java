package dev.gatehouse.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Makes a self-signed X.509 v3 certificate (RSA-2048, SHA256withRSA, one year) for one host name or
 * IP address, so a test or a trial deployment can serve HTTPS and its clients can trust exactly
 * this certificate. The DER is written directly from the RFC 5280 §4.1 structure: the JDK has no
 * public certificate builder, and this needs no extra dependency.
 *
 * <p>The certificate carries the host as subject CN; subjectAltName names it and {@code
 * localhost}, {@code 127.0.0.1} and {@code ::1}; it is an end-entity certificate (basicConstraints
 * CA:FALSE, keyUsage digitalSignature and keyEncipherment, extendedKeyUsage serverAuth), valid for
 * {@value #DAYS} days and made anew by {@link #ensure} when fewer than {@value #RENEW_DAYS} are left
 * (the server checks twice a day and swaps it in without a restart).
 */
public final class SelfSignedCertificate {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  static final int DAYS = 365;
  static final int RENEW_DAYS = 30;

  private SelfSignedCertificate() {}

  /** The PEM files written: certificate and PKCS#8 private key (mode 0600). */
  public record PemFiles(Path certificate, Path privateKey) {}

  /**
   * Writes {@code cert.pem} and {@code key.pem} into {@code dir} for {@code host}, unless a pair for
   * the same host is already there.
   */
  public static PemFiles ensure(Path dir, String host, Clock clock) throws IOException {
    Path cert = dir.resolve("tls-cert.pem");
    Path key = dir.resolve("tls-key.pem");
    Path hostFile = dir.resolve("tls-host");
    if (Files.exists(cert) && Files.exists(key) && Files.exists(hostFile)
        && Files.readString(hostFile).trim().equals(host) && !expiresSoon(cert, clock.instant())) {
      return new PemFiles(cert, key);
    }
    KeyPair pair;
    byte[] der;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      pair = g.generateKeyPair();
      der = certificate(pair, host, clock.instant());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate", e);
    }
    writePrivate(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(cert, pem("CERTIFICATE", der), StandardCharsets.US_ASCII);
    Files.writeString(hostFile, host + "\n", StandardCharsets.US_ASCII);
    return new PemFiles(cert, key);
  }

  /** Whether the certificate in the file ends within {@value #RENEW_DAYS} days (or cannot be read). */
  public static boolean expiresSoon(Path cert, Instant now) {
    try (var in = Files.newInputStream(cert)) {
      var x = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
      return x.getNotAfter().toInstant().isBefore(now.plus(Duration.ofDays(RENEW_DAYS)));
    } catch (IOException | GeneralSecurityException e) {
      return true;
    }
  }

  private static byte[] altName(String name) throws IOException {
    return isIp(name) ? tlv(0x87, InetAddress.getByName(name).getAddress()) : tlv(0x82, name.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] certificate(KeyPair pair, String host, Instant now) throws GeneralSecurityException, IOException {
    byte[] sha256WithRsa = seq(oid("1.2.840.113549.1.1.11"), new byte[] {0x05, 0x00});
    byte[] name = seq(set(seq(oid("2.5.4.3"), tlv(0x0C, host.getBytes(StandardCharsets.UTF_8)))));
    byte[] validity = seq(
        tlv(0x17, UTC_TIME.format(now.minus(Duration.ofHours(1))).getBytes(StandardCharsets.US_ASCII)),
        tlv(0x17, UTC_TIME.format(now.plus(Duration.ofDays(DAYS))).getBytes(StandardCharsets.US_ASCII)));
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(java.util.List.of(host, "localhost", "127.0.0.1", "::1"));
    ByteArrayOutputStream sans = new ByteArrayOutputStream();
    for (String n : names) {
      sans.write(altName(n));
    }
    byte[] extensions = tlv(0xA3, seq(
        extension("2.5.29.19", true, seq()),                                                // basicConstraints: not a CA
        // keyUsage digitalSignature (bit 0) and keyEncipherment (bit 2): 0b10100000, the 5 low bits unused (DER: X.690 §11.2.2)
        extension("2.5.29.15", true, tlv(0x03, new byte[] {0x05, (byte) 0xA0})),
        extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),                     // extKeyUsage serverAuth
        extension("2.5.29.17", false, seq(sans.toByteArray()))));                           // subjectAltName
    byte[] serial = tlv(0x02, new BigInteger(64, new SecureRandom()).setBit(62).toByteArray());
    byte[] tbs = seq(
        tlv(0xA0, tlv(0x02, new byte[] {2})),
        serial,
        sha256WithRsa,
        name,
        validity,
        name,
        pair.getPublic().getEncoded(),
        extensions);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(pair.getPrivate());
    return signed(tbs, sha256WithRsa, s);
  }

  /**
   * A minimal self-signed X.509 v1 certificate (subject and issuer CN = {@code name}, 20 years) for a
   * key pair whose private half may live in a token: signed through {@code provider} with SHA-256
   * (RSA or ECDSA). A PKCS#11 token keeps it beside the private key so that the key can be found
   * again by name; nobody trusts it for anything.
   */
  static byte[] keyHolderCertificate(java.security.PublicKey pub, java.security.PrivateKey priv, java.security.Provider provider,
      String name, Instant now) throws GeneralSecurityException, IOException {
    boolean ec = pub.getAlgorithm().equals("EC");
    byte[] algorithm = ec ? seq(oid("1.2.840.10045.4.3.2")) : seq(oid("1.2.840.113549.1.1.11"), new byte[] {0x05, 0x00});
    byte[] subject = seq(set(seq(oid("2.5.4.3"), tlv(0x0C, name.getBytes(StandardCharsets.UTF_8)))));
    byte[] validity = seq(time(now.minus(Duration.ofHours(1))), time(now.plus(Duration.ofDays(20 * 365))));
    byte[] serial = tlv(0x02, new BigInteger(64, new SecureRandom()).setBit(62).toByteArray());
    byte[] tbs = seq(serial, algorithm, subject, validity, subject, pub.getEncoded());
    Signature s = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA", provider);
    s.initSign(priv);
    return signed(tbs, algorithm, s);
  }

  /** The certificate: the to-be-signed part, its algorithm, and the signature as a BIT STRING (RFC 5280 §4.1.1). */
  private static byte[] signed(byte[] tbs, byte[] algorithm, Signature initialised) throws GeneralSecurityException, IOException {
    initialised.update(tbs);
    byte[] sig = initialised.sign();
    byte[] bits = new byte[sig.length + 1]; // no unused bits
    System.arraycopy(sig, 0, bits, 1, sig.length);
    return seq(tbs, algorithm, tlv(0x03, bits));
  }

  /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
  private static byte[] time(Instant t) {
    java.time.ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    return z.getYear() < 2050
        ? tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(t).getBytes(StandardCharsets.US_ASCII));
  }

  private static boolean isIp(String host) {
    return IPV4.matcher(host).matches() || host.contains(":");
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) throws IOException {
    return critical
        ? seq(oid(oid), new byte[] {0x01, 0x01, (byte) 0xFF}, tlv(0x04, value))
        : seq(oid(oid), tlv(0x04, value));
  }

  private static byte[] seq(byte[]... parts) throws IOException {
    return tlv(0x30, concat(parts));
  }

  private static byte[] set(byte[]... parts) throws IOException {
    return tlv(0x31, concat(parts));
  }

  private static byte[] concat(byte[]... parts) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.write(p);
    }
    return b.toByteArray();
  }

  static byte[] tlv(int tag, byte[] value) {
    int n = value.length;
    byte[] len;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else if (n < 0x100) {
      len = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + len.length + n];
    out[0] = (byte) tag;
    System.arraycopy(len, 0, out, 1, len.length);
    System.arraycopy(value, 0, out, 1 + len.length, n);
    return out;
  }

  static byte[] oid(String dotted) {
    String[] p = dotted.split("\\.");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(Integer.parseInt(p[0]) * 40 + Integer.parseInt(p[1]));
    for (int i = 2; i < p.length; i++) {
      long v = Long.parseLong(p[i]);
      int groups = 1;
      for (long t = v >> 7; t > 0; t >>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int septet = (int) ((v >> (7 * g)) & 0x7F);
        b.write(g == 0 ? septet : septet | 0x80);
      }
    }
    return tlv(0x06, b.toByteArray());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void writePrivate(Path f, String text) throws IOException {
    Files.deleteIfExists(f);
    Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(f, text, StandardCharsets.US_ASCII);
  }
}
