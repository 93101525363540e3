package io.parley.flink.records;

/** A media registration ({@code media_registered}): its {@code media} row. */
public record MediaRow(
        String mediaId,
        String roomId,
        String uploader,
        String mime,
        long size,
        String sha256,
        String objectKey,
        long createdAt,
        long writeTs)
        implements UserWrite {}
