package io.parley.schemas.frames;

/**
 * Size limits the codec enforces.
 *
 * @param maxFrameChars a whole text frame (too_large above it)
 * @param maxBodyChars the body of a send (too_large above it)
 * @param maxMediaIds attachments per message
 * @param maxResumeRooms rooms in one resume
 */
public record FrameLimits(
        int maxFrameChars, int maxBodyChars, int maxMediaIds, int maxResumeRooms) {
    public static final FrameLimits DEFAULT = new FrameLimits(65_536, 16_384, 10, 2_000);
}
