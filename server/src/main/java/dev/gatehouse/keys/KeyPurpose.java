package dev.gatehouse.keys;

/** What a signing key signs. Each purpose has its own ring, so the two can rotate on their own schedules. */
public enum KeyPurpose {
  /** AppJWTs: live an hour, rotate often. */
  APP_TOKEN,
  /** ConsumerJWS: never expire, rotate rarely and deliberately. */
  CONSUMER_TOKEN
}
