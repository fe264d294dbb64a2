package dev.gatehouse.sandbox;

import java.time.Instant;

/**
 * One event of a conversation as kept: its number among all the conversation's events, its Send
 * API {@code sequence} (null for chat states and conversation changes, which have none), who made
 * it, and the change exactly as webhooks carry it ({@code changeJson}, one element of {@code
 * body.changes}).
 */
public record ConversationEvent(
    String conversationId,
    int eventNo,
    Integer sequence,
    Instant at,
    String originatorId,
    String role,
    String kind,
    String changeJson) {}
