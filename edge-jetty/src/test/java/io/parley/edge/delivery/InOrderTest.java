package io.parley.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InOrderTest {

    @Test
    void shouldStartActionsSubmittedBeforeTheResourceIsReadyInSubmissionOrder() {
        CompletableFuture<List<Integer>> resource = new CompletableFuture<>();
        InOrder<List<Integer>> inOrder = new InOrder<>(resource);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            results.add(inOrder.submit(list -> append(list, n)));
        }

        resource.complete(new ArrayList<>());

        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
        }
        assertThat(resource.join()).containsExactlyElementsOf(expected);
        assertThat(results.get(99).join()).isEqualTo(99);
    }

    @Test
    void shouldKeepOrderBetweenWaitingActionsAndOnesSubmittedOnceReady() {
        CompletableFuture<List<Integer>> resource = new CompletableFuture<>();
        InOrder<List<Integer>> inOrder = new InOrder<>(resource);
        inOrder.submit(list -> append(list, 1));
        inOrder.submit(list -> append(list, 2));
        resource.complete(new ArrayList<>());

        inOrder.submit(list -> append(list, 3));

        assertThat(resource.join()).containsExactly(1, 2, 3);
    }

    @Test
    void shouldFailEveryWaitingActionWhenTheResourceFails() {
        CompletableFuture<List<Integer>> resource = new CompletableFuture<>();
        InOrder<List<Integer>> inOrder = new InOrder<>(resource);
        CompletableFuture<Integer> first = inOrder.submit(list -> append(list, 1));
        CompletableFuture<Integer> second = inOrder.submit(list -> append(list, 2));

        resource.completeExceptionally(new IllegalStateException("no producer"));

        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedExceptionally();
    }

    private static CompletableFuture<Integer> append(List<Integer> list, int n) {
        list.add(n);
        return CompletableFuture.completedFuture(n);
    }
}
