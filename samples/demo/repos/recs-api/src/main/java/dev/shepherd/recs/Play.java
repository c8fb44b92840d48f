package dev.shepherd.recs;

/** One play of a track; userIdHash-style derived keys live elsewhere. */
public record Play(long userId, String trackId, long playedAtMillis) {}
