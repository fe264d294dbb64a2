package dev.gatehouse.accounts;

import dev.gatehouse.consumers.ConsumerIdKey;
import dev.gatehouse.keys.MasterKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All accounts, held in memory so the token endpoints never wait on the store: loaded once at
 * start, written through on every change. Accounts are few and small.
 *
 * <p>Thread-safe. {@link #create} blocks on the store; {@link #find} never does.
 */
public final class AccountDirectory {
  private final AccountRepository repository;
  private final MasterKey masterKey;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<AccountId, Account> byId = new ConcurrentHashMap<>();

  public AccountDirectory(AccountRepository repository, MasterKey masterKey, Clock clock) {
    this.repository = repository;
    this.masterKey = masterKey;
    this.clock = clock;
  }

  /** (Re)reads every account from the store. */
  public synchronized void reload() {
    Map<AccountId, Account> fresh = new ConcurrentHashMap<>();
    for (StoredAccount s : repository.findAll()) {
      AccountId id = new AccountId(s.id());
      byte[] key = masterKey.open(s.sealedConsumerIdKey(), context(id));
      fresh.put(id, new Account(id, s.name(), s.createdAt(), new ConsumerIdKey(key)));
    }
    byId.keySet().retainAll(fresh.keySet());
    byId.putAll(fresh);
  }

  /**
   * Creates an account with a fresh consumer-id key.
   *
   * @throws DuplicateAccountException if the id is taken
   */
  public synchronized Account create(AccountId id, String name) {
    byte[] key = new byte[ConsumerIdKey.LENGTH];
    random.nextBytes(key);
    StoredAccount s = new StoredAccount(id.value(), name, masterKey.seal(key, context(id)), clock.instant());
    if (!repository.insert(s)) {
      throw new DuplicateAccountException(id);
    }
    Account a = new Account(id, name, s.createdAt(), new ConsumerIdKey(key));
    byId.put(id, a);
    return a;
  }

  public Optional<Account> find(AccountId id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * The account, reading the store when this node does not hold it (made through another node a
   * moment ago). Blocks on the store on a miss: call it off the event loop.
   */
  public Optional<Account> findOrLoad(AccountId id) {
    Optional<Account> a = find(id);
    if (a.isPresent()) {
      return a;
    }
    reload();
    return find(id);
  }

  /** Looks up by the raw text of a path; invalid ids are simply not found. */
  public Optional<Account> find(String id) {
    return AccountId.isValid(id) ? find(new AccountId(id)) : Optional.empty();
  }

  public List<Account> list() {
    return byId.values().stream().sorted(Comparator.comparing(a -> a.id().value())).toList();
  }

  private static String context(AccountId id) {
    return "account/" + id.value() + "/consumer-id-key";
  }

  /** The account id is already taken. */
  public static final class DuplicateAccountException extends RuntimeException {
    public DuplicateAccountException(AccountId id) {
      super("account " + id + " already exists");
    }
  }
}
