package io.parley.schemas.events;

/** A media attachment as carried by messages: the id, its mime type and its size in bytes. */
public record MediaRef(String mediaId, String mime, long size) {}
