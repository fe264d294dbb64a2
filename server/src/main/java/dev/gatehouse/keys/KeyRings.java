package dev.gatehouse.keys;

import java.util.ArrayList;
import java.util.List;

/** The two rings in force at one moment: AppJWT keys and ConsumerJWS keys. Immutable. */
public record KeyRings(KeyRing app, KeyRing consumer) {
  public KeyRings {
    if (app.purpose() != KeyPurpose.APP_TOKEN || consumer.purpose() != KeyPurpose.CONSUMER_TOKEN) {
      throw new IllegalArgumentException("rings swapped: " + app + ", " + consumer);
    }
  }

  public KeyRing ring(KeyPurpose p) {
    return p == KeyPurpose.APP_TOKEN ? app : consumer;
  }

  /** Every key of both rings, app ring first. */
  public List<SigningKey> all() {
    List<SigningKey> l = new ArrayList<>(app.all());
    l.addAll(consumer.all());
    return l;
  }
}
