package io.parley.schemas.events;

/**
 * What a room list needs to show a room it has not seen: attached by the Sequencer to the events
 * that change room lists (PROTOCOL.md section 4, {@code room: {kind, name, encrypted, last_seq}}).
 */
public record RoomInfo(String kind, String name, boolean encrypted) {}
