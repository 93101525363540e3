package io.parley.edge.limits;

/** A budget's refill rate and burst: {@code burst} at once, then {@code perSecond} a second. */
public record Limit(int perSecond, int burst) {
    public Limit {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a limit needs a rate and a burst of at least 1");
        }
    }

    /** {@code "20/40"}: 20 a second, bursts of 40. */
    public static Limit parse(String name, String text) {
        String[] parts = text.trim().split("/");
        try {
            if (parts.length == 2) {
                return new Limit(
                        Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException(
                name + " must be <per second>/<burst>, for example 20/40, not '" + text + "'");
    }

    /** How long an unused budget takes to refill completely: after that a new one is the same. */
    long refillMillis() {
        return (long) Math.ceil(burst * 1000.0 / perSecond);
    }
}
