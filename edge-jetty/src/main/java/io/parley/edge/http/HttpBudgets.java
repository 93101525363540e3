package io.parley.edge.http;

import io.parley.edge.limits.Budget;

/** Which budget each HTTP request is counted against. */
final class HttpBudgets {
    private HttpBudgets() {}

    /** Requests served without a token: counted per client address. */
    static boolean isAnonymous(String path) {
        return path.equals("/healthz")
                || path.equals("/metrics")
                || path.equals("/v1/auth/dev-token");
    }

    /** The budget of an authenticated request, counted per user on this gateway. */
    static Budget of(String method, String path) {
        if (!method.equals("GET")) {
            return Budget.HTTP_WRITES;
        }
        if (path.equals("/v1/search")) {
            return Budget.HTTP_SEARCH;
        }
        if (path.equals("/v1/history")) {
            return Budget.HTTP_HISTORY;
        }
        return Budget.HTTP_READS;
    }
}
