package dev.gatehouse.config;

import dev.gatehouse.keys.MasterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server's data folder (mode 0700): the embedded database, and, unless they come from the
 * environment, the master key ({@code master.key}) and the admin token ({@code admin-token}), both
 * mode 0600, written once on first start.
 */
public final class DataFolder {
  public static final String MASTER_KEY_FILE = "master.key";
  public static final String ADMIN_TOKEN_FILE = "admin-token";

  private final Path dir;

  private DataFolder(Path dir) {
    this.dir = dir;
  }

  /** Opens the folder, creating it (0700) if missing. */
  public static DataFolder open(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(abs)) {
        Files.createDirectories(abs.getParent());
        Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("data folder " + abs + " exists but is not a folder");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data folder " + abs + ": " + e.getMessage(), e);
    }
    if (!Files.isWritable(abs)) {
      throw new IllegalArgumentException("data folder " + abs + " is not writable");
    }
    DataFolder d = new DataFolder(abs);
    d.tighten(true);
    return d;
  }

  /**
   * Makes the folder 0700 and every file in it 0600, saying so for each one that was looser: the
   * folder holds the database, the master key and the admin token, which no other user may read,
   * and a folder restored from a backup or made by hand may have come with looser modes. Called on
   * open (saying so for each) and again, quietly, once the store has created its files.
   */
  public void tighten(boolean warn) {
    try {
      tighten(dir, "rwx------", warn);
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            tighten(f, "rw-------", warn);
          }
        }
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to tighten
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set the mode of " + dir + " or its files: " + e.getMessage(), e);
    }
  }

  private static void tighten(Path p, String mode, boolean warn) throws IOException {
    var want = PosixFilePermissions.fromString(mode);
    var have = Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (!want.containsAll(have)) {
      if (warn) org.slf4j.LoggerFactory.getLogger(DataFolder.class).warn("{} was mode {}; set to {} (only this user may read the data folder)",
          p, PosixFilePermissions.toString(have), mode);
      Files.setPosixFilePermissions(p, want);
    }
  }

  public Path path() {
    return dir;
  }

  public Path resolve(String name) {
    return dir.resolve(name);
  }

  /** The master key from the environment value if given, else from (or newly into) the key file. */
  public MasterKey masterKey(String fromEnvironment) {
    if (fromEnvironment != null) {
      try {
        return MasterKey.parse(fromEnvironment);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("GATEHOUSE_MASTER_KEY: " + e.getMessage());
      }
    }
    Path f = dir.resolve(MASTER_KEY_FILE);
    String text = readOrCreate(f, () -> MasterKey.generate().encoded());
    try {
      return MasterKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(f + ": " + e.getMessage());
    }
  }

  /** The admin token from the environment value if given, else from (or newly into) the token file. */
  public String adminToken(String fromEnvironment) {
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    String t = readOrCreate(adminTokenFile(), DataFolder::newToken);
    String problem = AdminTokenRule.problem(t);
    if (problem != null) {
      throw new IllegalArgumentException(adminTokenFile() + ": " + problem);
    }
    return t;
  }

  public Path adminTokenFile() {
    return dir.resolve(ADMIN_TOKEN_FILE);
  }

  static String newToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return "gha_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String readOrCreate(Path f, java.util.function.Supplier<String> fresh) {
    try {
      if (!Files.exists(f)) {
        Path tmp = Files.createTempFile(f.getParent(), "." + f.getFileName(), ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, fresh.get() + "\n", StandardCharsets.US_ASCII);
        try {
          Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          Files.deleteIfExists(tmp);
          throw e;
        }
      }
      String s = Files.readString(f, StandardCharsets.US_ASCII).trim();
      if (s.isEmpty()) {
        throw new IllegalArgumentException(f + " is empty");
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + f + ": " + e.getMessage(), e);
    }
  }
}
