package io.parley.edge.limits;

/**
 * What a command or request is counted against. Each budget has a limit per connection (WebSocket
 * budgets only) and per user on each gateway; the defaults are generous for a real client and are
 * set per budget with {@code PARLEY_LIMIT_<NAME>} and {@code PARLEY_USER_LIMIT_<NAME>} (edge
 * README).
 */
public enum Budget {
    /** send, edit, delete, react (per connection {@code PARLEY_SEND_RATE}/{@code _BURST}). */
    MESSAGES(new Limit(20, 40), new Limit(50, 100)),
    /** ack, read. */
    RECEIPTS(new Limit(100, 400), new Limit(200, 800)),
    /** typing, presence, ping. */
    SIGNALS(new Limit(10, 30), new Limit(20, 60)),
    /** join and leave count one room each; resume counts every room it names. */
    ROOMS(new Limit(100, 2_000), new Limit(200, 4_000)),
    /**
     * Commands that are refused: unknown types and every error answered to a well-formed command
     * (forbidden, not_found, bad_request...), including each foreign room of a resume.
     */
    REFUSALS(new Limit(5, 20), new Limit(10, 40)),
    /** HTTP: GET of rooms, a room, presence, privacy, devices, stats, media redirects. */
    HTTP_READS(null, new Limit(20, 100)),
    /** HTTP: GET /v1/history. */
    HTTP_HISTORY(null, new Limit(50, 100)),
    /** HTTP: GET /v1/search. */
    HTTP_SEARCH(null, new Limit(5, 20)),
    /** HTTP: every POST, PUT, PATCH and DELETE. */
    HTTP_WRITES(null, new Limit(10, 50)),
    /**
     * HTTP without a valid token, per client address: dev-token, healthz, metrics and every request
     * answered 401.
     */
    HTTP_ANONYMOUS(null, new Limit(50, 500));

    final Limit perConnection;
    final Limit perUser;

    Budget(Limit perConnection, Limit perUser) {
        this.perConnection = perConnection;
        this.perUser = perUser;
    }

    String connectionVariable() {
        return "PARLEY_LIMIT_" + name();
    }

    String userVariable() {
        return "PARLEY_USER_LIMIT_" + name();
    }
}
