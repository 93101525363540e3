package io.parley.edge.ws;

/**
 * A token bucket: {@code tokens = min(burst, tokens + rate * elapsed)}, one token per send. When
 * empty, {@link #retryAfterMs} says when the next token arrives.
 */
public final class TokenBucket {
    private final double ratePerMs;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(int ratePerSecond, int burst, long now) {
        this.ratePerMs = ratePerSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    public synchronized boolean tryTake(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    public synchronized long retryAfterMs(long now) {
        refill(now);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerMs);
    }

    /** Whether it has refilled completely, so a fresh bucket would behave the same. */
    public synchronized boolean isFull(long now) {
        refill(now);
        return tokens >= burst;
    }

    private void refill(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * ratePerMs);
            last = now;
        }
    }
}
