package io.parley.edge.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Actions on a resource that may still be on its way (a producer being created), started in the
 * order they were submitted.
 *
 * <p>Chaining each action directly on the pending resource would not do: a {@link
 * CompletableFuture} runs its dependents last-in first-out, so the messages a client sent while its
 * room's producer was being created went out in reverse. Here each action waits for the one before
 * it to have started, and once the resource is ready and nothing is waiting, actions run at once on
 * the caller's thread.
 */
final class InOrder<R> {
    private final CompletableFuture<R> resource;
    private CompletableFuture<Void> lastStarted = CompletableFuture.completedFuture(null);

    InOrder(CompletableFuture<R> resource) {
        this.resource = resource;
    }

    CompletableFuture<R> resource() {
        return resource;
    }

    synchronized <T> CompletableFuture<T> submit(Function<R, CompletableFuture<T>> action) {
        if (lastStarted.isDone() && resource.isDone() && !resource.isCompletedExceptionally()) {
            return action.apply(resource.join());
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<T> result =
                lastStarted
                        .thenCompose(previous -> resource)
                        .thenCompose(
                                r -> {
                                    try {
                                        return action.apply(r);
                                    } finally {
                                        started.complete(null);
                                    }
                                });
        // when the resource failed the action never starts: let the next one go (and fail) too
        result.whenComplete((value, failure) -> started.complete(null));
        lastStarted = started;
        return result;
    }
}
